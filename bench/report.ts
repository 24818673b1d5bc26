/**
 * Turns benchmark measurements into the targets table and its JSON (layer: bench). Targets
 * come from the performance issue (in-library and as a CLI process a user runs); a missed target
 * is printed as MISS, never hidden. The PostgreSQL temporal table and git are the peers, measured
 * in the same run on the same data.
 */
import type { CliTimings } from './cli-timings.js';
import type { GitBaselineResult } from './git-baseline.js';
import type { PostgresBaselineResult } from './postgres-baseline.js';
import { renderTable } from './table.js';
import type { VersoRunResult } from './verso-run.js';

export interface BenchReport {
  readonly machine: { cpus: number; cpuModel: string; memoryBytes: number; node: string };
  readonly date: string;
  readonly labels: number;
  readonly labelsFileBytes: number;
  readonly main: VersoRunResult;
  readonly small: VersoRunResult;
  readonly cli: CliTimings;
  readonly postgres?: PostgresBaselineResult;
  readonly git?: { labels: number; git: GitBaselineResult; verso: VersoRunResult };
}

interface Row {
  readonly operation: string;
  readonly measured: string;
  readonly target: string;
  readonly ok: boolean | null;
  readonly value: number;
}

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
const fmt = (x: number, d = 1) =>
  x.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });

export function rows(r: BenchReport): Row[] {
  const m = r.main;
  const importRate = m.labels / (m.importMs / 1000);
  const catRate = m.catLines / (m.catMs / 1000);
  const sizeRatio = m.repoBytesAfterImport / r.labelsFileBytes;
  const diffScale = m.diffWarmMedianMs / r.small.diffWarmMedianMs;
  return [
    {
      operation: `import labels.jsonl (${fmt(m.labels, 0)} labels)`,
      measured: `${fmt(importRate, 0)} labels/s (${fmt(m.importMs / 1000)} s)`,
      target: '>= 200,000 labels/s',
      ok: importRate >= 200_000,
      value: importRate,
    },
    {
      operation: 'import peak RSS',
      measured: `${fmt(m.importRssBytes / GiB, 2)} GiB`,
      target: '<= 3 GiB',
      ok: m.importRssBytes <= 3 * GiB,
      value: m.importRssBytes,
    },
    {
      operation: 'branch create (in-library, median of 200)',
      measured: `${fmt(m.branchCreateMedianMs, 2)} ms (max ${fmt(m.branchCreateMaxMs, 2)})`,
      target: '<= 5 ms',
      ok: m.branchCreateMedianMs <= 5,
      value: m.branchCreateMedianMs,
    },
    {
      operation: 'apply edits-500 + commit (in-library)',
      measured: `${fmt(m.applyMs, 0)} ms`,
      target: '<= 60 ms',
      ok: m.applyMs <= 60,
      value: m.applyMs,
    },
    {
      operation: 'chunk bytes that commit wrote (uncompressed)',
      measured: `${fmt(m.applyChunkBytes / MiB, 2)} MiB`,
      target: 'info',
      ok: null,
      value: m.applyChunkBytes,
    },
    {
      operation: 'repository growth for that commit (disk)',
      measured: `${fmt(m.applyGrowthBytes / MiB, 2)} MiB`,
      target: '<= 2 MiB',
      ok: m.applyGrowthBytes <= 2 * MiB,
      value: m.applyGrowthBytes,
    },
    {
      operation: `diff commit vs parent (${m.diffChanges} changes), warm median`,
      measured: `${fmt(m.diffWarmMedianMs, 1)} ms (cold ${fmt(m.diffColdMs, 1)})`,
      target: '<= 20 ms',
      ok: m.diffWarmMedianMs <= 20,
      value: m.diffWarmMedianMs,
    },
    {
      operation: `diff time vs 100k labels (${fmt(r.small.diffWarmMedianMs, 1)} ms)`,
      measured: `${fmt(diffScale, 2)}x`,
      target: '<= 1.5x',
      ok: diffScale <= 1.5,
      value: diffScale,
    },
    {
      operation: 'cat every label as JSONL to a file',
      measured: `${fmt(catRate, 0)} labels/s`,
      target: '>= 600,000 labels/s',
      ok: catRate >= 600_000,
      value: catRate,
    },
    {
      operation: `read every chunk, verified (${fmt(m.chunkReadCount, 0)} chunks, ${fmt(m.chunkReadBytes / MiB, 0)} MiB)`,
      measured: `${fmt(m.chunkReadMs, 0)} ms, of which SHA-256 ${fmt(m.chunkHashMs, 0)} ms`,
      target: 'info',
      ok: null,
      value: m.chunkReadMs,
    },
    {
      operation: 'repository size after import / labels.jsonl',
      measured: `${fmt(sizeRatio, 3)} (${fmt(m.repoBytesAfterImport / MiB, 0)} MiB / ${fmt(r.labelsFileBytes / MiB, 0)} MiB)`,
      target: '<= 0.35',
      ok: sizeRatio <= 0.35,
      value: sizeRatio,
    },
  ];
}

/** The same operations as CLI processes, start-up included. */
function cliRows(r: BenchReport): Row[] {
  const c = r.cli;
  const small = (name: string, ms: number): Row => ({
    operation: `CLI \`verso ${name}\` (median of 7)`,
    measured: `${fmt(ms, 0)} ms`,
    target: '<= 120 ms',
    ok: ms <= 120,
    value: ms,
  });
  const catRate = c.catLines / (c.catMs / 1000);
  return [
    ...(c.importMs !== undefined
      ? [
          {
            operation: 'CLI `verso init` + `verso import labels`',
            measured: `${fmt(r.main.labels / (c.importMs / 1000), 0)} labels/s (${fmt(c.importMs / 1000)} s)`,
            target: '>= 200,000 labels/s',
            ok: r.main.labels / (c.importMs / 1000) >= 200_000,
            value: r.main.labels / (c.importMs / 1000),
          },
        ]
      : []),
    {
      operation: 'CLI `verso apply edits-500`',
      measured: `${fmt(c.applyMs, 0)} ms`,
      target: '<= 250 ms',
      ok: c.applyMs <= 250,
      value: c.applyMs,
    },
    {
      operation: 'CLI `verso diff B~1 B --json`',
      measured: `${fmt(c.diffMs, 0)} ms`,
      target: '<= 150 ms',
      ok: c.diffMs <= 150,
      value: c.diffMs,
    },
    {
      operation: `CLI \`verso cat main\` (${fmt(c.catLines, 0)} lines)`,
      measured: `${fmt(catRate, 0)} labels/s`,
      target: '>= 600,000 labels/s',
      ok: catRate >= 600_000,
      value: catRate,
    },
    small('log main -n 20', c.logMs),
    small('show main', c.showMs),
    small('branch list', c.branchListMs),
    small('count main', c.countMs),
  ];
}

/** The PostgreSQL temporal table on the same N labels: each of its rows beside Verso's. */
function postgresRows(r: BenchReport): Row[] {
  const p = r.postgres;
  if (!p) return [];
  const m = r.main;
  const vs = (pgMs: number, versoMs: number, cliMs?: number) =>
    `postgres ${fmt(pgMs, 1)} ms vs verso ${fmt(versoMs, 1)} ms${cliMs !== undefined ? ` (CLI ${fmt(cliMs, 0)} ms)` : ''}`;
  const pgImportRate = p.rows / ((p.copyMs + p.indexMs) / 1000);
  const versoImportRate = m.labels / (m.importMs / 1000);
  const pgReadRate = p.readRows / (p.readMs / 1000);
  const versoCatRate = m.catLines / (m.catMs / 1000);
  return [
    {
      operation: `postgres @${fmt(p.rows, 0)}: import (COPY ${fmt(p.copyMs / 1000)} s + indexes ${fmt(p.indexMs / 1000)} s)`,
      measured: `postgres ${fmt(pgImportRate, 0)} rows/s vs verso ${fmt(versoImportRate, 0)} labels/s`,
      target: 'verso faster',
      ok: versoImportRate > pgImportRate,
      value: versoImportRate / pgImportRate,
    },
    {
      operation: `postgres: ${p.commitOps}-edit commit`,
      measured: vs(p.commitMs, m.applyMs, r.cli.applyMs),
      target: 'verso faster',
      ok: m.applyMs < p.commitMs,
      value: p.commitMs / m.applyMs,
    },
    {
      operation: `postgres: diff of that commit (${p.diffRows} rows, indexed)`,
      measured: vs(p.diffMs, m.diffWarmMedianMs, r.cli.diffMs),
      target: 'verso faster',
      ok: m.diffWarmMedianMs < p.diffMs,
      value: p.diffMs / m.diffWarmMedianMs,
    },
    {
      operation: `postgres: read a snapshot (${fmt(p.readRows, 0)} rows, unordered scan)`,
      measured: `postgres ${fmt(pgReadRate, 0)} rows/s vs verso ${fmt(versoCatRate, 0)} labels/s (in key order)`,
      target: 'verso faster',
      ok: versoCatRate > pgReadRate,
      value: versoCatRate / pgReadRate,
    },
    {
      operation: 'postgres: growth of that commit (table + indexes, WAL not counted)',
      measured: `postgres ${fmt(p.commitGrowthBytes / MiB, 2)} MiB vs verso ${fmt(m.applyGrowthBytes / MiB, 2)} MiB`,
      target: 'info',
      ok: null,
      value: p.commitGrowthBytes,
    },
    {
      operation: 'postgres: size after import (table + indexes)',
      measured: `postgres ${fmt(p.tableBytesAfterImport / MiB, 0)} MiB vs verso ${fmt(m.repoBytesAfterImport / MiB, 0)} MiB`,
      target: 'info',
      ok: null,
      value: p.tableBytesAfterImport,
    },
  ];
}

function gitRows(r: BenchReport): Row[] {
  if (!r.git) return [];
  const { git, verso, labels } = r.git;
  const ratio = (g: number, v: number) =>
    `git ${fmt(g / 1000, 2)} s vs verso ${fmt(v / 1000, 3)} s = ${fmt(g / v, 1)}x`;
  return [
    {
      operation: `baseline @${fmt(labels, 0)}: import + commit`,
      measured: ratio(git.importCommitMs, verso.importMs),
      target: 'info',
      ok: null,
      value: git.importCommitMs / verso.importMs,
    },
    {
      operation: `baseline @${fmt(labels, 0)}: 500-edit commit`,
      measured: ratio(git.editCommitMs, verso.applyMs),
      target: 'info',
      ok: null,
      value: git.editCommitMs / verso.applyMs,
    },
    {
      operation: `baseline @${fmt(labels, 0)}: diff (git --name-only)`,
      measured: ratio(git.diffNameOnlyMs, verso.diffWarmMedianMs),
      target: 'info',
      ok: null,
      value: git.diffNameOnlyMs / verso.diffWarmMedianMs,
    },
    {
      operation: `baseline @${fmt(labels, 0)}: repository size`,
      measured: `git ${fmt(git.gitDirBytes / MiB, 0)} MiB vs verso ${fmt(verso.repoBytesAfterImport / MiB, 0)} MiB`,
      target: 'info',
      ok: null,
      value: git.gitDirBytes / verso.repoBytesAfterImport,
    },
  ];
}

export function renderReport(r: BenchReport): { text: string; json: unknown } {
  const all = [...rows(r), ...cliRows(r), ...postgresRows(r), ...gitRows(r)];
  const title = `Verso core benchmark: ${r.labels.toLocaleString('en-US')} labels, ${r.machine.cpus} cores (${r.machine.cpuModel}), node ${r.machine.node}, ${r.date}`;
  return { text: renderTable(title, all), json: { ...r, rows: all } };
}

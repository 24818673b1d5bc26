/**
 * `npm run bench -- [core] --labels N`: the core benchmark (layer: bench).
 *
 * Generates (or reuses, in `.bench-data/`) deterministic datasets of N and 100k labels, runs
 * Verso on each in a child process (`verso-run.ts`), times the same operations as CLI processes
 * a user runs (`cli-timings.ts`), runs the PostgreSQL temporal-table peer on N labels
 * (`postgres-baseline.ts`) and the git baseline (one JSON file per image) on min(N, 1M) labels
 * next to a Verso run on the same data, then prints a table against the targets and writes JSON
 * to `bench-results/`.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ensureDataset, type GeneratedDataset } from './gen-data.js';
import { runGitBaseline, type GitBaselineResult } from './git-baseline.js';
import { renderReport, type BenchReport } from './report.js';
import type { VersoRunResult } from './verso-run.js';
import { benchLog } from './table.js';
import { measureCli } from './cli-timings.js';
import { runPostgresBaseline, type PostgresBaselineResult } from './postgres-baseline.js';

const { values } = parseArgs({
  options: {
    labels: { type: 'string', default: '1000000' },
    seed: { type: 'string', default: '1' },
    'data-dir': { type: 'string', default: '.bench-data' },
    'work-dir': { type: 'string', default: '.bench-data/work' },
    out: { type: 'string', default: 'bench-results' },
    'no-git': { type: 'boolean', default: false },
    'no-postgres': { type: 'boolean', default: false },
    'no-cli-import': { type: 'boolean', default: false },
  },
});

const N = Number(values.labels);
const SMALL = 100_000;
const BASELINE_MAX = 1_000_000;
const seed = Number(values.seed);
const distDir = resolve(import.meta.dirname);
const work = resolve(values['work-dir']);
mkdirSync(work, { recursive: true });

const log = benchLog('');

async function dataset(labels: number): Promise<GeneratedDataset> {
  log(`dataset ${labels} labels`);
  return ensureDataset({
    labels,
    seed,
    outDir: resolve(values['data-dir'], `labels-${labels}-seed-${seed}`),
    editSizes: [500],
  });
}

function runVerso(ds: GeneratedDataset, name: string): VersoRunResult {
  log(`verso run on ${ds.labels} labels`);
  const out = execFileSync(
    process.execPath,
    [
      '--max-old-space-size=3072',
      join(distDir, 'verso-run.js'),
      '--labels-file',
      ds.labelsFile,
      '--edits-file',
      ds.editFiles[0]!.file,
      '--repo',
      join(work, name),
    ],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 20 },
  );
  return JSON.parse(out.trim().split('\n').pop()!) as VersoRunResult;
}

const main = await dataset(N);
const small = N === SMALL ? main : await dataset(SMALL);
const mainRun = runVerso(main, `verso-${N}`);
const smallRun = N === SMALL ? mainRun : runVerso(small, `verso-${SMALL}`);
log('CLI processes');
const cliImportRepo = join(work, `verso-cli-${N}`);
rmSync(cliImportRepo, { recursive: true, force: true });
const cli = await measureCli({
  repo: join(work, `verso-${N}`),
  editsFile: main.editFiles[0]!.file,
  ...(values['no-cli-import'] ? {} : { importFile: main.labelsFile, importRepo: cliImportRepo }),
});
rmSync(cliImportRepo, { recursive: true, force: true });

let postgres: PostgresBaselineResult | undefined;
if (!values['no-postgres']) {
  log(`PostgreSQL temporal table on ${N} labels`);
  postgres = await runPostgresBaseline({
    labelsFile: main.labelsFile,
    editsFile: main.editFiles[0]!.file,
  });
}

let git: { labels: number; git: GitBaselineResult; verso: VersoRunResult } | undefined;
if (!values['no-git']) {
  const baseN = Math.min(N, BASELINE_MAX);
  const baseDs = baseN === N ? main : await dataset(baseN);
  const versoAtBase =
    baseN === N ? mainRun : baseN === SMALL ? smallRun : runVerso(baseDs, `verso-${baseN}`);
  log(`git baseline on ${baseN} labels`);
  const gitDir = join(work, `git-${baseN}`);
  rmSync(gitDir, { recursive: true, force: true });
  const g = await runGitBaseline({
    labelsFile: baseDs.labelsFile,
    editsFile: baseDs.editFiles[0]!.file,
    workDir: gitDir,
  });
  rmSync(gitDir, { recursive: true, force: true });
  git = { labels: baseN, git: g, verso: versoAtBase };
}

const report: BenchReport = {
  machine: {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryBytes: totalmem(),
    node: process.version,
  },
  date: new Date().toISOString(),
  labels: N,
  labelsFileBytes: main.labelsBytes,
  main: mainRun,
  small: smallRun,
  cli,
  ...(postgres ? { postgres } : {}),
  ...(git ? { git } : {}),
};
const { text, json } = renderReport(report);
process.stdout.write(text);
mkdirSync(values.out, { recursive: true });
const file = join(values.out, `bench-${N}.json`);
writeFileSync(file, JSON.stringify(json, null, 2) + '\n');
log(`wrote ${file}`);

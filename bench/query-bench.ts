/**
 * `npm run bench -- query [--labels 10000000] [--runs 5]` (layer: bench): secondary indexes and
 * filtered exports at scale.
 *
 * A repository of the generated dataset (copied from the core suite's `verso-N`, or imported)
 * gets tag `production-v3`, a full `verso index build`, the generator's 500-op edit batch on
 * `main` (the commit maintains the indexes incrementally) and tag `production-v4`; that state
 * is cached in `.bench-data/work/query-N`. Measured with the CLI as a process (median of
 * `--runs`): the indexed `count --where 'class = car'` (target <= 1 s) against the same count by
 * a scan (`not (class != car)`, which no index answers) in the same run; filtered COCO exports
 * of production-v4 (target <= 60 s): the headline "last quarter's newly reviewed labels" (an
 * index / change-set plan) and a filter only a scan answers. Incremental index maintenance for
 * the 500-op commit (target <= 200 ms), measured where it runs: `verso apply` of the batch on a
 * branch from production-v3, with v3 indexed (the commit maintains the indexes) and with v3's
 * index rows removed (it maintains none), alternately, each a fresh process; the difference of
 * the medians is the maintenance. Also the maintenance alone in a fresh process with cold caches
 * (the commit's rows removed, `stageTreeIndexes` re-run, checked to give the same index).
 * `VERSO_NOW` is fixed so the periods are reproducible. Prints the table and writes
 * `bench-results/query.json`.
 */
import { cpSync, existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { hashToHex } from '../src/core/hash.js';
import { openRepository } from '../src/api/repository/compose.js';
import { snapshotAtRef } from '../src/api/repository/snapshot-at.js';
import { indexOf } from '../src/api/query/tree-index.js';
import { foldOverlay } from '../src/tree/overlay.js';
import { stageTreeIndexes } from '../src/api/query/tree-index-maintain.js';
import { getCommit } from '../src/vcs/commit.js';
import { resolveRef } from '../src/vcs/resolve-ref.js';
import { getSnapshot, treeRoot } from '../src/vcs/snapshot.js';
import { INDEX_FORMAT, INDEXED_TREES } from '../src/query/index-entries.js';
import { ensureDataset } from './gen-data.js';
import { median, timeMs } from './measure.js';
import { benchLog, fmtNumber, renderTable, type TableRow } from './table.js';
import { VERSO_CLI } from './paths.js';

const { values } = parseArgs({
  options: {
    labels: { type: 'string', default: '10000000' },
    runs: { type: 'string', default: '5' },
    seed: { type: 'string', default: '1' },
    'data-dir': { type: 'string', default: '.bench-data' },
    out: { type: 'string', default: 'bench-results' },
    'maintain-once': { type: 'string' },
  },
});
if (values['maintain-once'] !== undefined) {
  process.stdout.write(`${await maintainOnce(values['maintain-once'])}\n`);
  process.exit(0);
}
const N = Number(values.labels);
const RUNS = Number(values.runs);
const seed = Number(values.seed);
const NOW = '2026-11-26T12:00:00Z';
const HEADLINE = 'review.at in last_quarter and review_changed_since(production-v3)';
const SCAN_ONLY = 'area > 40000 and attributes.occluded = true';

const log = benchLog('query');
const cli = VERSO_CLI;
const work = resolve(values['data-dir'], 'work');
const repoDir = join(work, `query-${N}`);

function verso(args: string[]): { ms: number; out: string } {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(
    process.execPath,
    ['--max-old-space-size=3072', cli, '--repo', repoDir, ...args],
    {
      encoding: 'utf8',
      env: { ...process.env, VERSO_NOW: NOW },
      maxBuffer: 1 << 26,
    },
  );
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`verso ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return { ms, out: r.stdout };
}

const ds = await ensureDataset({
  labels: N,
  seed,
  outDir: resolve(values['data-dir'], `labels-${N}-seed-${seed}`),
  editSizes: [500],
});
const prepared = join(repoDir, 'query-bench-prepared');
const setup: Record<string, number> = {};
if (!existsSync(prepared)) {
  rmSync(repoDir, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const core = join(work, `verso-${N}`);
  if (existsSync(join(core, '.verso'))) {
    log(`copying ${core}`);
    cpSync(core, repoDir, { recursive: true });
  } else {
    log(`importing ${N} labels`);
    verso(['init']);
    setup.import_ms = verso(['import', 'labels', ds.labelsFile]).ms;
  }
  verso(['tag', 'create', 'production-v3', 'main']);
  log('index build production-v3');
  setup.index_build_ms = verso(['index', 'build', 'production-v3']).ms;
  log('apply 500 ops to main (indexes maintained by the commit)');
  setup.apply_ms = verso(['apply', ds.editFiles[0]!.file, '--branch', 'main', '-m', 'edits']).ms;
  verso(['tag', 'create', 'production-v4', 'main']);
  writeFileSync(prepared, JSON.stringify(setup));
} else log(`reusing ${repoDir}`);

log('incremental index maintenance, each run in a fresh process');
const maintainMs: number[] = [];
for (let i = 0; i < RUNS; i++) {
  const r = spawnSync(
    process.execPath,
    [fileURLToPath(import.meta.url), '--maintain-once', repoDir],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
  );
  if (r.status !== 0) throw new Error(`maintenance run exited ${r.status}`);
  maintainMs.push(Number(r.stdout.trim()));
}

log('apply of the 500-op batch on production-v3, with and without index maintenance');
const applyWith: number[] = [];
const applyWithout: number[] = [];
const applyOn = (branch: string): number => {
  verso(['branch', 'create', branch, '--from', 'production-v3']);
  const { ms } = verso(['apply', ds.editFiles[0]!.file, '--branch', branch, '-m', 'bench']);
  verso(['branch', 'delete', branch]);
  return ms;
};
for (let i = 0; i < RUNS; i++) {
  applyWith.push(applyOn(`bench-with-${i}`));
  applyWithout.push(await withoutIndexOf('production-v3', () => applyOn(`bench-without-${i}`)));
}

log('count class = car: index and scan');
const countArgs = (where: string) => ['count', 'production-v4', '--where', where];
const indexed = Array.from({ length: RUNS }, () => verso(countArgs('class = car')));
const scanned = verso(countArgs('not (class != car)'));
const cars = Number(indexed[0]!.out.trim());
if (cars !== Number(scanned.out.trim()))
  throw new Error(`index count ${cars} != scan count ${scanned.out}`);

function exportRun(where: string) {
  const args = (out: string) => [
    'export',
    'production-v4',
    '--where',
    where,
    '--format',
    'coco',
    '--out',
    out,
  ];
  const explain = verso([...args('-'), '--explain']).out;
  log(`plan of '${where}':\n${explain.trimEnd()}`);
  const out = join(work, `query-export-${N}.json`);
  const r = verso([...args(out), '--json']);
  const result = JSON.parse(r.out) as { labels: number; images: number };
  const bytes = statSync(out).size;
  rmSync(out, { force: true });
  return {
    ms: r.ms,
    labels: result.labels,
    images: result.images,
    bytes,
    plan: explain.split('\n')[0] ?? '',
  };
}
log('filtered exports');
const headline = exportRun(HEADLINE);
const scanOnly = exportRun(SCAN_ONLY);

const countMs = median(indexed.map((r) => r.ms));
const inSitu = median(applyWith) - median(applyWithout);
const rows: TableRow[] = [
  ...(setup.index_build_ms !== undefined
    ? [
        {
          operation: `index build, ${fmtNumber(N, 0)} labels (once)`,
          measured: `${fmtNumber(setup.index_build_ms / 1000)} s`,
          target: '',
          ok: null,
        },
      ]
    : []),
  {
    operation: 'index maintenance in a 500-op apply (apply with - without)',
    measured: `${fmtNumber(inSitu)} ms`,
    target: '<= 200 ms',
    ok: inSitu <= 200,
  },
  {
    operation: `  apply with maintenance / without (medians of ${RUNS})`,
    measured: `${fmtNumber(median(applyWith))} / ${fmtNumber(median(applyWithout))} ms`,
    target: '',
    ok: null,
  },
  {
    operation: 'index maintenance alone, fresh process, cold caches',
    measured: `${fmtNumber(median(maintainMs))} ms`,
    target: '',
    ok: null,
  },
  {
    operation: `count --where 'class = car' (${fmtNumber(cars, 0)}), indexed`,
    measured: `${fmtNumber(countMs)} ms`,
    target: '<= 1,000 ms',
    ok: countMs <= 1000,
  },
  {
    operation: "same count by a scan ('not (class != car)')",
    measured: `${fmtNumber(scanned.ms)} ms`,
    target: 'baseline',
    ok: null,
  },
  ...[
    ['headline', headline, HEADLINE],
    ['scan-only', scanOnly, SCAN_ONLY],
  ].map(([name, r, where]) => {
    const x = r as ReturnType<typeof exportRun>;
    return {
      operation: `export coco --where (${name as string}: ${x.labels} labels, ${x.plan.replace(/ of \d+ labels of \w+/, '')})`,
      measured: `${fmtNumber(x.ms / 1000)} s`,
      target: '<= 60 s',
      ok: x.ms <= 60_000,
      where,
    } as TableRow;
  }),
];
const table = renderTable(
  `query: ${fmtNumber(N, 0)} labels, ${cpus().length} cores, VERSO_NOW=${NOW}`,
  rows,
);
process.stdout.write(table);
mkdirSync(values.out, { recursive: true });
writeFileSync(
  join(values.out, 'query.json'),
  JSON.stringify(
    {
      labels: N,
      now: NOW,
      setup,
      maintainMs,
      applyWith,
      applyWithout,
      indexedCountMs: indexed.map((r) => r.ms),
      scanCountMs: scanned.ms,
      cars,
      headline: { where: HEADLINE, ...headline },
      scanOnly: { where: SCAN_ONLY, ...scanOnly },
      rows,
    },
    null,
    2,
  ),
);

/** Runs `fn` while the trees of `ref` have no index rows (so a commit on it maintains none). */
async function withoutIndexOf<T>(ref: string, fn: () => T): Promise<T> {
  let repo = await openRepository(repoDir);
  const records = [];
  try {
    const { snap } = await snapshotAtRef(repo, ref);
    for (const t of INDEXED_TREES) {
      const r = await repo.catalog.derived.getTreeIndex(t, snap.trees[t], INDEX_FORMAT);
      if (r) records.push(r);
    }
    await repo.catalog.derived.deleteTreeIndexes(records);
  } finally {
    await repo.close();
  }
  try {
    return fn();
  } finally {
    repo = await openRepository(repoDir);
    for (const r of records) await repo.catalog.derived.replaceTreeIndex(r);
    await repo.close();
  }
}

/**
 * One commit-time index maintenance of production-v4 (its 500-op commit), as a fresh process
 * does it: the commit's index rows are removed, `stageTreeIndexes` runs from the parent's
 * indexes, the rows are written again; returns the milliseconds. Checks that the index is the
 * same set as before (folded, both are the same tree).
 */
async function maintainOnce(dir: string): Promise<number> {
  const repo = await openRepository(dir);
  try {
    const v4 = await resolveRef(repo.catalog, repo.chunks, 'production-v4');
    const commit = await getCommit(repo.chunks, v4);
    const snapshot = await getSnapshot(repo.chunks, commit.snapshot);
    const parent = await getSnapshot(
      repo.chunks,
      (await getCommit(repo.chunks, commit.parents[0]!)).snapshot,
    );
    const changed = INDEXED_TREES.filter(
      (t) => hashToHex(treeRoot(snapshot, t)) !== hashToHex(treeRoot(parent, t)),
    );
    const folded = async () => {
      const roots: string[] = [];
      for (const t of changed) {
        const index = await indexOf(repo, t, treeRoot(snapshot, t));
        if (!index) throw new Error(`production-v4's ${t} tree is not indexed`);
        roots.push(hashToHex(await foldOverlay(repo.nodes, index)));
      }
      return roots.join();
    };
    const records = [];
    for (const t of changed) {
      const r = await repo.catalog.derived.getTreeIndex(
        t,
        hashToHex(treeRoot(snapshot, t)),
        INDEX_FORMAT,
      );
      if (!r) throw new Error(`production-v4's ${t} tree is not indexed`);
      records.push(r);
    }
    await repo.catalog.derived.deleteTreeIndexes(records);
    const { ms } = await timeMs(async () => {
      const record = await stageTreeIndexes(repo, {
        commit: v4,
        parents: commit.parents,
        snapshot,
      });
      await repo.chunks.flush();
      await record();
    });
    const after = await folded();
    for (const r of records) await repo.catalog.derived.replaceTreeIndex(r);
    if (after !== (await folded()))
      throw new Error('the maintained index differs from the recorded one');
    return ms;
  } finally {
    await repo.close();
  }
}

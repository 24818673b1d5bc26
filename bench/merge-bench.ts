/**
 * `npm run bench -- merge [--labels 1000000,10000000]`: three-way merge cost (layer: bench).
 *
 * For each size: the generated dataset is imported once into a cached repository
 * (`.bench-data/work/merge-N`); two branches then get 5,000 edits each on disjoint labels
 * (70% put of new content on existing labels, 15% delete, 15% add, drawn from the dataset's
 * image plan) and
 * `verso merge` of one into the other is timed as a CLI process (target <= 2 s at 10M). A second
 * pair of branches edits the *same* 5,000 labels differently, so the merge stops with 5,000
 * conflicts: its time at 1M and 10M shows that conflict detection scales with the edits, not
 * the dataset. Prints the targets table and writes `bench-results/merge.json`.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ensureDataset } from './gen-data.js';
import { planImages, type ImagePlan } from './gen-image-plan.js';
import { median } from './measure.js';
import { Rng } from './rng.js';
import { fmtNumber, renderTable, type TableRow, benchLog } from './table.js';
import { VERSO_CLI } from './paths.js';

const { values } = parseArgs({
  options: {
    labels: { type: 'string', default: '1000000,10000000' },
    edits: { type: 'string', default: '5000' },
    runs: { type: 'string', default: '3' },
    seed: { type: 'string', default: '1' },
    'data-dir': { type: 'string', default: '.bench-data' },
    out: { type: 'string', default: 'bench-results' },
  },
});
const sizes = values.labels.split(',').map(Number);
const EDITS = Number(values.edits);
const RUNS = Number(values.runs);
const seed = Number(values.seed);
const cli = VERSO_CLI;

const log = benchLog('merge');

function verso(
  repo: string,
  args: readonly string[],
  allowFail = false,
): { ms: number; out: string } {
  const t0 = process.hrtime.bigint();
  let out = '';
  try {
    out = execFileSync(
      process.execPath,
      ['--max-old-space-size=3072', cli, '--repo', repo, ...args],
      {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
        maxBuffer: 64 << 20,
      },
    );
  } catch (e) {
    if (!allowFail) throw e;
    out = (e as { stdout?: string }).stdout ?? '';
  }
  return { ms: Number(process.hrtime.bigint() - t0) / 1e6, out };
}

async function cachedRepo(labels: number): Promise<string> {
  const repo = resolve(values['data-dir'], 'work', `merge-${labels}`);
  const marker = join(repo, '.imported');
  if (existsSync(marker)) return repo;
  const ds = await ensureDataset({
    labels,
    seed,
    outDir: resolve(values['data-dir'], `labels-${labels}-seed-${seed}`),
    editSizes: [500],
  });
  log(`importing ${labels} labels into ${repo}`);
  mkdirSync(repo, { recursive: true });
  execFileSync(process.execPath, [cli, 'init', repo], { stdio: 'ignore' });
  verso(repo, ['import', 'labels', ds.labelsFile]);
  writeFileSync(marker, '');
  return repo;
}

/** Image id of every generated label id, from the plan's per-image counts. */
function imageOf(plan: ImagePlan): (labelId: number) => string {
  const ends = new Float64Array(plan.images);
  let total = 0;
  for (let i = 0; i < plan.images; i++) ends[i] = total += plan.labelCounts[i]!;
  return (id) => {
    let lo = 0;
    let hi = plan.images - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (ends[mid]! >= id) hi = mid;
      else lo = mid + 1;
    }
    return String(lo + 1).padStart(8, '0');
  };
}

interface EditSets {
  readonly a: string;
  readonly b: string;
  readonly conflictA: string;
  readonly conflictB: string;
}

/** Two disjoint 5,000-op batches, and two batches that put different content on the same labels. */
function writeEditSets(dir: string, labels: number): EditSets {
  const plan = planImages(seed, labels);
  const image = imageOf(plan);
  const rng = new Rng(seed, 77);
  const picked = new Set<number>();
  while (picked.size < 3 * EDITS) picked.add(rng.int(1, plan.labels));
  const ids = [...picked];
  let nextNew = plan.labels + 1;
  const put = (id: number, img: string, cat: number, x: number) =>
    JSON.stringify({
      op: 'put',
      image: img,
      label: String(id),
      category_id: cat,
      category: `c${cat}`,
      bbox: [x, x, 20, 20],
      area: 400,
      iscrowd: 0,
    });
  const batch = (targets: number[], cat: number): string => {
    const lines: string[] = [];
    targets.forEach((id, i) => {
      const slot = i % 20;
      if (slot < 12 || slot >= 18) lines.push(put(id, image(id), cat, 10 + (i % 50)));
      else if (slot < 15)
        lines.push(JSON.stringify({ op: 'delete', image: image(id), label: String(id) }));
      else lines.push(put(nextNew++, image(id), cat, 300 + (i % 50)));
    });
    return lines.join('\n') + '\n';
  };
  const file = (name: string, text: string) => {
    const f = join(dir, name);
    writeFileSync(f, text);
    return f;
  };
  const same = ids.slice(2 * EDITS).map((id) => id);
  const conflicting = (cat: number) =>
    same.map((id, i) => put(id, image(id), cat, i % 50)).join('\n') + '\n';
  return {
    a: file('merge-a.jsonl', batch(ids.slice(0, EDITS), 91)),
    b: file('merge-b.jsonl', batch(ids.slice(EDITS, 2 * EDITS), 92)),
    conflictA: file('conflict-a.jsonl', conflicting(93)),
    conflictB: file('conflict-b.jsonl', conflicting(94)),
  };
}

interface SizeResult {
  readonly labels: number;
  readonly mergeMs: number[];
  readonly conflictMs: number[];
  readonly conflicts: number;
}

async function measure(labels: number): Promise<SizeResult> {
  const repo = await cachedRepo(labels);
  const files = writeEditSets(join(repo, '..'), labels);
  const mergeMs: number[] = [];
  const conflictMs: number[] = [];
  let conflicts = 0;
  const stamp = Date.now().toString(36);
  for (let run = 0; run < RUNS; run++) {
    const [a, b, ca, cb] = ['a', 'b', 'ca', 'cb'].map((s) => `bench-${stamp}-${run}-${s}`);
    for (const br of [a, b, ca, cb]) verso(repo, ['branch', 'create', br!, '--from', 'main']);
    verso(repo, ['apply', files.a, '--branch', a!]);
    verso(repo, ['apply', files.b, '--branch', b!]);
    verso(repo, ['apply', files.conflictA, '--branch', ca!]);
    verso(repo, ['apply', files.conflictB, '--branch', cb!]);
    const m = verso(repo, ['merge', b!, '--into', a!, '--json']);
    if (JSON.parse(m.out).status !== 'merged') throw new Error(`merge did not merge: ${m.out}`);
    mergeMs.push(m.ms);
    const c = verso(repo, ['merge', cb!, '--into', ca!, '--json'], true);
    conflictMs.push(c.ms);
    const status = JSON.parse(verso(repo, ['merge', 'status', '--into', ca!, '--json']).out);
    conflicts = status.conflicts.length;
    verso(repo, ['merge', 'abort', '--into', ca!]);
    log(
      `${labels}: merge ${m.ms.toFixed(0)} ms, conflict detection ${c.ms.toFixed(0)} ms (${conflicts} conflicts)`,
    );
  }
  return { labels, mergeMs, conflictMs, conflicts };
}

const results: SizeResult[] = [];
for (const n of sizes) results.push(await measure(n));

const rows: TableRow[] = [];
for (const r of results) {
  rows.push({
    operation: `merge, 2 x ${EDITS} disjoint edits, ${fmtNumber(r.labels, 0)} labels (median of ${RUNS})`,
    measured: `${fmtNumber(median(r.mergeMs), 0)} ms`,
    target: r.labels >= 10_000_000 ? '<= 2,000 ms' : '',
    ok: r.labels >= 10_000_000 ? median(r.mergeMs) <= 2000 : null,
  });
  rows.push({
    operation: `merge stopping on ${r.conflicts} conflicts, ${fmtNumber(r.labels, 0)} labels`,
    measured: `${fmtNumber(median(r.conflictMs), 0)} ms`,
    target: '',
    ok: null,
  });
}
if (results.length >= 2) {
  const small = results[0]!;
  const big = results[results.length - 1]!;
  const ratio = median(big.conflictMs) / median(small.conflictMs);
  rows.push({
    operation: `conflict detection at ${fmtNumber(big.labels, 0)} / at ${fmtNumber(small.labels, 0)}`,
    measured: `${fmtNumber(ratio, 2)}x`,
    target: 'scales with edits (~1x)',
    ok: ratio <= 2,
  });
}
const title = `Verso merge benchmark: ${cpus().length} cores, node ${process.version}, ${new Date().toISOString()}`;
process.stdout.write(renderTable(title, rows));
mkdirSync(values.out, { recursive: true });
const outFile = join(values.out, 'merge.json');
writeFileSync(
  outFile,
  JSON.stringify({ date: new Date().toISOString(), edits: EDITS, results, rows }, null, 2) + '\n',
);
log(`wrote ${outFile}`);

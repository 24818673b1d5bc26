/**
 * The query planner against the scan, on a real embedded repository: for random filter
 * expressions (indexed fields and others, periods, offsets, change predicates, and/or/not,
 * exists, !=) over random small datasets with two tagged versions, `count()` and the keys of
 * `batches()` equal what the scan path (`matchingBatches(scanLabelBatches(...))`) finds,
 * whichever plan was chosen. The data has selective values (well under 10% of the labels), so
 * the index path is taken and checked too; a lone exact comparison is counted from the index.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashToHex } from '../../core/hash.js';
import { getCommit } from '../../vcs/commit.js';
import { resolveRef } from '../../vcs/resolve-ref.js';
import { getSnapshot, treeRoot, type Snapshot } from '../../vcs/snapshot.js';
import { applyEdits } from '../write/apply-edits.js';
import { branchHead } from '../write/branch-head.js';
import { importLabels } from '../ingest/import-labels.js';
import { initRepository } from '../repository/init-repository.js';
import { scanLabelBatches } from '../read/label-review-scan.js';
import { INDEX_FORMAT } from '../../query/index-entries.js';
import { PERIOD_NAMES } from '../../query/periods.js';
import { compileLabelFilter, matchingBatches } from './query-filter.js';
import { INDEX_SELECTIVITY } from './query-plan.js';
import { createBranch, createTag } from '../repository/refs.js';
import { type Repository } from '../repository/repository.js';
import { openRepository } from '../repository/compose.js';
import { setSplits } from '../write/splits.js';
import { indexOf } from './tree-index.js';

const SEED = 4_242_026;
const NOW = Date.parse('2026-08-15T12:00:00Z');

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

let dir: string;
let repo: Repository;
let rootCommit: string;
let fileNo = 0;
let runNo = 0;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'verso-query-plan-'));
  await initRepository(join(dir, 'repo'));
  repo = await openRepository(join(dir, 'repo'));
  rootCommit = (await branchHead(repo, 'main')).head;
});

afterAll(async () => {
  await repo.close();
  rmSync(dir, { recursive: true, force: true });
});

function writeJsonl(rows: readonly object[]): string {
  const file = join(dir, `in-${++fileNo}.jsonl`);
  writeFileSync(file, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
  return file;
}

/** mulberry32: the dataset of one run from one seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A value drawn with the given weights (weights need not sum to 1). */
function weighted<T>(rand: () => number, table: readonly (readonly [T, number])[]): T {
  const total = table.reduce((s, [, w]) => s + w, 0);
  let x = rand() * total;
  for (const [v, w] of table) if ((x -= w) < 0) return v;
  return table[table.length - 1]![0];
}

type Weights = readonly (readonly [Json | undefined, number])[];

// Skewed pools: common values (scan) and rare ones (< 10% of the labels: index).
const CLASS_W: Weights = [
  ['car', 50],
  ['person', 30],
  ['bus', 10],
  ['rare_a', 3],
  ['rare_b', 2],
  [7, 2],
  ['7', 1],
  ['traffic light', 2],
];
const ANNOTATOR_W: Weights = [
  ['ann_a', 55],
  ['ann_b', 30],
  ['ann_rare', 4],
  [42, 2],
  [true, 1],
  [['x'], 1],
  [null, 2],
  [undefined, 5],
];
const ANNOTATED_W: Weights = [
  ['2026-01-02T03:04:05Z', 40],
  ['2026-07-10T08:00:00Z', 20],
  ['2026-08-14', 3],
  ['2026-08-01T00:00:00.250Z', 2],
  ['not a date', 3],
  [20_260_101, 2],
  [undefined, 27],
];
const STATUS_W: Weights = [
  ['approved', 65],
  ['pending', 20],
  ['rejected', 6],
  ['escalated', 3],
];
const REVIEWER_W: Weights = [
  ['rev_1', 50],
  ['rev_2', 35],
  ['rev_rare', 5],
  [7, 3],
  [undefined, 7],
];
const REVIEWED_W: Weights = [
  ['2026-02-01T10:00:00Z', 40],
  ['2026-05-20T00:00:00Z', 20],
  ['2026-07-31T23:59:59.500Z', 4],
  ['2026-08-15T09:00:00Z', 1],
  ['2026-08-10', 1],
  ['later', 1],
  ['la\u0000ter, ß', 1],
  [1_700_000_000, 1],
  [null, 5],
];

function labelLine(rand: () => number, image: string, label: string): Record<string, Json> {
  const rec: Record<string, Json> = {
    image,
    label,
    category: weighted(rand, CLASS_W)!,
    bbox: [Math.floor(rand() * 50), 1, 10, 10],
  };
  const annotator = weighted(rand, ANNOTATOR_W);
  if (annotator !== undefined) rec['annotator'] = annotator;
  const at = weighted(rand, ANNOTATED_W);
  if (at !== undefined) rec['annotated_at'] = at;
  if (rand() < 0.85) {
    const review: Record<string, Json> = { status: weighted(rand, STATUS_W)! };
    const reviewer = weighted(rand, REVIEWER_W);
    if (reviewer !== undefined) review['reviewer'] = reviewer;
    review['reviewed_at'] = weighted(rand, REVIEWED_W)!;
    rec['review'] = review;
  }
  return rec;
}

interface Dataset {
  readonly branch: string;
  /** Tag of the first version (import + splits), and of the second (one edit batch later). */
  readonly first: string;
  readonly second: string;
  readonly labels: number;
}

/** A random dataset in two tagged versions on a new branch. */
async function makeDataset(seed: number): Promise<Dataset> {
  const rand = prng(seed);
  const n = ++runNo;
  const branch = `d${n}`;
  await createBranch(repo, branch, rootCommit);
  const size = 150 + Math.floor(rand() * 150);
  const rows = Array.from({ length: size }, (_, i) =>
    labelLine(rand, `img${String(Math.floor(i / 5)).padStart(3, '0')}`, String(i)),
  );
  await importLabels(repo, { file: writeJsonl(rows), branch });
  const images = [...new Set(rows.map((r) => r['image'] as string))];
  await setSplits(repo, { branch, images, split: 'train' });
  await setSplits(repo, { branch, images: images.slice(0, 1), split: 'test' });
  await setSplits(repo, { branch, images: images.slice(2, 6), split: 'val' });
  await createTag(repo, `t${n}-first`, branch);
  const edits: object[] = [];
  for (const r of rows) {
    const x = rand();
    if (x < 0.04) edits.push({ op: 'delete', image: r['image'], label: r['label'] });
    else if (x < 0.1)
      edits.push({ op: 'put', ...labelLine(rand, r['image'] as string, r['label'] as string) });
    else if (x < 0.14) {
      // A new review, the label kept (or only its box moved).
      const fresh = labelLine(rand, r['image'] as string, r['label'] as string);
      const bbox = rand() < 0.5 ? r['bbox'] : fresh['bbox'];
      edits.push({ op: 'put', ...r, bbox, review: fresh['review'] ?? null });
    }
  }
  for (let i = 0; i < 6; i++)
    edits.push({
      op: 'put',
      ...labelLine(rand, `img${String(i * 7).padStart(3, '0')}`, `new${i}`),
    });
  await applyEdits(repo, { file: writeJsonl(edits), branch });
  await setSplits(repo, { branch, images: [images[7]!], split: 'test' });
  await createTag(repo, `t${n}-second`, branch);
  return { branch, first: `t${n}-first`, second: `t${n}-second`, labels: size };
}

// ------------------------------------------------------------------ expressions

const lit = (...words: string[]) => fc.constantFrom(...words);
const CLASS_LIT = lit(
  'car',
  'person',
  'bus',
  'rare_a',
  'rare_b',
  '7',
  '"7"',
  '"traffic light"',
  'nope',
);
const ANNOTATOR_LIT = lit('ann_a', 'ann_b', 'ann_rare', '42', 'true', '"42"', 'nobody');
const STATUS_LIT = lit('approved', 'pending', 'rejected', 'escalated', 'unknown');
const REVIEWER_LIT = lit('rev_1', 'rev_2', 'rev_rare', '7', 'nobody');
const SPLIT_LIT = lit('train', 'val', 'test', 'none');
const DATE_LIT = lit(
  '2026-01-02T03:04:05Z',
  '2026-02-01',
  '2026-05-20T00:00:00Z',
  '2026-07-31T23:59:59.500Z',
  '2026-08-01',
  '2026-08-10',
  '-30d',
  '-2w',
  '-12h',
);
const PERIOD = lit(...PERIOD_NAMES, '-30d', '-7d');
const ORDER = lit('<', '<=', '>', '>=', '=', '!=');

/** `(v1, v2, ...)`, values possibly repeated (a repeated value must not count twice). */
const list = (values: fc.Arbitrary<string>) =>
  fc.array(values, { minLength: 1, maxLength: 3 }).map((vs) => `(${vs.join(', ')})`);

/** Comparisons; `$FIRST` stands for the run's first tag. */
const ATOM: fc.Arbitrary<string> = fc.oneof(
  CLASS_LIT.map((v) => `class = ${v}`),
  list(CLASS_LIT).map((l) => `class in ${l}`),
  CLASS_LIT.map((v) => `class != ${v}`),
  ANNOTATOR_LIT.map((v) => `annotator = ${v}`),
  list(ANNOTATOR_LIT).map((l) => `annotator in ${l}`),
  STATUS_LIT.map((v) => `review.status = ${v}`),
  list(STATUS_LIT).map((l) => `review.status in ${l}`),
  REVIEWER_LIT.map((v) => `review.reviewer = ${v}`),
  fc.tuple(ORDER, DATE_LIT).map(([op, d]) => `review.at ${op} ${d}`),
  PERIOD.map((p) => `review.at in ${p}`),
  fc.tuple(ORDER, DATE_LIT).map(([op, d]) => `annotated_at ${op} ${d}`),
  PERIOD.map((p) => `annotated_at in ${p}`),
  lit('review.at = later', 'annotated_at = "not a date"', 'review.at >= 1700000000'),
  SPLIT_LIT.map((v) => `split = ${v}`),
  list(SPLIT_LIT).map((l) => `split in ${l}`),
  fc.nat({ max: 65 }).map((i) => `image = img${String(i).padStart(3, '0')}`),
  lit('changed_since($FIRST)', 'review_changed_since($FIRST)'),
  lit('exists review.at', 'exists annotator', 'kind = box', 'label = 3'),
);

const { expr: EXPR } = fc.letrec<{ expr: string }>((tie) => ({
  expr: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    ATOM,
    fc.tuple(tie('expr'), tie('expr')).map(([a, b]) => `(${a} and ${b})`),
    fc.tuple(tie('expr'), tie('expr')).map(([a, b]) => `(${a} or ${b})`),
    tie('expr').map((a) => `not ${a}`),
  ),
}));

// ------------------------------------------------------------------ the two paths

const hex = (k: Uint8Array) => Buffer.from(k).toString('hex');

async function snapshotAt(ref: string): Promise<Snapshot> {
  const id = await resolveRef(repo.catalog, repo.chunks, ref);
  return getSnapshot(repo.chunks, (await getCommit(repo.chunks, id)).snapshot);
}

/** The labels the scan path finds: every label, the whole filter evaluated on each. */
async function scanKeys(snap: Snapshot, where: string): Promise<string[]> {
  const f = await compileLabelFilter(repo, snap, where, { now: NOW });
  const keys: string[] = [];
  for await (const b of matchingBatches(scanLabelBatches(repo, snap), f.matcher()))
    for (const e of b) keys.push(hex(e.key));
  return keys;
}

interface Outcome {
  readonly access: 'scan' | 'index';
  readonly exact: boolean;
}

/** The planned paths agree with the scan on `where` at `snap`. */
async function expectPlanAgrees(snap: Snapshot, where: string): Promise<Outcome> {
  const expected = await scanKeys(snap, where);
  const f = await compileLabelFilter(repo, snap, where, { now: NOW });
  const plan = await f.plan();
  const keys: string[] = [];
  for await (const b of f.batches()) for (const e of b) keys.push(hex(e.key));
  const why = `${where}\nplan: ${plan.access}\n  ${plan.steps.join('\n  ')}`;
  expect(keys, why).toEqual(expected);
  expect(await f.count(), why).toBe(expected.length);
  if (plan.access === 'index')
    expect(plan.candidates, why).toBeLessThanOrEqual(
      Math.max(1, Math.floor(plan.total * INDEX_SELECTIVITY)),
    );
  return { access: plan.access, exact: plan.exactCount !== undefined };
}

describe('query plans agree with the scan', () => {
  it('random filters on random datasets: count() and batches() equal the scan', async () => {
    const seen = { index: 0, scan: 0, exact: 0 };
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        fc.array(fc.tuple(EXPR, fc.boolean()), { minLength: 12, maxLength: 12 }),
        async (seed, filters) => {
          const ds = await makeDataset(seed);
          const snaps = { first: await snapshotAt(ds.first), second: await snapshotAt(ds.second) };
          for (const [expr, atFirst] of filters) {
            const where = expr.replaceAll('$FIRST', ds.first);
            const o = await expectPlanAgrees(atFirst ? snaps.first : snaps.second, where);
            seen[o.access]++;
            if (o.exact) seen.exact++;
          }
        },
      ),
      { seed: SEED, numRuns: 12 },
    );
    // The generator reaches both paths and index-only counts.
    expect(seen.index).toBeGreaterThan(10);
    expect(seen.scan).toBeGreaterThan(10);
    expect(seen.exact).toBeGreaterThan(3);
  });
});

describe('selective filters take the index', () => {
  let ds: Dataset;
  let snap: Snapshot;
  beforeAll(async () => {
    ds = await makeDataset(SEED);
    snap = await snapshotAt(ds.second);
    for (const tree of ['labels', 'reviews', 'splits'] as const)
      expect(await indexOf(repo, tree, treeRoot(snap, tree)), tree).toBeDefined();
  });

  it.each([
    ['class = rare_a', true],
    ['class = "traffic light"', true],
    ['class in (rare_a, rare_b)', true],
    ['annotator = ann_rare', true],
    ['review.status = escalated', false],
    ['review.reviewer = rev_rare', false],
    ['review.at in last_month', false],
    ['review.at >= -7d', false],
    ['split = test', false],
    ['class = car and annotator = ann_rare', false],
    ['class = rare_b or review.status = escalated', false],
  ])('%s: index (count from the index alone: %s)', async (where, exact) => {
    const f = await compileLabelFilter(repo, snap, where, { now: NOW });
    const plan = await f.plan();
    expect(plan.access, plan.steps.join('\n')).toBe('index');
    const expected = await scanKeys(snap, where);
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(plan.total * INDEX_SELECTIVITY);
    if (exact) expect(plan.exactCount).toBe(expected.length);
    else expect(plan.exactCount).toBeUndefined();
    expect(await expectPlanAgrees(snap, where)).toEqual({ access: 'index', exact });
  });

  it('a common value is scanned, yet a lone exact comparison is still counted from the index', async () => {
    const f = await compileLabelFilter(repo, snap, 'class = car', { now: NOW });
    const plan = await f.plan();
    expect(plan.access).toBe('scan');
    expect(plan.exactCount).toBe((await scanKeys(snap, 'class = car')).length);
    expect(plan.exactCount).toBeGreaterThan(plan.total * INDEX_SELECTIVITY);
  });

  it.each(['not class = car', 'class != rare_a', 'exists review.at', 'annotated_at in this_month'])(
    '%s has no indexable part: scan',
    async (where) => {
      const plan = await (await compileLabelFilter(repo, snap, where, { now: NOW })).plan();
      expect(plan).toMatchObject({ access: 'scan', candidates: plan.total });
      expect(plan.exactCount).toBeUndefined();
    },
  );

  // A lone exact `in` sums the range counts of its values: a repeated value must count once.
  it('a value listed twice in `in` is counted once', async () => {
    const where = 'class in (rare_a, rare_a)';
    const expected = (await scanKeys(snap, where)).length;
    expect(expected).toBeGreaterThan(0);
    const f = await compileLabelFilter(repo, snap, where, { now: NOW });
    expect(await f.count()).toBe(expected);
  });

  // With no index row for the labels tree the count must come from reading labels, not the index.
  it('without an index of the labels tree, a lone exact comparison is counted by reading labels', async () => {
    const source = treeRoot(snap, 'labels');
    const record = (await repo.catalog.derived.getTreeIndex(
      'labels',
      hashToHex(source),
      INDEX_FORMAT,
    ))!;
    await repo.catalog.derived.deleteTreeIndexes([record]);
    try {
      const where = 'class = rare_a';
      const expected = (await scanKeys(snap, where)).length;
      const f = await compileLabelFilter(repo, snap, where, { now: NOW });
      expect((await f.plan()).access).toBe('scan');
      expect(await f.count()).toBe(expected);
    } finally {
      await repo.catalog.derived.putTreeIndex(record);
    }
  });
});

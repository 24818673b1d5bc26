/**
 * Secondary indexes kept at commit time against full builds, on a real embedded repository:
 * after any sequence of commits through the public api (label and review puts and deletes,
 * geometry-only edits, split moves), the index recorded for each tree of the new snapshot, its
 * deltas folded into its base, is the same tree (same root hash) as `buildTreeIndex` of that tree. A commit whose diff exceeds
 * the maintenance limit leaves its tree unindexed until `buildIndexes`; a tree a commit leaves
 * alone shares its parent's index row.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashToHex, type ChunkHash } from '../../core/hash.js';
import { INDEX_FORMAT, INDEXED_TREES, type IndexedTree } from '../../query/index-entries.js';
import { decodeTuple } from '../../core/tuple.js';
import { countEntries, scanLeaves } from '../../tree/read.js';
import { getCommit } from '../../vcs/commit.js';
import { getSnapshot, treeRoot, type Snapshot } from '../../vcs/snapshot.js';
import { applyEdits } from '../write/apply-edits.js';
import { branchHead } from '../write/branch-head.js';
import { importLabels } from '../ingest/import-labels.js';
import { merge } from '../merge/merge.js';
import { initRepository } from '../repository/init-repository.js';
import { createBranch, createTag } from '../repository/refs.js';
import { type Repository } from '../repository/repository.js';
import { openRepository } from '../repository/compose.js';
import { setSplits } from '../write/splits.js';
import { foldOverlay } from '../../tree/overlay.js';
import { buildIndexes, buildTreeIndex, indexOf, showIndexes } from './tree-index.js';
import { stageTreeIndexes } from './tree-index-maintain.js';

const SEED = 20_260_815;

/** Value pools: strings, ISO instants and dates, non-instant strings, numbers, booleans, arrays. */
const CLASSES = ['car', 'person', 'bus', 'bike', 'dog', 7] as const;
const ANNOTATORS = ['ann_a', 'ann_b', 'ann_c', 42, true, ['x', 'y'], null] as const;
const ANNOTATED = ['2026-01-02T03:04:05Z', '2026-03-01', 'last tuesday', 12345, null] as const;
const STATUSES = ['approved', 'pending', 'rejected', 'escalated'] as const;
const REVIEWERS = ['rev_1', 'rev_2', 'rev_3', 7, { team: 'qa' }] as const;
const REVIEWED = [
  '2026-02-01T10:00:00Z',
  '2026-07-31T23:59:59.500Z',
  '2026-05-01',
  'soon',
  1_700_000_000,
  null,
] as const;
const SPLITS = ['train', 'val', 'test'] as const;

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

let dir: string;
let repo: Repository;
let baseKeys: string[];
let baseModel: Map<string, Record<string, Json>>;
let fileNo = 0;

function pick<T>(pool: readonly T[], n: number): T {
  return pool[Math.abs(n) % pool.length]!;
}

/** A label line's content and review from a few small numbers (so fast-check can shrink them). */
function labelRecord(image: string, label: string, v: readonly number[]): Record<string, Json> {
  const [a = 0, b = 0, c = 0, d = 0, e = 0, f = 0, g = 0] = v;
  const rec: Record<string, Json> = {
    image,
    label,
    category: pick(CLASSES, a),
    bbox: [a % 50, b % 40, 10 + (c % 7), 12],
  };
  if (b % 8 !== 7) rec['annotator'] = pick(ANNOTATORS, b) as Json;
  if (c % 6 !== 5) rec['annotated_at'] = pick(ANNOTATED, c);
  if (d % 5 !== 4) {
    const review: Record<string, Json> = { status: pick(STATUSES, e) };
    if (f % 4 !== 3) review['reviewer'] = pick(REVIEWERS, f) as Json;
    review['reviewed_at'] = pick(REVIEWED, g);
    rec['review'] = review;
  }
  return rec;
}

function writeJsonl(rows: readonly object[]): string {
  const file = join(dir, `in-${++fileNo}.jsonl`);
  writeFileSync(file, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
  return file;
}

const keyOf = (image: string, label: string) => `${image}/${label}`;
const imageOf = (key: string) => key.split('/')[0]!;

async function snapshotOf(commit: ChunkHash): Promise<Snapshot> {
  return getSnapshot(repo.chunks, (await getCommit(repo.chunks, commit)).snapshot);
}

/** The recorded index of `source` with its deltas folded into the base (undefined: none). */
async function foldedIndexOf(tree: IndexedTree, source: Uint8Array) {
  const index = await indexOf(repo, tree, source);
  return index && foldOverlay(repo.nodes, index);
}

/** Every tree of `snap` has a recorded index whose set equals a full build of it. */
async function expectIndexesMatchFullBuilds(snap: Snapshot): Promise<void> {
  for (const tree of INDEXED_TREES) {
    const source = treeRoot(snap, tree);
    const recorded = await foldedIndexOf(tree, source);
    expect(recorded, `${tree} tree ${hashToHex(source)} has no index`).toBeDefined();
    const full = await buildTreeIndex(repo, tree, source);
    expect(hashToHex(recorded!), `${tree} index differs from a full build`).toBe(hashToHex(full));
  }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'verso-tree-index-'));
  await initRepository(join(dir, 'repo'));
  repo = await openRepository(join(dir, 'repo'));
  const rows = Array.from({ length: 160 }, (_, i) =>
    labelRecord(`img${String(Math.floor(i / 4)).padStart(3, '0')}`, String(i), [
      i,
      i * 3 + 1,
      i * 5 + 2,
      i * 7,
      i * 11 + 1,
      i * 13 + 2,
      i * 17,
    ]),
  );
  await importLabels(repo, { file: writeJsonl(rows), branch: 'main' });
  const images = [...new Set(rows.map((r) => r['image'] as string))];
  await setSplits(repo, { branch: 'main', images: images.slice(0, 30), split: 'train' });
  await setSplits(repo, { branch: 'main', images: images.slice(30, 36), split: 'val' });
  await createTag(repo, 'base', 'main');
  baseKeys = rows.map((r) => keyOf(r['image'] as string, r['label'] as string));
  baseModel = new Map(
    rows.map((r) => [keyOf(r['image'] as string, r['label'] as string), contentOf(r)]),
  );
});

afterAll(async () => {
  await repo.close();
  rmSync(dir, { recursive: true, force: true });
});

/** One commit of the random history, in abstract terms the model turns into real ops. */
type Step =
  | {
      readonly kind: 'apply';
      readonly ops: readonly {
        readonly op: 'put-new' | 'put-existing' | 'geometry' | 'delete' | 'review-only';
        readonly at: number;
        readonly v: readonly number[];
        readonly review: 'keep' | 'null' | 'set';
      }[];
    }
  | { readonly kind: 'split'; readonly at: readonly number[]; readonly split: number };

const small = fc.nat({ max: 1000 });
const stepArb: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('apply' as const),
      ops: fc.array(
        fc.record({
          op: fc.constantFrom(
            'put-new' as const,
            'put-existing' as const,
            'geometry' as const,
            'delete' as const,
            'review-only' as const,
          ),
          at: small,
          v: fc.array(small, { minLength: 7, maxLength: 7 }),
          review: fc.constantFrom('keep' as const, 'null' as const, 'set' as const),
        }),
        { minLength: 1, maxLength: 12 },
      ),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('split' as const),
      at: fc.array(small, { minLength: 1, maxLength: 5 }),
      split: small,
    }),
  },
);

let branchNo = 0;

/** A label line's members without its review (what the model keeps per key). */
function contentOf(rec: Record<string, Json>): Record<string, Json> {
  const { review: _review, ...content } = rec;
  return content;
}

/** Runs `step` on `branch` (model: key -> label content there); returns whether it committed. */
async function runStep(branch: string, model: Map<string, Record<string, Json>>, step: Step) {
  const keys = () => [...model.keys()].sort();
  if (step.kind === 'split') {
    const images = [...new Set(keys().map(imageOf))];
    if (images.length === 0) return false;
    await setSplits(repo, {
      branch,
      images: step.at.map((n) => pick(images, n)),
      split: pick(SPLITS, step.split),
    });
    return true;
  }
  const lines: object[] = [];
  for (const o of step.ops) {
    const existing = keys();
    let rec: Record<string, Json>;
    if (o.op === 'put-new') {
      rec = labelRecord(
        `img${String(o.at % 60).padStart(3, '0')}`,
        `n${branchNo}-${lines.length}`,
        o.v,
      );
    } else {
      if (existing.length === 0) continue;
      const key = pick(existing, o.at);
      const [image, label] = key.split('/') as [string, string];
      if (o.op === 'delete') {
        lines.push({ op: 'delete', image, label });
        model.delete(key);
        continue;
      }
      const fresh = labelRecord(image, label, o.v);
      const stored = model.get(key)!;
      rec =
        o.op === 'put-existing'
          ? fresh
          : o.op === 'geometry'
            ? { ...stored, bbox: [o.v[0]! % 90, 1, 2, 3], review: fresh['review'] ?? null }
            : { ...stored, review: fresh['review'] ?? null };
    }
    if (o.review === 'keep' && o.op !== 'review-only') delete rec['review'];
    if (o.review === 'null') rec['review'] = null;
    lines.push({ op: 'put', ...rec });
    model.set(keyOf(rec['image'] as string, rec['label'] as string), contentOf(rec));
  }
  if (lines.length === 0) return false;
  await applyEdits(repo, { file: writeJsonl(lines), branch });
  return true;
}

describe('secondary indexes kept at commit time', () => {
  it('the import and the split moves of the base left every tree indexed like a full build', async () => {
    const base = await branchHead(repo, 'main');
    expect(await countEntries(repo.nodes, treeRoot(base.snapshot, 'labels'))).toBe(160);
    await expectIndexesMatchFullBuilds(base.snapshot);
    const shown = await showIndexes(repo, 'base');
    expect(shown.trees.map((t) => [t.tree, t.index !== null])).toEqual([
      ['labels', true],
      ['reviews', true],
      ['splits', true],
    ]);
    expect(shown.trees.find((t) => t.tree === 'splits')!.entries).toBe(36);
    // The seed data reaches every bucket: instants, other strings, other values.
    const buckets = new Set<string>();
    for (const tree of ['labels', 'reviews'] as const) {
      const root = (await foldedIndexOf(tree, treeRoot(base.snapshot, tree)))!;
      for await (const run of scanLeaves(repo.nodes, root))
        for (let i = run.from; i < run.to; i++) {
          const [field, bucket] = decodeTuple(run.keys[i]!);
          buckets.add(`${field} ${bucket}`);
        }
    }
    expect([...buckets].sort()).toEqual([
      'annotator o',
      'annotator s',
      'class o',
      'class s',
      'review.at o',
      'review.at s',
      'review.at t',
      'review.reviewer o',
      'review.reviewer s',
      'review.status s',
    ]);
  });

  it('after every commit of a random history, each tree index equals a full build', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(stepArb, { minLength: 1, maxLength: 5 }), async (steps) => {
        const branch = `p${++branchNo}`;
        await createBranch(repo, branch, 'base');
        const model = new Map(baseModel);
        for (const step of steps) {
          const before = await branchHead(repo, branch);
          if (!(await runStep(branch, model, step))) continue;
          const after = await branchHead(repo, branch);
          if (after.head === before.head) {
            // A step that changed nothing made no commit (nothing to commit).
            expect(after.snapshot).toEqual(before.snapshot);
            continue;
          }
          await expectIndexesMatchFullBuilds(after.snapshot);
          for (const tree of INDEXED_TREES) {
            if (before.snapshot.trees[tree] !== after.snapshot.trees[tree]) continue;
            // An unchanged tree: the same source, so the very same index row.
            expect(await indexOf(repo, tree, treeRoot(after.snapshot, tree))).toEqual(
              await indexOf(repo, tree, treeRoot(before.snapshot, tree)),
            );
          }
        }
        expect(
          await countEntries(
            repo.nodes,
            treeRoot((await branchHead(repo, branch)).snapshot, 'labels'),
          ),
        ).toBe(model.size);
      }),
      { seed: SEED, numRuns: 25 },
    );
  });

  it('an edit of non-indexed members only changes the labels tree but keeps its index root', async () => {
    await createBranch(repo, 'geometry', 'base');
    const before = await branchHead(repo, 'geometry');
    const [image, label] = baseKeys[5]!.split('/') as [string, string];
    const rec = labelRecord(image, label, [5, 16, 27, 35, 56, 67, 85]);
    delete rec['review'];
    rec['bbox'] = [99, 98, 97, 96];
    const r = await applyEdits(repo, {
      file: writeJsonl([{ op: 'put', ...rec }]),
      branch: 'geometry',
    });
    expect(r.labels).toEqual({ added: 0, removed: 0, modified: 1 });
    const after = await branchHead(repo, 'geometry');
    expect(after.snapshot.trees.labels).not.toBe(before.snapshot.trees.labels);
    expect(after.snapshot.trees.reviews).toBe(before.snapshot.trees.reviews);
    expect(await indexOf(repo, 'labels', treeRoot(after.snapshot, 'labels'))).toEqual(
      await indexOf(repo, 'labels', treeRoot(before.snapshot, 'labels')),
    );
    await expectIndexesMatchFullBuilds(after.snapshot);
  });

  it('a merge commit is maintained from its first parent like any commit', async () => {
    await createBranch(repo, 'ours', 'base');
    await createBranch(repo, 'theirs', 'base');
    const edit = (i: number, v: number) => {
      const [image, label] = baseKeys[i]!.split('/') as [string, string];
      return { op: 'put', ...labelRecord(image, label, [v, v + 1, v + 2, v, v + 1, v + 2, v]) };
    };
    await applyEdits(repo, { file: writeJsonl([edit(4, 11), edit(5, 12)]), branch: 'ours' });
    await applyEdits(repo, { file: writeJsonl([edit(40, 21), edit(41, 22)]), branch: 'theirs' });
    await setSplits(repo, { branch: 'theirs', images: ['img020', 'img021'], split: 'test' });
    const r = await merge(repo, { source: 'theirs', into: 'ours', noFastForward: true });
    expect(r.status).toBe('merged');
    const head = await branchHead(repo, 'ours');
    const theirs = await branchHead(repo, 'theirs');
    expect(head.snapshot.trees.splits).toBe(theirs.snapshot.trees.splits);
    await expectIndexesMatchFullBuilds(head.snapshot);
  });
});

describe('the maintenance limit', () => {
  /** Forgets the rows of the trees `commit` changed, then stages them again under `limit`. */
  async function restage(branch: string, limit: number) {
    const head = await branchHead(repo, branch);
    const commit = await getCommit(repo.chunks, head.head);
    const parent = await snapshotOf(commit.parents[0]!);
    const changed = INDEXED_TREES.filter((t) => parent.trees[t] !== head.snapshot.trees[t]);
    const records = [];
    for (const kind of changed) {
      const source = head.snapshot.trees[kind];
      records.push((await repo.catalog.derived.getTreeIndex(kind, source, INDEX_FORMAT))!);
    }
    await repo.catalog.derived.deleteTreeIndexes(records);
    const limited: Repository = { ...repo, limits: { ...repo.limits, indexMaintenance: limit } };
    const record = await stageTreeIndexes(limited, {
      commit: head.head,
      parents: commit.parents,
      snapshot: head.snapshot,
    });
    await repo.chunks.flush();
    await record();
    return { head, parent, changed };
  }

  const rootOf = async (snap: Snapshot, tree: IndexedTree) =>
    indexOf(repo, tree, treeRoot(snap, tree));

  it('a tree whose diff exceeds the limit is left unindexed, and buildIndexes indexes it', async () => {
    await createBranch(repo, 'bulk', 'base');
    // 3 label changes (2 modified, 1 added) and 1 review change: limit 2 drops only the labels.
    const [a, b] = [baseKeys[1]!, baseKeys[2]!].map((k) => k.split('/') as [string, string]);
    const modA = labelRecord(a![0], a![1], [3, 3, 3, 3, 3, 3, 3]);
    const modB = labelRecord(b![0], b![1], [4, 4, 4, 4, 4, 4, 4]);
    delete modA['review'];
    delete modB['review'];
    const added = labelRecord('img000', 'bulk-new', [1, 1, 1, 0, 0, 0, 0]);
    await applyEdits(repo, {
      file: writeJsonl([modA, modB, added].map((r) => ({ op: 'put', ...r }))),
      branch: 'bulk',
    });
    const { head, parent, changed } = await restage('bulk', 2);
    expect(changed).toEqual(['labels', 'reviews']);
    expect(await rootOf(head.snapshot, 'labels')).toBeUndefined();
    expect(await rootOf(head.snapshot, 'reviews')).toBeDefined();
    // The splits tree is the parent's: its row was never touched.
    expect(await rootOf(head.snapshot, 'splits')).toEqual(await rootOf(parent, 'splits'));

    const shown = await showIndexes(repo, 'bulk');
    expect(shown.trees.find((t) => t.tree === 'labels')).toMatchObject({
      index: null,
      entries: null,
    });

    // A commit on top of an unindexed tree cannot be maintained either (no parent index).
    const [c] = [baseKeys[3]!].map((k) => k.split('/') as [string, string]);
    const modC = labelRecord(c![0], c![1], [2, 2, 2, 2, 2, 2, 2]);
    delete modC['review'];
    await applyEdits(repo, { file: writeJsonl([{ op: 'put', ...modC }]), branch: 'bulk' });
    const next = await branchHead(repo, 'bulk');
    expect(await rootOf(next.snapshot, 'labels')).toBeUndefined();

    const built = await buildIndexes(repo, 'bulk');
    expect(built.commit).toBe(next.head);
    // labels is built from scratch; the others had indexes (reviews' deltas are folded in).
    expect(built.trees.map((t) => [t.tree, t.built === 'built', t.index !== null])).toEqual([
      ['labels', true, true],
      ['reviews', false, true],
      ['splits', false, true],
    ]);
    expect(built.trees.every((t) => t.delta_entries === 0)).toBe(true);
    expect(built.trees[0]!.entries).toBeGreaterThan(0);
    await expectIndexesMatchFullBuilds(next.snapshot);
    // A second build finds nothing to do.
    expect((await buildIndexes(repo, 'bulk')).trees.every((t) => t.built === undefined)).toBe(true);
    // And the next commit is maintained again from the built index.
    await applyEdits(repo, {
      file: writeJsonl([{ op: 'delete', image: c![0], label: c![1] }]),
      branch: 'bulk',
    });
    await expectIndexesMatchFullBuilds((await branchHead(repo, 'bulk')).snapshot);
  });

  it('a diff within the limit is maintained exactly as at commit time', async () => {
    await createBranch(repo, 'within', 'base');
    const rows = [0, 1, 2].map((i) =>
      labelRecord(`img01${i}`, `w${i}`, [i, i + 1, i + 2, 0, i, i, i]),
    );
    await applyEdits(repo, {
      file: writeJsonl(rows.map((r) => ({ op: 'put', ...r }))),
      branch: 'within',
    });
    const before = await branchHead(repo, 'within');
    const kept = await Promise.all(INDEXED_TREES.map((t) => rootOf(before.snapshot, t)));
    const { head } = await restage('within', 3);
    expect(await Promise.all(INDEXED_TREES.map((t) => rootOf(head.snapshot, t)))).toEqual(kept);
  });
});

/**
 * Blame on a real embedded repository: the blame maintained at commit time, and the blame the
 * on-demand catch-up builds after commits past the limit, both equal a naive reference that
 * replays the whole history (property test over random linear histories); a hand-built merge
 * follows git-blame semantics; unknown images and labels are NotFound errors.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { encodeValue } from '../../core/canonical.js';
import { LabelNotFoundError } from './blame-errors.js';
import { hashToHex, type ChunkHash } from '../../core/hash.js';
import { encodeLabelKey } from '../../dataset/label-key.js';
import { buildTree } from '../../tree/builder.js';
import { compareBytes } from '../../tree/bytes.js';
import type { Snapshot } from '../../vcs/snapshot.js';
import { blame, type LabelBlame } from './blame.js';
import { branchHead } from '../write/branch-head.js';
import { commitToBranch } from '../write/commit-to-branch.js';
import { initRepository } from '../repository/init-repository.js';
import { createBranch } from '../repository/refs.js';
import type { Limits } from '../repository/limits.js';
import { type Repository } from '../repository/repository.js';
import { openRepository } from '../repository/compose.js';

const SEED = 20260214;
const IMAGES = ['a', 'b', 'c'];
const LABELS = ['1', '2', '3'];

let dir: string;
let repo: Repository;
let repoCount = 0;

/** A new repository; commits past `commitTimeBlame` keys get no blame root at commit time. */
async function freshRepo(limits: Partial<Limits> = {}): Promise<Repository> {
  const root = join(dir, `repo-${repoCount++}`);
  await initRepository(root);
  return openRepository(root, { limits });
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'verso-blame-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

// ------------------------------------------------------------------ the dataset model

/** One dataset state: label content and review per `image/label` key. */
interface State {
  readonly labels: ReadonlyMap<string, string>;
  readonly reviews: ReadonlyMap<string, string>;
}

type Op =
  | { readonly kind: 'put'; readonly key: string; readonly value: string }
  | { readonly kind: 'delete'; readonly key: string }
  | { readonly kind: 'review'; readonly key: string; readonly value: string }
  | { readonly kind: 'unreview'; readonly key: string };

/** Applies ops as `apply` does: a delete removes the review too; a review needs its label. */
function applyOps(s: State, ops: readonly Op[]): State {
  const labels = new Map(s.labels);
  const reviews = new Map(s.reviews);
  for (const op of ops) {
    if (op.kind === 'put') labels.set(op.key, op.value);
    else if (op.kind === 'delete') {
      labels.delete(op.key);
      reviews.delete(op.key);
    } else if (op.kind === 'review') {
      if (labels.has(op.key)) reviews.set(op.key, op.value);
    } else reviews.delete(op.key);
  }
  return { labels, reviews };
}

const keyArb = fc.constantFrom(...IMAGES.flatMap((i) => LABELS.map((l) => `${i}/${l}`)));
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    kind: fc.constant('put' as const),
    key: keyArb,
    value: fc.constantFrom('x', 'y', 'z'),
  }),
  fc.record({ kind: fc.constant('delete' as const), key: keyArb }),
  fc.record({
    kind: fc.constant('review' as const),
    key: keyArb,
    value: fc.constantFrom('ok', 'no'),
  }),
  fc.record({ kind: fc.constant('unreview' as const), key: keyArb }),
);
const historyArb = fc.array(fc.array(opArb, { maxLength: 5 }), { minLength: 1, maxLength: 7 });

const EMPTY: State = { labels: new Map(), reviews: new Map() };

const treeKey = (k: string): Uint8Array => {
  const [image, label] = k.split('/') as [string, string];
  return encodeLabelKey(image, label);
};

async function treeOf(r: Repository, m: ReadonlyMap<string, string>): Promise<ChunkHash> {
  const entries = [...m]
    .map(([k, v]) => [treeKey(k), encodeValue({ category: v })] as const)
    .sort((a, b) => compareBytes(a[0], b[0]));
  return hashToHex(await buildTree(r.nodes, entries));
}

async function snapshotOf(r: Repository, base: Snapshot, s: State): Promise<Snapshot> {
  return {
    ...base,
    trees: {
      ...base.trees,
      labels: await treeOf(r, s.labels),
      reviews: await treeOf(r, s.reviews),
    },
  };
}

// ------------------------------------------------------------------ committing

/** Commits `s` on `branch` through the real write path (blame maintained at commit time). */
async function commitState(
  r: Repository,
  s: State,
  branch = 'main',
  extraParents: readonly ChunkHash[] = [],
): Promise<ChunkHash> {
  const head = await branchHead(r, branch);
  const snapshot = await snapshotOf(r, head.snapshot, s);
  const res = await commitToBranch(r, {
    branch,
    expectedHead: head.head,
    extraParents,
    snapshot,
    message: `commit on ${branch}`,
    operations: { op: 'test' },
  });
  return res.commit;
}

// ------------------------------------------------------------------ the reference

interface Expected {
  readonly introduced: ChunkHash;
  readonly changed: ChunkHash;
  readonly review: ChunkHash | null;
}

/**
 * Naive blame of the last state of a linear history `states[i]` committed as `commits[i]`
 * (states[0] is the empty root): introduced = the first commit after the label's last
 * absence; changed = the last commit whose content differs from its parent's; review = the
 * last commit whose review differs from its parent's, when the label has a review now.
 */
function referenceBlame(
  states: readonly State[],
  commits: readonly ChunkHash[],
): Map<string, Expected> {
  const out = new Map<string, Expected>();
  const n = states.length - 1;
  for (const key of states[n]!.labels.keys()) {
    let introduced = n;
    while (introduced > 0 && states[introduced - 1]!.labels.has(key)) introduced--;
    const lastChange = (pick: (s: State) => ReadonlyMap<string, string>): number => {
      let i = n;
      while (i > 0 && pick(states[i - 1]!).get(key) === pick(states[i]!).get(key)) i--;
      return i;
    };
    out.set(key, {
      introduced: commits[introduced]!,
      changed: commits[lastChange((s) => s.labels)]!,
      review: states[n]!.reviews.has(key) ? commits[lastChange((s) => s.reviews)]! : null,
    });
  }
  return out;
}

/** `verso blame` over every image, as `image/label` -> commits. */
async function blameAll(r: Repository, ref = 'main'): Promise<Map<string, Expected>> {
  const out = new Map<string, Expected>();
  for (const image of IMAGES) {
    let rows: LabelBlame[];
    try {
      rows = await blame(r, { ref, image });
    } catch (e) {
      if (e instanceof LabelNotFoundError) continue;
      throw e;
    }
    for (const b of rows)
      out.set(`${b.image}/${b.label}`, {
        introduced: b.introduced.commit,
        changed: b.changed.commit,
        review: b.review?.commit ?? null,
      });
  }
  return out;
}

const sorted = (m: Map<string, Expected>) => [...m].sort(([a], [b]) => (a < b ? -1 : 1));

// ------------------------------------------------------------------ tests

describe('blame', () => {
  it('maintained at commit time equals the naive reference (linear histories)', async () => {
    await fc.assert(
      fc.asyncProperty(historyArb, async (history) => {
        const r = await freshRepo();
        try {
          const states = [EMPTY];
          const commits = [(await branchHead(r, 'main')).head];
          for (const ops of history) {
            states.push(applyOps(states[states.length - 1]!, ops));
            commits.push(await commitState(r, states[states.length - 1]!));
            expect(
              await r.catalog.derived.getBlameRoot(commits[commits.length - 1]!),
            ).toBeDefined();
          }
          expect(sorted(await blameAll(r))).toEqual(sorted(referenceBlame(states, commits)));
        } finally {
          await r.close();
        }
      }),
      { seed: SEED, numRuns: 25 },
    );
  });

  it('the catch-up after commits past the limit equals the reference', async () => {
    await fc.assert(
      fc.asyncProperty(historyArb, fc.integer({ min: 1, max: 4 }), async (history, limit) => {
        const r = await freshRepo({ commitTimeBlame: limit });
        try {
          const states = [EMPTY];
          const commits = [(await branchHead(r, 'main')).head];
          for (const ops of history) {
            states.push(applyOps(states[states.length - 1]!, ops));
            commits.push(await commitState(r, states[states.length - 1]!));
          }
          expect(sorted(await blameAll(r))).toEqual(sorted(referenceBlame(states, commits)));
          // The catch-up persisted every commit's root: a second read needs no walk.
          for (const c of commits) expect(await r.catalog.derived.getBlameRoot(c)).toBeDefined();
        } finally {
          await r.close();
        }
      }),
      { seed: SEED, numRuns: 25 },
    );
  });

  it('records no root for a commit past the limit, nor for the commits after it', async () => {
    repo = await freshRepo({ commitTimeBlame: 2 });
    try {
      const big = applyOps(EMPTY, [
        { kind: 'put', key: 'a/1', value: 'x' },
        { kind: 'put', key: 'a/2', value: 'x' },
        { kind: 'put', key: 'b/1', value: 'x' },
      ]);
      const c1 = await commitState(repo, big);
      const c2 = await commitState(repo, applyOps(big, [{ kind: 'put', key: 'a/1', value: 'y' }]));
      expect(await repo.catalog.derived.getBlameRoot(c1)).toBeUndefined();
      expect(await repo.catalog.derived.getBlameRoot(c2)).toBeUndefined();
      const [a1, a2] = await blame(repo, { ref: 'main', image: 'a' });
      expect([a1?.label, a1?.introduced.commit, a1?.changed.commit]).toEqual(['1', c1, c2]);
      expect([a2?.label, a2?.introduced.commit, a2?.changed.commit]).toEqual(['2', c1, c1]);
      expect(await repo.catalog.derived.getBlameRoot(c2)).toBeDefined();
    } finally {
      await repo.close();
    }
  });

  it('a merge keeps the commits that really made what it merged in (git-blame semantics)', async () => {
    repo = await freshRepo();
    try {
      const put = (key: string, value: string): Op => ({ kind: 'put', key, value });
      const review = (key: string, value: string): Op => ({ kind: 'review', key, value });
      const s1 = applyOps(EMPTY, [
        put('a/1', 'x'),
        put('a/2', 'x'),
        put('a/3', 'x'),
        review('a/1', 'ok'),
      ]);
      const c1 = await commitState(repo, s1);
      await createBranch(repo, 'side', 'main');
      const side = applyOps(s1, [
        put('a/1', 'y'),
        put('b/1', 'x'),
        review('a/2', 'ok'),
        put('a/3', 'y'),
      ]);
      const cs = await commitState(repo, side, 'side');
      const ours = applyOps(s1, [put('a/2', 'z')]);
      const cm = await commitState(repo, ours);
      // The merge takes a/1, b/1 and a/2's review from side, keeps a/2 = z, resolves a/3 to w
      // and adds c/1 itself.
      const merged = applyOps(ours, [
        put('a/1', 'y'),
        put('b/1', 'x'),
        review('a/2', 'ok'),
        put('a/3', 'w'),
        put('c/1', 'x'),
      ]);
      const m = await commitState(repo, merged, 'main', [cs]);
      const want = new Map<string, Expected>([
        ['a/1', { introduced: c1, changed: cs, review: c1 }],
        ['a/2', { introduced: c1, changed: cm, review: cs }],
        ['a/3', { introduced: c1, changed: m, review: null }],
        ['b/1', { introduced: cs, changed: cs, review: null }],
        ['c/1', { introduced: m, changed: m, review: null }],
      ]);
      expect(sorted(await blameAll(repo))).toEqual(sorted(want));

      // Catch-up from scratch (every root but the init commit's forgotten) rebuilds the same tree.
      const maintained = await repo.catalog.derived.getBlameRoot(m);
      await repo.catalog.derived.deleteBlameRoots([c1, cs, cm, m]);
      expect(sorted(await blameAll(repo))).toEqual(sorted(want));
      expect(await repo.catalog.derived.getBlameRoot(m)).toBe(maintained);
    } finally {
      await repo.close();
    }
  });

  it('answers one label with its content and review fields; unknown image or label is NotFound', async () => {
    repo = await freshRepo();
    try {
      const head = await branchHead(repo, 'main');
      const key = encodeLabelKey('img', 'L1');
      const labels = await buildTree(repo.nodes, [
        [
          key,
          encodeValue({
            category: 'car',
            annotator: 'ann_3',
            annotated_at: '2026-02-01T10:00:00Z',
          }),
        ],
      ]);
      const reviews = await buildTree(repo.nodes, [
        [
          key,
          encodeValue({
            status: 'approved',
            reviewer: 'rev_2',
            reviewed_at: '2026-02-03T09:00:00Z',
          }),
        ],
      ]);
      const { commit } = await commitToBranch(repo, {
        branch: 'main',
        expectedHead: head.head,
        snapshot: {
          ...head.snapshot,
          trees: { ...head.snapshot.trees, labels: hashToHex(labels), reviews: hashToHex(reviews) },
        },
        message: 'one label',
        author: 'alice',
        operations: {},
      });
      const [b] = await blame(repo, { ref: 'main', image: 'img', label: 'L1' });
      expect(b).toMatchObject({
        image: 'img',
        label: 'L1',
        introduced: { commit, author: 'alice', message: 'one label' },
        changed: { commit, author: 'alice' },
        annotator: 'ann_3',
        annotated_at: '2026-02-01T10:00:00Z',
        review: {
          status: 'approved',
          reviewer: 'rev_2',
          reviewed_at: '2026-02-03T09:00:00Z',
          commit,
        },
      });
      await expect(blame(repo, { ref: 'main', image: 'nope' })).rejects.toThrow(
        "no labels for image 'nope' in main",
      );
      const err = await blame(repo, { ref: 'main', image: 'img', label: 'L9' }).catch(
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(LabelNotFoundError);
      expect((err as LabelNotFoundError).category).toBe('NotFound');
    } finally {
      await repo.close();
    }
  });
});

/**
 * Three-way merge of snapshots and merge bases, against models (fast-check, seeded).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SqliteCatalog } from '../catalog/sqlite/sqlite-catalog.js';
import { encodeValue } from '../core/canonical.js';
import { hashToHex, hexToHash, type ChunkHash } from '../core/hash.js';
import { encodeLabelKey } from '../dataset/label-key.js';
import { compareBytes } from '../tree/bytes.js';
import { mutateTree, type Edit } from '../tree/mutate.js';
import type { NodeStore } from '../tree/node-store.js';
import { freshNodes } from '../tree/testing.js';
import { putCategoryList } from './category-list.js';
import { isAncestor, mergeBases } from './merge-base.js';
import { mergeSnapshots } from './merge-snapshots.js';
import { emptySnapshot, type Snapshot } from './snapshot.js';

type Side = Map<string, unknown | null>; // label id -> content (null = delete)

const key = (label: string) => encodeLabelKey('img', label);
const box = (category: number, x: number) => ({ category_id: category, bbox: [x, 0, 10, 10] });

async function withLabels(
  nodes: NodeStore,
  s: Snapshot,
  edits: Side,
  reviews?: Side,
): Promise<Snapshot> {
  const toEdits = (m: Side): Edit[] =>
    [...m]
      .map(([l, v]) => ({ key: key(l), value: v === null ? null : encodeValue(v) }))
      .sort((a, b) => compareBytes(a.key, b.key));
  const labels = await mutateTree(nodes, hexToHash(s.trees.labels), toEdits(edits));
  const rev = reviews
    ? await mutateTree(nodes, hexToHash(s.trees.reviews), toEdits(reviews))
    : hexToHash(s.trees.reviews);
  return { ...s, trees: { ...s.trees, labels: hashToHex(labels), reviews: hashToHex(rev) } };
}

/** A base of labels 0..n-1, and two edit sets over disjoint label ids (puts, deletes, new ids). */
const scenarioArb = fc
  .record({
    n: fc.integer({ min: 0, max: 400 }),
    seed: fc.array(
      fc.tuple(
        fc.integer({ min: 0, max: 499 }),
        fc.constantFrom('put', 'delete'),
        fc.boolean(),
        fc.nat(1000),
      ),
      {
        maxLength: 120,
      },
    ),
  })
  .map(({ n, seed }) => {
    const ours: Side = new Map();
    const theirs: Side = new Map();
    for (const [id, op, toOurs, x] of seed) {
      const side = toOurs ? ours : theirs;
      const other = toOurs ? theirs : ours;
      const label = String(id);
      if (other.has(label)) continue; // disjoint key sets
      if (op === 'delete' && id >= n) continue;
      side.set(label, op === 'delete' ? null : box(toOurs ? 1 : 2, x));
    }
    return { n, ours, theirs };
  });

describe('mergeSnapshots', () => {
  it('merging disjoint edit sets equals applying both to the base, whichever side is ours', async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, async ({ n, ours, theirs }) => {
        const nodes = freshNodes();
        const base0: Side = new Map(Array.from({ length: n }, (_, i) => [String(i), box(3, i)]));
        const base = await withLabels(nodes, emptySnapshot(nodes), base0, base0);
        const o = await withLabels(nodes, base, ours, ours);
        const t = await withLabels(nodes, base, theirs);
        const expected = await withLabels(nodes, await withLabels(nodes, base, ours, ours), theirs);
        const m1 = await mergeSnapshots(nodes, base, o, t);
        const m2 = await mergeSnapshots(nodes, base, t, o);
        expect(m1.conflicts).toEqual([]);
        expect(m1.duplicates).toEqual([]);
        expect(m1.merged).toEqual(expected);
        expect(m2.merged).toEqual(expected);
      }),
      { seed: 42, numRuns: 60 },
    );
  });

  it('merging a side with itself or with the base changes nothing', async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, async ({ n, ours }) => {
        const nodes = freshNodes();
        const base0: Side = new Map(Array.from({ length: n }, (_, i) => [String(i), box(3, i)]));
        const base = await withLabels(nodes, emptySnapshot(nodes), base0);
        const o = await withLabels(nodes, base, ours);
        expect((await mergeSnapshots(nodes, base, o, o)).merged).toEqual(o);
        expect((await mergeSnapshots(nodes, base, o, base)).merged).toEqual(o);
        expect((await mergeSnapshots(nodes, base, base, o)).merged).toEqual(o);
      }),
      { seed: 7, numRuns: 40 },
    );
  });

  describe('conflict kinds', () => {
    async function merged(baseSide: Side, ours: Side, theirs: Side) {
      const nodes = freshNodes();
      const base = await withLabels(nodes, emptySnapshot(nodes), baseSide);
      return mergeSnapshots(
        nodes,
        base,
        await withLabels(nodes, base, ours),
        await withLabels(nodes, base, theirs),
      );
    }
    const kinds = async (b: Side, o: Side, t: Side) =>
      (await merged(b, o, t)).conflicts.map((c) => c.kind);

    it('both modified differently: modify/modify; identically: no conflict', async () => {
      const base = new Map([['1', box(1, 0)]]);
      expect(await kinds(base, new Map([['1', box(1, 5)]]), new Map([['1', box(1, 6)]]))).toEqual([
        'modify/modify',
      ]);
      expect(await kinds(base, new Map([['1', box(1, 5)]]), new Map([['1', box(1, 5)]]))).toEqual(
        [],
      );
    });

    it('one side modified what the other deleted, either way round', async () => {
      const base = new Map([['1', box(1, 0)]]);
      expect(await kinds(base, new Map([['1', box(1, 5)]]), new Map([['1', null]]))).toEqual([
        'modify/delete',
      ]);
      expect(await kinds(base, new Map([['1', null]]), new Map([['1', box(1, 5)]]))).toEqual([
        'delete/modify',
      ]);
      expect(await kinds(base, new Map([['1', null]]), new Map([['1', null]]))).toEqual([]);
    });

    it('both added the same key with different values: add/add', async () => {
      expect(
        await kinds(new Map(), new Map([['9', box(1, 0)]]), new Map([['9', box(2, 0)]])),
      ).toEqual(['add/add']);
      expect(
        await kinds(new Map(), new Map([['9', box(1, 0)]]), new Map([['9', box(1, 0)]])),
      ).toEqual([]);
    });

    it('keeps ours at a conflicting key and applies theirs elsewhere', async () => {
      const m = await merged(
        new Map([
          ['1', box(1, 0)],
          ['2', box(1, 0)],
        ]),
        new Map([['1', box(1, 5)]]),
        new Map([
          ['1', box(1, 6)],
          ['2', box(1, 7)],
        ]),
      );
      expect(m.conflicts).toHaveLength(1);
      expect(m.applied.labels).toEqual({ added: 0, removed: 0, modified: 1 });
    });

    it('reports labels both sides added on one image with the same class and IoU >= 0.9', async () => {
      const m = await merged(
        new Map(),
        new Map([['a', box(1, 0)]]),
        new Map([
          ['b', box(1, 0.2)],
          ['c', box(2, 0)],
          ['d', box(1, 5)],
        ]),
      );
      expect(m.conflicts).toEqual([]);
      expect(m.duplicates.map((d) => [d.oursLabel, d.theirsLabel])).toEqual([['a', 'b']]);
    });

    it('holds back a one-sided review change at a conflicting label and attaches both reviews', async () => {
      const nodes = freshNodes();
      const base = await withLabels(
        nodes,
        emptySnapshot(nodes),
        new Map([['1', box(1, 0)]]),
        new Map([['1', { status: 'pending' }]]),
      );
      const o = await withLabels(nodes, base, new Map([['1', box(1, 5)]]));
      const t = await withLabels(
        nodes,
        base,
        new Map([['1', box(1, 6)]]),
        new Map([['1', { status: 'approved' }]]),
      );
      const m = await mergeSnapshots(nodes, base, o, t);
      expect(m.conflicts).toHaveLength(1);
      expect(m.conflicts[0]!.review?.theirs).toEqual(encodeValue({ status: 'approved' }));
      expect(m.merged.trees.reviews).toBe(base.trees.reviews);
    });
  });

  it('merges the category list as a scalar: one side changed takes it, both differently conflict', async () => {
    const nodes = freshNodes();
    const list = (name: string) => putCategoryList(nodes.chunks, [{ id: 1, name }]);
    const base = { ...emptySnapshot(nodes), categories: list('cat') };
    const o = { ...base, categories: list('dog') };
    const t = { ...base, categories: list('bird') };
    const oneSided = await mergeSnapshots(nodes, base, base, t);
    expect(oneSided.merged.categories).toBe(t.categories);
    expect(oneSided.categoriesConflict).toBe(false);
    expect((await mergeSnapshots(nodes, base, o, base)).merged.categories).toBe(o.categories);
    expect((await mergeSnapshots(nodes, base, o, o)).categoriesConflict).toBe(false);
    const both = await mergeSnapshots(nodes, base, o, t);
    expect(both.categoriesConflict).toBe(true);
    expect(both.merged.categories).toBe(o.categories);
    expect(both.schemaConflict).toBe(false);
    const fromNone = await mergeSnapshots(nodes, emptySnapshot(nodes), emptySnapshot(nodes), t);
    expect(fromNone.merged.categories).toBe(t.categories);
  });
});

describe('mergeBases', () => {
  /** Records a DAG given as child -> parents in the commit index of an in-memory catalog. */
  async function dag(edges: Record<string, string[]>) {
    const catalog = SqliteCatalog.open(':memory:');
    const id = (name: string) => hashToHex(Buffer.alloc(32, name.charCodeAt(0))) as ChunkHash;
    const gen = new Map<string, number>();
    const generation = (n: string): number => {
      if (!gen.has(n)) gen.set(n, 1 + Math.max(0, ...(edges[n] ?? []).map(generation)));
      return gen.get(n)!;
    };
    for (const n of Object.keys(edges)) {
      await catalog.recordCommit({
        id: id(n),
        snapshot: id(n),
        parents: edges[n]!.map(id),
        generation: generation(n),
        time: '',
      });
    }
    return { catalog, id, name: (h: ChunkHash) => String.fromCharCode(Buffer.from(h, 'hex')[0]!) };
  }

  it('finds the fork point of two lines of history', async () => {
    const { catalog, id, name } = await dag({
      r: [],
      a: ['r'],
      b: ['a'],
      c: ['b'],
      x: ['a'],
      y: ['x'],
    });
    expect((await mergeBases(catalog, id('c'), id('y'))).map(name)).toEqual(['a']);
    expect((await mergeBases(catalog, id('c'), id('b'))).map(name)).toEqual(['b']);
    expect(await isAncestor(catalog, id('a'), id('y'))).toBe(true);
    expect(await isAncestor(catalog, id('y'), id('c'))).toBe(false);
  });

  it('uses the latest merge as base after an earlier merge', async () => {
    // m merged x into the b line; then both lines moved on.
    const { catalog, id, name } = await dag({
      r: [],
      a: ['r'],
      b: ['a'],
      x: ['a'],
      m: ['b', 'x'],
      c: ['m'],
      y: ['x'],
    });
    expect((await mergeBases(catalog, id('c'), id('y'))).map(name)).toEqual(['x']);
  });

  it('returns both best common ancestors of a criss-cross history', async () => {
    const { catalog, id, name } = await dag({
      r: [],
      p: ['r'],
      q: ['r'],
      M: ['p', 'q'],
      N: ['q', 'p'],
      o: ['M'],
      t: ['N'],
    });
    expect((await mergeBases(catalog, id('o'), id('t'))).map(name).sort()).toEqual(['p', 'q']);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hashToHex } from '../core/hash.js';
import { buildTree } from './builder.js';
import { compareBytes } from './bytes.js';
import { diffTrees, type Change } from './diff.js';
import { mutateTree, mutateTreeCounting, type Edit } from './mutate.js';
import { countEntries, countRange, entryAt, getValue, rankOf, scan } from './read.js';
import {
  dec,
  enc,
  freshNodes,
  keyArb,
  modelArb,
  sortedEntries,
  valueArb,
  type Model,
} from './testing.js';

const SEED = 20261126;
const opts = (numRuns: number) => ({ seed: SEED, numRuns });

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

/** Deterministic synthetic entries: `n` keys with values of ~`valueBytes`. */
function syntheticModel(n: number, valueBytes: number, salt = ''): Model {
  const m: Model = new Map();
  for (let i = 0; i < n; i++)
    m.set(
      `k${String((i * 7919) % 1000003).padStart(7, '0')}`,
      `v${i}${salt}`.padEnd(valueBytes, 'x'),
    );
  return m;
}

describe('prolly tree: build and read', () => {
  it('reads back exactly the built entries (get, scan, count, entryAt)', async () => {
    await fc.assert(
      fc.asyncProperty(modelArb(400), async (model) => {
        const nodes = freshNodes();
        const sorted = sortedEntries(model);
        const root = await buildTree(nodes, sorted);
        expect(await countEntries(nodes, root)).toBe(model.size);
        const scanned = await collect(scan(nodes, root));
        expect(scanned.map(([k, v]) => [dec(k), dec(v)])).toEqual(
          sorted.map(([k, v]) => [dec(k), dec(v)]),
        );
        for (const [k, v] of model) expect(dec((await getValue(nodes, root, enc(k)))!)).toBe(v);
        expect(await getValue(nodes, root, enc('zzzzzzz'))).toBeUndefined();
        for (let i = 0; i < sorted.length; i += 17) {
          const e = await entryAt(nodes, root, i);
          expect(dec(e![0])).toBe(dec(sorted[i]![0]));
        }
        expect(await entryAt(nodes, root, sorted.length)).toBeUndefined();
      }),
      opts(60),
    );
  });

  it('builds multi-level trees whose nodes stay within the chunk size bounds', async () => {
    const nodes = freshNodes();
    const model = syntheticModel(20000, 120);
    const root = await buildTree(nodes, sortedEntries(model));
    const rootNode = await nodes.load(root);
    expect(rootNode.level).toBeGreaterThanOrEqual(2);
    expect(rootNode.total).toBe(20000);
    let leaves = 0;
    let leafBytes = 0;
    for (let i = 0; i < rootNode.keys.length; i++) {
      const child = await nodes.load(rootNode.values[i]!);
      expect(child.total).toBe(rootNode.counts[i]);
    }
    // Leaf sizes: every leaf but the last respects min/max; the mean is near the 4 KiB target.
    const stack = [rootNode];
    while (stack.length) {
      const n = stack.pop()!;
      if (n.level === 0) {
        leaves++;
        leafBytes += n.size;
        expect(n.size).toBeLessThanOrEqual(16 * 1024 + 200);
        continue;
      }
      for (const h of n.values) stack.push(await nodes.load(h));
    }
    const mean = leafBytes / leaves;
    expect(mean).toBeGreaterThan(2500);
    expect(mean).toBeLessThan(6500);
  });

  it('scans any key range exactly like the model', async () => {
    await fc.assert(
      fc.asyncProperty(modelArb(300), keyArb, keyArb, async (model, x, y) => {
        const [lo, hi] = x < y ? [x, y] : [y, x];
        const nodes = freshNodes();
        const root = await buildTree(nodes, sortedEntries(model));
        const got = (await collect(scan(nodes, root, { start: enc(lo), end: enc(hi) }))).map(
          ([k]) => dec(k),
        );
        const want = sortedEntries(model)
          .map(([k]) => dec(k))
          .filter((k) => compareBytes(enc(k), enc(lo)) >= 0 && compareBytes(enc(k), enc(hi)) < 0);
        expect(got).toEqual(want);
      }),
      opts(80),
    );
  });
});

const editBatchArb = fc.array(fc.tuple(keyArb, fc.option(valueArb, { nil: null })), {
  maxLength: 120,
  size: 'max',
});

function applyToModel(model: Model, batch: ReadonlyArray<readonly [string, string | null]>): Model {
  const next = new Map(model);
  for (const [k, v] of batch) {
    if (v === null) next.delete(k);
    else next.set(k, v);
  }
  return next;
}

function toEdits(batch: ReadonlyArray<readonly [string, string | null]>): Edit[] {
  const last = new Map<string, string | null>();
  for (const [k, v] of batch) last.set(k, v);
  return [...last]
    .map(([k, v]) => ({ key: enc(k), value: v === null ? null : enc(v) }))
    .sort((a, b) => compareBytes(a.key, b.key));
}

describe('prolly tree: range counts', () => {
  it('rankOf and countRange agree with the sorted keys, on a 3-level tree', async () => {
    const nodes = freshNodes();
    const model = syntheticModel(12000, 150);
    const keys = [...model.keys()].sort();
    const root = await buildTree(nodes, sortedEntries(model));
    const rank = (k: string) => keys.filter((x) => compareBytes(enc(x), enc(k)) < 0).length;
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          keyArb,
          fc.nat(keys.length - 1).map((i) => keys[i]!),
        ),
        fc.oneof(
          keyArb,
          fc.nat(keys.length - 1).map((i) => keys[i]!),
        ),
        async (a, b) => {
          expect(await rankOf(nodes, root, enc(a))).toBe(rank(a));
          const want = Math.max(0, rank(b) - rank(a));
          expect(await countRange(nodes, root, { start: enc(a), end: enc(b) })).toBe(want);
          expect(await countRange(nodes, root, { start: enc(a) })).toBe(keys.length - rank(a));
        },
      ),
      opts(200),
    );
    expect(await rankOf(nodes, root, enc('~'))).toBe(keys.length);
    expect(await countRange(nodes, root, {})).toBe(keys.length);
  });
});

describe('prolly tree: history independence', () => {
  it('any sequence of batched edits gives the tree built from the final entries', async () => {
    await fc.assert(
      fc.asyncProperty(
        modelArb(500),
        fc.array(editBatchArb, { minLength: 1, maxLength: 5, size: 'max' }),
        async (initial, batches) => {
          const nodes = freshNodes();
          let root = await buildTree(nodes, sortedEntries(initial));
          let model = initial;
          for (const batch of batches) {
            root = await mutateTree(nodes, root, toEdits(batch));
            model = applyToModel(model, batch);
          }
          const rebuilt = await buildTree(freshNodes(), sortedEntries(model));
          expect(hashToHex(root)).toBe(hashToHex(rebuilt));
          expect(await countEntries(nodes, root)).toBe(model.size);
        },
      ),
      opts(100),
    );
  });

  it('holds on deep trees under scattered, clustered and bulk edits', async () => {
    const base = syntheticModel(12000, 150);
    const nodes = freshNodes();
    const root0 = await buildTree(nodes, sortedEntries(base));
    const keys = [...base.keys()].sort();
    const scenarios: Array<Array<[string, string | null]>> = [
      keys.filter((_, i) => i % 997 === 0).map((k) => [k, 'changed']),
      keys
        .slice(5000, 5400)
        .map((k, i) => [k, i % 3 === 0 ? null : `grown-${'y'.repeat(i % 300)}`]),
      keys.slice(0, 11000).map((k) => [k, null]),
      keys.map((k, i) => [`${k}-new${i % 5}`, 'added']),
    ];
    for (const batch of scenarios) {
      const root = await mutateTree(nodes, root0, toEdits(batch));
      const rebuilt = await buildTree(freshNodes(), sortedEntries(applyToModel(base, batch)));
      expect(hashToHex(root)).toBe(hashToHex(rebuilt));
    }
  });

  it('deleting everything gives the empty tree, and so does building nothing', async () => {
    const nodes = freshNodes();
    const base = syntheticModel(3000, 100);
    const root = await mutateTree(
      nodes,
      await buildTree(nodes, sortedEntries(base)),
      [...base.keys()].sort().map((k) => ({ key: enc(k), value: null })),
    );
    expect(hashToHex(root)).toBe(hashToHex(await buildTree(freshNodes(), [])));
    expect(await countEntries(nodes, root)).toBe(0);
  });

  it('insertion order does not matter', async () => {
    await fc.assert(
      fc.asyncProperty(modelArb(300), fc.integer({ min: 1, max: 40 }), async (model, chunk) => {
        const entries = [...model];
        const nodes = freshNodes();
        let root = await buildTree(nodes, []);
        for (let i = entries.length; i > 0; i -= chunk) {
          const batch = entries.slice(Math.max(0, i - chunk), i);
          root = await mutateTree(nodes, root, toEdits(batch));
        }
        expect(hashToHex(root)).toBe(
          hashToHex(await buildTree(freshNodes(), sortedEntries(model))),
        );
      }),
      opts(60),
    );
  });
});

describe('prolly tree: deep trees under random batches', () => {
  const base = syntheticModel(12000, 150);
  const baseKeys = [...base.keys()].sort();
  /** Edits on existing keys (by index) and new keys, so both updates and inserts hit every level. */
  const deepBatchArb = fc.array(
    fc.tuple(
      fc.oneof(
        fc.nat(baseKeys.length - 1).map((i) => baseKeys[i]!),
        keyArb,
      ),
      fc.option(valueArb, { nil: null }),
    ),
    { minLength: 1, maxLength: 300, size: 'max' },
  );

  it('mutation equals a fresh build and diff equals the model diff', async () => {
    const nodes = freshNodes();
    const root0 = await buildTree(nodes, sortedEntries(base));
    expect((await nodes.load(root0)).level).toBeGreaterThanOrEqual(2);
    await fc.assert(
      fc.asyncProperty(deepBatchArb, async (batch) => {
        const next = applyToModel(base, batch);
        const { root, counts } = await mutateTreeCounting(nodes, root0, toEdits(batch));
        const want = modelDiff(base, next);
        expect(counts).toEqual({
          added: want.filter(([, t]) => t === 'added').length,
          removed: want.filter(([, t]) => t === 'removed').length,
          modified: want.filter(([, t]) => t === 'modified').length,
        });
        expect(hashToHex(root)).toBe(hashToHex(await buildTree(freshNodes(), sortedEntries(next))));
        const changes = await collect(diffTrees(nodes, root0, root));
        expect(changes.map((c) => [dec(c.key), c.type])).toEqual(modelDiff(base, next));
      }),
      opts(25),
    );
  });
});

function modelDiff(a: Model, b: Model): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const [k, v] of a) {
    if (!b.has(k)) out.push([k, 'removed']);
    else if (b.get(k) !== v) out.push([k, 'modified']);
  }
  for (const k of b.keys()) if (!a.has(k)) out.push([k, 'added']);
  return out.sort((x, y) => compareBytes(enc(x[0]), enc(y[0])));
}

describe('prolly tree: diff', () => {
  it('lists exactly the changed keys, in key order, with old and new values', async () => {
    await fc.assert(
      fc.asyncProperty(modelArb(400), editBatchArb, async (a, batch) => {
        const b = applyToModel(a, batch);
        const nodes = freshNodes();
        const ra = await buildTree(nodes, sortedEntries(a));
        const rb = await mutateTree(nodes, ra, toEdits(batch));
        const changes: Change[] = await collect(diffTrees(nodes, ra, rb));
        expect(changes.map((c) => [dec(c.key), c.type])).toEqual(modelDiff(a, b));
        for (const c of changes) {
          if (c.from) expect(dec(c.from)).toBe(a.get(dec(c.key)));
          if (c.to) expect(dec(c.to)).toBe(b.get(dec(c.key)));
        }
        const reverse = await collect(diffTrees(nodes, rb, ra));
        expect(reverse.length).toBe(changes.length);
      }),
      opts(100),
    );
  });

  it('reads only the changed paths, not the tree', async () => {
    const base = syntheticModel(20000, 120);
    const nodes = freshNodes();
    const ra = await buildTree(nodes, sortedEntries(base));
    const keys = [...base.keys()].sort();
    const rb = await mutateTree(
      nodes,
      ra,
      toEdits([
        [keys[100]!, 'x'],
        [keys[15000]!, null],
      ]),
    );
    const counting = freshNodes();
    // copy chunks so the counting store starts cold
    for await (const h of nodes.chunks.hashes())
      counting.chunks.put(h, (await nodes.chunks.get(h))!);
    let loads = 0;
    const original = counting.load.bind(counting);
    counting.load = async (h) => {
      loads++;
      return original(h);
    };
    const changes = await collect(diffTrees(counting, ra, rb));
    expect(changes.map((c) => c.type)).toEqual(['modified', 'removed']);
    const totalNodes = Math.ceil(20000 / 25);
    expect(loads).toBeLessThan(40);
    expect(loads).toBeLessThan(totalNodes / 10);
  });
});

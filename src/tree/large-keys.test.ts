/**
 * Trees whose keys are as large as a chunk or larger (issue 10 item 7): every node of a level
 * could hold a single item, so without a bound the levels never shrink. Building and mutating
 * must terminate without deep recursion, and stay history independent.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hashToHex } from '../core/hash.js';
import { buildTree } from './builder.js';
import { mutateTree } from './mutate.js';
import { countEntries, getValue, scan } from './read.js';
import { KEY_SPLITTER_V1 } from './splitter.js';
import { dec, enc, freshNodes, sortedEntries, type Model } from './testing.js';
import { TREE_FORMAT_V1 } from './tree-format.js';

const SEED = 20261207;
const MAX_CHUNK_BYTES = KEY_SPLITTER_V1.maxChunkBytes;
const FORCED_FANOUT_LEVEL = TREE_FORMAT_V1.forcedFanoutLevel;

/** `n` keys of `keyBytes` bytes each (distinct prefixes, so they sort by index). */
function bigKeyModel(n: number, keyBytes: number, salt = ''): Model {
  const m: Model = new Map();
  for (let i = 0; i < n; i++)
    m.set(`${String(i).padStart(6, '0')}`.padEnd(keyBytes, 'k'), `v${i}${salt}`);
  return m;
}

describe('prolly tree: keys as large as a chunk', () => {
  it('builds a tree of 150 keys of 17 KiB each (one per node), reads every key back', async () => {
    const model = bigKeyModel(150, MAX_CHUNK_BYTES + 1024);
    const nodes = freshNodes();
    const root = await buildTree(nodes, sortedEntries(model));
    const top = await nodes.load(root);
    // Single-item nodes up to FORCED_FANOUT_LEVEL, then each level at least halves.
    expect(top.level).toBeGreaterThanOrEqual(FORCED_FANOUT_LEVEL);
    expect(top.level).toBeLessThanOrEqual(FORCED_FANOUT_LEVEL + Math.ceil(Math.log2(150)) + 1);
    expect(await countEntries(nodes, root)).toBe(150);
    for (const k of [...model.keys()].filter((_, i) => i % 7 === 0))
      expect(dec((await getValue(nodes, root, enc(k)))!)).toBe(model.get(k));
    let n = 0;
    for await (const _ of scan(nodes, root)) n++;
    expect(n).toBe(150);
  });

  it('an 8,000-character key among small ones builds and mutates like any other', async () => {
    const model: Model = new Map([
      ['a', '1'],
      ['b'.repeat(8000), '2'],
      ['c', '3'],
    ]);
    const nodes = freshNodes();
    const root = await buildTree(nodes, sortedEntries(model));
    expect(dec((await getValue(nodes, root, enc('b'.repeat(8000))))!)).toBe('2');
  });

  it('mutation equals a fresh build whatever the key sizes (history independence)', async () => {
    const sizeArb = fc.constantFrom(8, 600, 5000, MAX_CHUNK_BYTES, MAX_CHUNK_BYTES + 100);
    const entryArb = fc.tuple(fc.nat(60), sizeArb, fc.option(fc.nat(9), { nil: null }));
    await fc.assert(
      fc.asyncProperty(
        fc.array(entryArb, { maxLength: 40 }),
        fc.array(entryArb, { minLength: 1, maxLength: 20 }),
        async (initial, edits) => {
          const keyOf = (i: number, size: number) => String(i).padStart(3, '0').padEnd(size, 'x');
          const model: Model = new Map();
          for (const [i, size, v] of initial) if (v !== null) model.set(keyOf(i, size), `v${v}`);
          const nodes = freshNodes();
          const root0 = await buildTree(nodes, sortedEntries(model));
          const next = new Map(model);
          const batch = new Map<string, string | null>();
          for (const [i, size, v] of edits) batch.set(keyOf(i, size), v === null ? null : `w${v}`);
          for (const [k, v] of batch) {
            if (v === null) next.delete(k);
            else next.set(k, v);
          }
          const root = await mutateTree(
            nodes,
            root0,
            [...batch]
              .map(([k, v]) => ({ key: enc(k), value: v === null ? null : enc(v) }))
              .sort((a, b) => Buffer.compare(a.key, b.key)),
          );
          const fresh = await buildTree(freshNodes(), sortedEntries(next));
          expect(hashToHex(root)).toBe(hashToHex(fresh));
          expect(await countEntries(nodes, root)).toBe(next.size);
        },
      ),
      { seed: SEED, numRuns: 40 },
    );
  });
});

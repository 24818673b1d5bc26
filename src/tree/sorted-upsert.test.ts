/**
 * Sorted upsert as a pure tree operation: upserting a sorted stream into a tree gives the tree
 * built from the merged entries (records win, or `combine(old, record)` where the key was
 * held), by either path (batched mutation or streamed merge build, chosen by `mutateMax`); the
 * merge build awaits the chunk store's `ready()` every `readyEvery` entries; and a fixed
 * multi-chunk upsert has a pinned root hash, the same by both paths.
 */
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { hashToHex } from '../core/hash.js';
import { buildTree } from './builder.js';
import {
  sortedEntries,
  enc,
  dec,
  freshNodes,
  keyArb,
  modelArb,
  valueArb,
  type Model,
} from './testing.js';
import { upsertSorted, type KeyedValue } from './sorted-upsert.js';

const SEED = 20_261_207;

async function* stream(model: Model): AsyncGenerator<KeyedValue> {
  let tag = 0;
  for (const [key, value] of sortedEntries(model)) yield { key, value, tag: tag++ };
}

const combine = (old: Uint8Array, r: KeyedValue) => enc(`${dec(old)}+${dec(r.value)}`);

describe('upsertSorted', () => {
  it('equals a fresh build of the merged entries, by mutation and by merge build', async () => {
    await fc.assert(
      fc.asyncProperty(
        modelArb(400),
        fc.dictionary(keyArb, valueArb, { maxKeys: 300 }).map((d) => new Map(Object.entries(d))),
        fc.boolean(),
        fc.integer({ min: 1, max: 64 }),
        async (base, incoming, withCombine, readyEvery) => {
          const nodes = freshNodes();
          const root = await buildTree(nodes, sortedEntries(base));
          const merged: Model = new Map(base);
          for (const [k, v] of incoming) {
            const old = base.get(k);
            merged.set(k, withCombine && old !== undefined ? `${old}+${v}` : v);
          }
          const expected = hashToHex(await buildTree(nodes, sortedEntries(merged)));
          for (const mutateMax of [incoming.size, incoming.size - 1]) {
            const upserted = await upsertSorted(nodes, root, stream(incoming), incoming.size, {
              mutateMax,
              readyEvery,
              ...(withCombine ? { combine } : {}),
            });
            expect(hashToHex(upserted)).toBe(expected);
          }
        },
      ),
      { seed: SEED, numRuns: 60 },
    );
  });

  it('an empty stream keeps the root', async () => {
    const nodes = freshNodes();
    const root = await buildTree(nodes, sortedEntries(new Map([['a', '1']])));
    const opts = { mutateMax: 0, readyEvery: 1 };
    expect(await upsertSorted(nodes, root, stream(new Map()), 0, opts)).toBe(root);
  });

  it('the merge build awaits ready() every readyEvery entries', async () => {
    const nodes = freshNodes();
    const base: Model = new Map(Array.from({ length: 50 }, (_, i) => [`k${i * 2}`, 'old']));
    const root = await buildTree(nodes, sortedEntries(base));
    const incoming: Model = new Map(Array.from({ length: 50 }, (_, i) => [`k${i * 2 + 1}`, 'new']));
    const ready = vi.spyOn(nodes.chunks, 'ready');
    await upsertSorted(nodes, root, stream(incoming), 50, { mutateMax: 10, readyEvery: 7 });
    expect(ready).toHaveBeenCalledTimes(Math.floor(100 / 7));
  });

  it('pins the root of a multi-chunk upsert (golden), the same by both paths', async () => {
    const nodes = freshNodes();
    const base: Model = new Map();
    const incoming: Model = new Map();
    let x = 4242;
    const next = () => (x = (Math.imul(x, 1103515245) + 12345) >>> 0);
    for (let i = 0; i < 20000; i++)
      base.set(`img${String(next() % 100000).padStart(6, '0')}`, `v${i}`);
    for (let i = 0; i < 3000; i++)
      incoming.set(`img${String(next() % 100000).padStart(6, '0')}`, `n${i}`);
    const root = await buildTree(nodes, sortedEntries(base));
    const roots = [];
    for (const mutateMax of [incoming.size, 0]) {
      roots.push(
        hashToHex(
          await upsertSorted(nodes, root, stream(incoming), incoming.size, {
            mutateMax,
            readyEvery: 4096,
          }),
        ),
      );
    }
    expect(roots[1]).toBe(roots[0]);
    expect(roots[0]).toMatchInlineSnapshot(
      `"e9b073d6228f52b2fd722d5b813e1e8e4910647fc9c70b2b0caaac212952cb8a"`,
    );
  });
});

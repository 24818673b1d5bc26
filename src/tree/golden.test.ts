/**
 * Golden hashes for multi-chunk trees: the root hash and level shape of fixed entry sets are
 * pinned, so any change to the splitter (seeds, Weibull shape, size bounds), the level chunker,
 * the node encoding or the hash changes these numbers and fails here. Such a change rewrites
 * every stored tree: it needs a new tree format version, not an edited constant.
 */
import { describe, expect, it } from 'vitest';
import { hashToHex } from '../core/hash.js';
import { buildTree } from './builder.js';
import { mutateTree } from './mutate.js';
import { enc, freshNodes, sortedEntries, type Model } from './testing.js';
import type { NodeStore } from './node-store.js';

/** Entries with keys and values of varied lengths, fixed by a tiny LCG. */
function goldenModel(n: number): Model {
  const m: Model = new Map();
  let x = 12345;
  const next = () => (x = (Math.imul(x, 1103515245) + 12345) >>> 0);
  for (let i = 0; i < n; i++) {
    const key = `img${String(next() % 100000).padStart(6, '0')}/${next() % 1000}`;
    m.set(key, `v${i}:`.padEnd(20 + (next() % 180), String.fromCharCode(97 + (next() % 26))));
  }
  return m;
}

/** Nodes per level, from the leaves up. */
async function levelShape(nodes: NodeStore, root: Uint8Array): Promise<number[]> {
  const shape: number[] = [];
  let level = [await nodes.load(root)];
  while (level.length > 0) {
    shape.unshift(level.length);
    if (level[0]!.level === 0) break;
    const next = [];
    for (const n of level) for (const h of n.values) next.push(await nodes.load(h));
    level = next;
  }
  return shape;
}

describe('prolly tree: golden hashes (the tree format is pinned)', () => {
  it('pins the root hash and level shape of a 3-level tree', async () => {
    const nodes = freshNodes();
    const root = await buildTree(nodes, sortedEntries(goldenModel(30000)));
    expect(await levelShape(nodes, root)).toMatchInlineSnapshot(`
      [
        968,
        13,
        1,
      ]
    `);
    expect(hashToHex(root)).toMatchInlineSnapshot(
      `"13e6cce465b68a4f305a94533058380d14400098d2b43e0725a266c1a0818c0b"`,
    );
  });

  it('pins the root after a batch of edits (mutation gives the same pinned tree as a build)', async () => {
    const nodes = freshNodes();
    const model = goldenModel(30000);
    const root = await buildTree(nodes, sortedEntries(model));
    const keys = [...model.keys()].sort();
    const edited = await mutateTree(nodes, root, [
      { key: enc(keys[10]!), value: null },
      { key: enc(keys[15000]!), value: enc('changed') },
      { key: enc('img999999/1'), value: enc('appended') },
    ]);
    expect(hashToHex(edited)).toMatchInlineSnapshot(
      `"f7b373a15a5213910cddfc8e751f1e3fcd32ba8582f6efdbb4f8e7dd8a56c949"`,
    );
  });
});

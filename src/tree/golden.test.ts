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
import { NodeStore } from './node-store.js';
import { MemoryChunkStore } from '../store/memory/memory-chunk-store.js';
import { KEY_SPLITTER_V1, KeySplitter } from './splitter.js';
import { CURRENT_TREE_FORMAT, TREE_FORMAT_V1, type TreeFormat } from './tree-format.js';

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

describe('prolly tree: the tree format version (the splitter is tied to it)', () => {
  it('writes new trees in format v1, whose splitter parameters are pinned', () => {
    expect(CURRENT_TREE_FORMAT).toBe(TREE_FORMAT_V1);
    expect(freshNodes().format).toBe(TREE_FORMAT_V1);
    expect(TREE_FORMAT_V1.version).toBe(1);
    expect({
      leafItemOverhead: TREE_FORMAT_V1.leafItemOverhead,
      internalItemOverhead: TREE_FORMAT_V1.internalItemOverhead,
      forcedFanoutLevel: TREE_FORMAT_V1.forcedFanoutLevel,
      splitter: {
        ...KEY_SPLITTER_V1,
        levelSeeds: KEY_SPLITTER_V1.levelSeeds.map((s) => s.toString(16)),
      },
    }).toMatchInlineSnapshot(`
      {
        "forcedFanoutLevel": 16,
        "internalItemOverhead": 4,
        "leafItemOverhead": 2,
        "splitter": {
          "levelSeeds": [
            "5ad1e3c1",
            "e6c2d43",
            "7f4a7c15",
            "3243f6a8",
            "2b7e1516",
            "6a09e667",
            "1f83d9ab",
            "5be0cd19",
            "428a2f98",
            "71374491",
            "3956c25b",
            "59f111f1",
            "12835b01",
            "243185be",
            "550c7dc3",
            "72be5d74",
          ],
          "maxChunkBytes": 16384,
          "minChunkBytes": 512,
          "targetChunkBytes": 4096,
          "weibullShape": 4,
        },
      }
    `);
    expect(Object.isFrozen(TREE_FORMAT_V1) && Object.isFrozen(KEY_SPLITTER_V1)).toBe(true);
    expect(Object.isFrozen(KEY_SPLITTER_V1.levelSeeds)).toBe(true);
  });

  /** A format that differs from v1 only in its splitter's seed (never to be written). */
  const reseeded: TreeFormat = {
    ...TREE_FORMAT_V1,
    version: -1,
    splitter: (level) => new KeySplitter(level, { ...KEY_SPLITTER_V1, levelSeeds: [0x12345678] }),
  };
  const reseededNodes = () => new NodeStore(new MemoryChunkStore(), 1 << 20, reseeded);

  it('cuts with the splitter of the NodeStore format: another splitter gives another tree', async () => {
    const entries = sortedEntries(goldenModel(30000));
    const v1 = await buildTree(freshNodes(), entries);
    expect(hashToHex(v1)).toBe('13e6cce465b68a4f305a94533058380d14400098d2b43e0725a266c1a0818c0b');
    const other = await buildTree(reseededNodes(), entries);
    expect(hashToHex(other)).not.toBe(hashToHex(v1));
  });

  it('mutates with the same format it builds with (history independence within a format)', async () => {
    const model = goldenModel(30000);
    const keys = [...model.keys()].sort();
    const nodes = reseededNodes();
    const root = await buildTree(nodes, sortedEntries(model));
    const edited = await mutateTree(nodes, root, [
      { key: enc(keys[10]!), value: null },
      { key: enc(keys[15000]!), value: enc('changed') },
      { key: enc('img999999/1'), value: enc('appended') },
    ]);
    model.delete(keys[10]!);
    model.set(keys[15000]!, 'changed');
    model.set('img999999/1', 'appended');
    const rebuilt = await buildTree(reseededNodes(), sortedEntries(model));
    expect(hashToHex(edited)).toBe(hashToHex(rebuilt));
    expect(hashToHex(edited)).not.toBe(
      'f7b373a15a5213910cddfc8e751f1e3fcd32ba8582f6efdbb4f8e7dd8a56c949',
    );
  });
});

/**
 * A video track removed on one side and changed on the other merges as one track conflict,
 * never as keyframes under no track, whichever side removed it.
 */
import { describe, expect, it } from 'vitest';
import { encodeValue } from '../core/canonical.js';
import { hashToHex, hexToHash } from '../core/hash.js';
import { encodeKeyframeKey, encodeTrackKey } from '../dataset/track-key.js';
import { compareBytes } from '../tree/bytes.js';
import { mutateTree, type Edit } from '../tree/mutate.js';
import type { NodeStore } from '../tree/node-store.js';
import { scan } from '../tree/read.js';
import { freshNodes } from '../tree/testing.js';
import { mergeSnapshots } from './merge-snapshots.js';
import { emptySnapshot, type Snapshot } from './snapshot.js';

const box = (x: number) => encodeValue({ bbox: [x, 0, 10, 10] });
const sorted = (e: Edit[]) => e.sort((a, b) => compareBytes(a.key, b.key));

async function edit(
  nodes: NodeStore,
  s: Snapshot,
  tracks: Edit[],
  keyframes: Edit[],
): Promise<Snapshot> {
  const t = await mutateTree(nodes, hexToHash(s.trees.tracks), sorted(tracks));
  const k = await mutateTree(nodes, hexToHash(s.trees.keyframes), sorted(keyframes));
  return { ...s, trees: { ...s.trees, tracks: hashToHex(t), keyframes: hashToHex(k) } };
}

async function keyframeCount(nodes: NodeStore, s: Snapshot): Promise<number> {
  let n = 0;
  for await (const _ of scan(nodes, hexToHash(s.trees.keyframes))) n++;
  return n;
}

describe('a track removed on one side, its keyframes changed on the other', () => {
  it('is one conflict on the track, whichever side removed it', async () => {
    const nodes = freshNodes();
    const rec = encodeValue({ category: 'car' });
    const kf = (track: string, f: number, x: number) => ({
      key: encodeKeyframeKey('v', track, f),
      value: box(x),
    });
    const base = await edit(
      nodes,
      emptySnapshot(nodes),
      [1, 2].map((t) => ({ key: encodeTrackKey('v', String(t)), value: rec })),
      [kf('1', 0, 1), kf('2', 0, 1), kf('2', 10, 2)],
    );
    const removed = await edit(
      nodes,
      base,
      [{ key: encodeTrackKey('v', '2'), value: null }],
      [0, 10].map((f) => ({ key: encodeKeyframeKey('v', '2', f), value: null })),
    );
    const added = await edit(nodes, base, [], [kf('2', 5, 9), kf('2', 10, 3), kf('1', 4, 4)]);
    for (const [ours, theirs] of [
      [removed, added],
      [added, removed],
    ] as const) {
      const m = await mergeSnapshots(nodes, base, ours, theirs);
      expect(m.conflicts.map((c) => [c.tree, c.kind])).toEqual([
        ['tracks', ours === removed ? 'delete/modify' : 'modify/delete'],
      ]);
      // The merged snapshot holds ours' track 2 whole, plus theirs' edit of track 1 if any.
      expect(await keyframeCount(nodes, m.merged)).toBe(ours === removed ? 2 : 5);
      const toTheirs = m.conflicts[0]!.keyframes!;
      expect(toTheirs.length).toBe(3);
      const resolved = await edit(nodes, m.merged, [], [...toTheirs]);
      expect(await keyframeCount(nodes, resolved)).toBe(ours === removed ? 5 : 2);
    }
  });
});

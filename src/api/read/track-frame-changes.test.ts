/**
 * Reading a changed track's frame ranges from keyframes trees (`readTrackFrameChanges`), which
 * reads only the keyframes around each change: on real trees (tracks spanning several leaves,
 * neighbouring tracks on both sides of the track's key range), its ranges equal the brute-force
 * frame-by-frame diff of the two whole tracks for any edit: keyframes moved, added, dropped or
 * flipped outside, at the track's start or end or anywhere, several at once, the whole track
 * added or removed; read by windows and read whole (dense changes). And it reads O(depth) nodes
 * for a one-keyframe edit of a long track.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bruteForceFrameChanges } from '../../dataset/track-change.js';
import type { Keyframe } from '../../dataset/track-interpolation.js';
import { decodeKeyframeKey, encodeKeyframeKey } from '../../dataset/track-key.js';
import { encodeKeyframeRecord } from '../../dataset/track-record.js';
import { TreeBuilder } from '../../tree/builder.js';
import { compareBytes } from '../../tree/bytes.js';
import { diffTrees } from '../../tree/diff.js';
import { mutateTree } from '../../tree/mutate.js';
import type { NodeStore } from '../../tree/node-store.js';
import { freshNodes } from '../../tree/testing.js';
import { readTrackFrameChanges, WHOLE_TRACK_DENSITY } from './track-frame-changes.js';

const LAST = 1200;
const VIDEO = 'v';
const TRACK = 'b';
/** Tracks whose keys lie on either side of the edited track's key range. */
const NEIGHBOURS = ['a', 'bb'];

const record = (x: number, outside: boolean) => ({
  bbox: [x, x / 4, 10.25, 20.5],
  ...(outside ? { outside: true as const } : {}),
});
const drawn = fc.record({
  gap: fc.integer({ min: 1, max: 12 }),
  x: fc.integer({ min: 0, max: 500 }),
  outside: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
});
/** A track: keyframes at increasing frames (a random start, then random gaps), within 0..LAST. */
const trackArb = fc
  .tuple(fc.integer({ min: 0, max: 40 }), fc.array(drawn, { maxLength: 260 }))
  .map(([start, ks]) => {
    const out: Keyframe[] = [];
    let frame = start;
    for (const k of ks) {
      if (frame > LAST) break;
      out.push({ frame, record: record(k.x, k.outside) });
      frame += k.gap;
    }
    return out;
  });
const editArb = fc.record({
  near: fc.constantFrom('frame', 'frame', 'first', 'last'),
  frame: fc.integer({ min: 0, max: LAST }),
  by: fc.integer({ min: -3, max: 3 }),
  x: fc.integer({ min: 0, max: 500 }),
  outside: fc.boolean(),
  drop: fc.boolean(),
});
/** Mostly edits; sometimes the whole track is added (empty before) or removed (empty after). */
type EditDrawn = typeof editArb extends fc.Arbitrary<infer T> ? T : never;
const wholeArb = fc.constantFrom('edited', 'edited', 'edited', 'edited', 'added', 'removed');

function edited(base: readonly Keyframe[], edits: EditDrawn[]): Keyframe[] {
  const byFrame = new Map(base.map((k) => [k.frame, k]));
  for (const e of edits) {
    const anchor =
      e.near === 'frame' ? e.frame : (base.at(e.near === 'first' ? 0 : -1)?.frame ?? 0) + e.by;
    const frame = Math.min(LAST, Math.max(0, anchor));
    if (e.drop) byFrame.delete(frame);
    else byFrame.set(frame, { frame, record: record(e.x, e.outside) });
  }
  return [...byFrame.values()].sort((a, b) => a.frame - b.frame);
}

type Tracks = ReadonlyMap<string, readonly Keyframe[]>;

function buildKeyframes(nodes: NodeStore, tracks: Tracks): Uint8Array {
  const entries: [Uint8Array, Uint8Array][] = [];
  for (const [track, ks] of tracks)
    for (const k of ks)
      entries.push([
        encodeKeyframeKey(VIDEO, track, k.frame),
        encodeKeyframeRecord(k.record, 'box'),
      ]);
  entries.sort((x, y) => compareBytes(x[0], y[0]));
  const builder = new TreeBuilder(nodes);
  for (const [key, value] of entries) builder.add(key, value);
  return builder.finish();
}

/** The edited track written over `root` by a tree mutation, as an import's edit is. */
function rewriteTrack(
  nodes: NodeStore,
  root: Uint8Array,
  track: string,
  before: readonly Keyframe[],
  after: readonly Keyframe[],
): Promise<Uint8Array> {
  const kept = new Set(after.map((k) => k.frame));
  return mutateTree(
    nodes,
    root,
    [
      ...before
        .filter((k) => !kept.has(k.frame))
        .map((k) => ({ key: encodeKeyframeKey(VIDEO, track, k.frame), value: null })),
      ...after.map((k) => ({
        key: encodeKeyframeKey(VIDEO, track, k.frame),
        value: encodeKeyframeRecord(k.record, 'box'),
      })),
    ].sort((x, y) => compareBytes(x.key, y.key)),
  );
}

/** The frames of the track's keyframes that differ: what `diffTrackSnapshots` passes. */
async function changedFrames(nodes: NodeStore, a: Uint8Array, b: Uint8Array): Promise<number[]> {
  const out: number[] = [];
  for await (const c of diffTrees(nodes, a, b)) out.push(decodeKeyframeKey(c.key).frame);
  return out;
}

describe('readTrackFrameChanges', () => {
  it('equals the brute-force frame-by-frame diff of the whole tracks, on real trees', async () => {
    await fc.assert(
      fc.asyncProperty(
        trackArb,
        fc.array(editArb, { maxLength: 6 }),
        wholeArb,
        fc.tuple(trackArb, trackArb),
        async (base, edits, whole, neighbours) => {
          const before = whole === 'added' ? [] : base;
          const after = whole === 'removed' ? [] : edited(whole === 'added' ? [] : base, edits);
          const nodes = freshNodes();
          const others = NEIGHBOURS.map((t, i) => [t, neighbours[i]!] as const);
          const ra = buildKeyframes(nodes, new Map([...others, [TRACK, before]]));
          const rb = await rewriteTrack(nodes, ra, TRACK, before, after);
          const changed = await changedFrames(nodes, ra, rb);
          const versions = { nodes, roots: [ra, rb] as const, video: VIDEO, track: TRACK };
          const expected = bruteForceFrameChanges('box', before, after, LAST);
          // Always by windows, the default choice, and always whole.
          for (const density of [Infinity, WHOLE_TRACK_DENSITY, 0])
            expect(await readTrackFrameChanges(versions, 'box', changed, LAST, density)).toEqual(
              expected,
            );
        },
      ),
      { seed: 1818, numRuns: 150 },
    );
  });

  it('reads the nodes on the paths to the change, not the track', async () => {
    const frames = 54_000;
    const long = (shift: number): Keyframe[] =>
      Array.from({ length: frames / 10 }, (_, i) => ({
        frame: i * 10,
        record: record(((i * 7 + shift) % 900) + 0.5, false),
      }));
    const tracks = new Map(['1', '2', '3'].map((t, i) => [t, long(i)] as const));
    const nodes = freshNodes();
    const ra = buildKeyframes(nodes, tracks);
    const before = tracks.get('2')!;
    const after = before.map((k) => (k.frame === 27_000 ? { ...k, record: record(1, false) } : k));
    const rb = await rewriteTrack(nodes, ra, '2', before, after);
    const changed = await changedFrames(nodes, ra, rb);
    /** The ranges read with a cold node cache over the same chunks, and the distinct nodes read. */
    const readCold = async (density: number) => {
      const cold = freshNodes();
      for await (const h of nodes.chunks.hashes()) cold.chunks.put(h, (await nodes.chunks.get(h))!);
      const read = new Set<string>();
      const load = cold.load.bind(cold);
      cold.load = (h, cache) => {
        read.add(Buffer.from(h).toString('hex'));
        return load(h, cache);
      };
      const versions = { nodes: cold, roots: [ra, rb] as const, video: VIDEO, track: '2' };
      const ranges = await readTrackFrameChanges(versions, 'box', changed, frames - 1, density);
      return { ranges, nodes: read.size };
    };
    const windowed = await readCold(WHOLE_TRACK_DENSITY);
    const whole = await readCold(0);
    expect(windowed.ranges).toEqual([{ kind: 'moved', from: 26_991, to: 27_009 }]);
    expect(whole.ranges).toEqual(windowed.ranges);
    const depth = (await nodes.load(ra)).level + 1;
    expect(depth).toBeGreaterThanOrEqual(3);
    // Each version: the path to the change and the paths to the track's ends (its count).
    expect(windowed.nodes).toBeLessThanOrEqual(2 * 3 * depth);
    expect(windowed.nodes * 5).toBeLessThan(whole.nodes);
  });
});

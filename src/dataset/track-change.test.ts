import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addSpan,
  bruteForceFrameChanges,
  changeSpan,
  frameRangesText,
  spanFrameChanges,
  trackFrameChanges,
  type FrameRange,
} from './track-change.js';
import type { Keyframe } from './track-interpolation.js';

const LAST = 200;
const keyframe = fc.record({
  frame: fc.integer({ min: 0, max: LAST }),
  x: fc.integer({ min: 0, max: 50 }),
  outside: fc.boolean(),
});
type Drawn = { frame: number; x: number; outside: boolean };
const track = fc.uniqueArray(keyframe, { selector: (k) => k.frame, maxLength: 20 });
/** Where an edit lands: any frame, or near the track's first or last keyframe. */
const place = fc.oneof(
  fc.integer({ min: 0, max: LAST }).map((frame) => ({ near: 'frame' as const, frame })),
  fc.record({
    near: fc.constantFrom('first' as const, 'last' as const),
    by: fc.integer({ min: -3, max: 3 }),
  }),
);
const edit = fc.record({
  place,
  x: fc.integer({ min: 0, max: 50 }),
  outside: fc.boolean(),
  drop: fc.boolean(),
});
type EditDrawn = typeof edit extends fc.Arbitrary<infer T> ? T : never;

const toKeyframes = (ks: Drawn[]): Keyframe[] =>
  [...ks]
    .sort((a, b) => a.frame - b.frame)
    .map((k) => ({
      frame: k.frame,
      record: { bbox: [k.x, 0, 10, 10], ...(k.outside ? { outside: true as const } : {}) },
    }));

/** The base track with the edits applied: moved, added, outside flags flipped, dropped. */
function editedTrack(base: Drawn[], edits: EditDrawn[]): Drawn[] {
  const byFrame = new Map(base.map((k) => [k.frame, k]));
  const frames = base.map((k) => k.frame).sort((a, b) => a - b);
  for (const e of edits) {
    const anchor =
      e.place.near === 'frame' ? e.place.frame : frames.at(e.place.near === 'first' ? 0 : -1);
    const frame = Math.min(
      LAST,
      Math.max(0, (anchor ?? 0) + (e.place.near === 'frame' ? 0 : e.place.by)),
    );
    if (e.drop) byFrame.delete(frame);
    else byFrame.set(frame, { frame, x: e.x, outside: e.outside });
  }
  return [...byFrame.values()];
}

/** The frames whose keyframe differs between the two versions: what a tree diff yields. */
function changedFrames(a: Keyframe[], b: Keyframe[]): number[] {
  const text = (ks: Keyframe[]) => new Map(ks.map((k) => [k.frame, JSON.stringify(k.record)]));
  const [ta, tb] = [text(a), text(b)];
  const frames = new Set([...ta.keys(), ...tb.keys()]);
  return [...frames].filter((f) => ta.get(f) !== tb.get(f)).sort((x, y) => x - y);
}

/** The keyframes from the last one at or before `lo` through the first one at or after `hi`. */
function run(ks: readonly Keyframe[], lo: number, hi: number): Keyframe[] {
  const start = ks.findLastIndex((k) => k.frame <= lo);
  const end = ks.findIndex((k) => k.frame >= hi);
  return ks.slice(Math.max(start, 0), end < 0 ? ks.length : end + 1);
}

/**
 * `trackFrameChanges` as a windowed reader computes it: each step sees only the least run of
 * keyframes its contract names (a changed frame's neighbours; a span's keyframes from the one at
 * or before its start through the one after its end).
 */
function windowedFrameChanges(
  before: Keyframe[],
  after: Keyframe[],
  changed: number[],
  last: number,
): FrameRange[] {
  const spans: [number, number][] = [];
  for (const f of changed)
    addSpan(spans, changeSpan(run(before, f - 1, f + 1), run(after, f - 1, f + 1), f, last));
  const out: FrameRange[] = [];
  for (const [from, to] of spans)
    spanFrameChanges(
      'box',
      run(before, from, to + 1),
      run(after, from, to + 1),
      [from, to],
      last,
      out,
    );
  return out;
}

describe('track frame changes', () => {
  it("a track edit's diff equals the brute-force frame-by-frame diff, from whole tracks or windows", () => {
    fc.assert(
      fc.property(track, fc.array(edit, { maxLength: 5 }), (base, edits) => {
        const before = toKeyframes(base);
        const after = toKeyframes(editedTrack(base, edits));
        const changed = changedFrames(before, after);
        const expected = bruteForceFrameChanges('box', before, after, LAST);
        expect(trackFrameChanges('box', before, after, changed, LAST)).toEqual(expected);
        expect(windowedFrameChanges(before, after, changed, LAST)).toEqual(expected);
      }),
      { seed: 183, numRuns: 1000 },
    );
  });

  it('reads as frame ranges', () => {
    expect(
      frameRangesText([
        { kind: 'moved', from: 120, to: 180 },
        { kind: 'outside', from: 181, to: 240 },
      ]),
    ).toBe('frames 120-180 moved, 181-240 now outside');
  });
});

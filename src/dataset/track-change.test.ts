import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bruteForceFrameChanges, frameRangesText, trackFrameChanges } from './track-change.js';
import type { Keyframe } from './track-interpolation.js';

const LAST = 120;
const keyframe = fc.record({
  frame: fc.integer({ min: 0, max: LAST }),
  x: fc.integer({ min: 0, max: 50 }),
  outside: fc.boolean(),
});
const track = fc.uniqueArray(keyframe, { selector: (k) => k.frame, maxLength: 10 });
const toKeyframes = (ks: { frame: number; x: number; outside: boolean }[]): Keyframe[] =>
  [...ks]
    .sort((a, b) => a.frame - b.frame)
    .map((k) => ({
      frame: k.frame,
      record: { bbox: [k.x, 0, 10, 10], ...(k.outside ? { outside: true as const } : {}) },
    }));

/** The frames whose keyframe differs between the two versions: what a tree diff yields. */
function changedFrames(a: Keyframe[], b: Keyframe[]): number[] {
  const text = (ks: Keyframe[]) => new Map(ks.map((k) => [k.frame, JSON.stringify(k.record)]));
  const [ta, tb] = [text(a), text(b)];
  const frames = new Set([...ta.keys(), ...tb.keys()]);
  return [...frames].filter((f) => ta.get(f) !== tb.get(f)).sort((x, y) => x - y);
}

describe('track frame changes', () => {
  it("a track edit's diff equals the brute-force frame-by-frame diff", () => {
    fc.assert(
      fc.property(
        track,
        fc.array(keyframe, { maxLength: 4 }),
        fc.array(fc.integer({ min: 0, max: LAST }), { maxLength: 3 }),
        (base, edits, drops) => {
          const before = toKeyframes(base);
          const byFrame = new Map(base.map((k) => [k.frame, k]));
          for (const e of edits) byFrame.set(e.frame, e);
          for (const d of drops) byFrame.delete(d);
          const after = toKeyframes([...byFrame.values()]);
          expect(
            trackFrameChanges('box', before, after, changedFrames(before, after), LAST),
          ).toEqual(bruteForceFrameChanges('box', before, after, LAST));
        },
      ),
      { seed: 183, numRuns: 500 },
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

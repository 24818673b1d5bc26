import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareBytes } from '../tree/bytes.js';
import {
  decodeKeyframeKey,
  decodeTrackKey,
  encodeKeyframeKey,
  encodeTrackKey,
  FRAME_LIMIT,
  trackKeyframeRange,
  videoRange,
} from './track-key.js';

const id = fc.string({ minLength: 1, maxLength: 12 });
const frame = fc.integer({ min: 0, max: FRAME_LIMIT - 1 });
const inRange = (k: Uint8Array, r: { start: Uint8Array; end: Uint8Array }) =>
  compareBytes(k, r.start) >= 0 && compareBytes(k, r.end) < 0;

describe('track and keyframe keys', () => {
  it('decode what they encode', () => {
    fc.assert(
      fc.property(id, id, frame, (video, track, f) => {
        expect(decodeKeyframeKey(encodeKeyframeKey(video, track, f))).toEqual({
          video,
          track,
          frame: f,
        });
        expect(decodeTrackKey(encodeTrackKey(video, track))).toEqual({ video, track });
      }),
      { seed: 18, numRuns: 300 },
    );
  });

  it('order one track by frame, and hold it (and its video) in one key range', () => {
    fc.assert(
      fc.property(id, id, id, frame, frame, (video, track, other, f, g) => {
        const a = encodeKeyframeKey(video, track, f);
        const b = encodeKeyframeKey(video, track, g);
        expect(Math.sign(compareBytes(a, b))).toBe(Math.sign(f - g));
        expect(inRange(a, trackKeyframeRange(video, track))).toBe(true);
        expect(inRange(a, videoRange(video))).toBe(true);
        if (other !== track)
          expect(
            inRange(encodeKeyframeKey(video, other, f), trackKeyframeRange(video, track)),
          ).toBe(false);
      }),
      { seed: 19, numRuns: 300 },
    );
  });

  it('refuses frames a key cannot hold and empty ids', () => {
    expect(() => encodeKeyframeKey('v', 't', -1)).toThrow(/frame number/);
    expect(() => encodeKeyframeKey('v', 't', 1.5)).toThrow(/frame number/);
    expect(() => encodeKeyframeKey('v', 't', FRAME_LIMIT)).toThrow(/beyond/);
    expect(() => encodeTrackKey('', 't')).toThrow(/video id/);
    expect(() => encodeTrackKey('v', '')).toThrow(/track id/);
  });
});

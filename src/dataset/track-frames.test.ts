import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { frameTotal, framesOfTracks, shapesOfTrack, videoFrames } from './track-frames.js';
import { materializeTrack, shapeAt, type Keyframe } from './track-interpolation.js';

const coord = fc.integer({ min: -500, max: 2000 }).map((n) => n / 4);
const size = fc.integer({ min: 0, max: 800 }).map((n) => n / 4);
/** One track's sorted keyframes: distinct frames, boxes, some outside. */
const track = fc
  .uniqueArray(
    fc.record({
      frame: fc.integer({ min: 0, max: 120 }),
      bbox: fc.tuple(coord, coord, size, size),
      outside: fc.boolean(),
    }),
    { selector: (k) => k.frame, maxLength: 8 },
  )
  .map((ks) =>
    ks
      .sort((a, b) => a.frame - b.frame)
      .map((k): Keyframe => ({
        frame: k.frame,
        record: { bbox: k.bbox, ...(k.outside ? { outside: true } : {}) },
      })),
  );
const range = fc
  .record({
    first: fc.integer({ min: 0, max: 40 }),
    count: fc.integer({ min: 1, max: 130 }),
    step: fc.integer({ min: 1, max: 4 }),
  })
  .map((r) => ({ first: r.first, last: r.first + r.count - 1, step: r.step }));

/** `keyframes` as a stream, calling `onRead` per keyframe handed out. */
async function* streamOf(keyframes: readonly Keyframe[], onRead: () => void) {
  for (const k of keyframes) {
    onRead();
    yield k;
  }
}

describe('frames of tracks', () => {
  it('at every frame of the range gives exactly the visible shape of each track there', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(track, { maxLength: 6 }), range, async (tracks, r) => {
        const read: number[] = tracks.map(() => 0);
        const walked = [];
        const streams = tracks.map((keyframes, i) => ({
          shape: 'box' as const,
          keyframes: streamOf(keyframes, () => read[i]!++),
        }));
        for await (const w of framesOfTracks(streams, r)) walked.push(w);
        const frames: number[] = [];
        for (let f = r.first; f <= r.last; f += r.step) frames.push(f);
        expect(walked.map((w) => w.frame)).toEqual(frames);
        expect(walked.length).toBe(frameTotal(r));
        for (const w of walked) {
          expect(w.index).toBe((w.frame - r.first) / r.step);
          const direct = tracks.flatMap((ks, track) => {
            const s = shapeAt('box', ks, w.frame, r.last);
            return s && !s.record.outside ? [{ track, shape: s }] : [];
          });
          expect(w.shapes).toEqual(direct);
        }
        // Read forward only as far as needed: up to the first keyframe past the last frame walked.
        const lastWalked = frames.at(-1)!;
        tracks.forEach((ks, i) =>
          expect(read[i]).toBe(
            Math.min(ks.length, ks.filter((k) => k.frame <= lastWalked).length + 1),
          ),
        );
      }),
      { seed: 1818, numRuns: 300 },
    );
  });

  it('walks one track as materializeTrack does, outside keyframes included', async () => {
    await fc.assert(
      fc.asyncProperty(track, range, async (keyframes, r) => {
        const walked = [];
        const stream = { shape: 'box' as const, keyframes: streamOf(keyframes, () => {}) };
        for await (const s of shapesOfTrack(stream, r)) walked.push(s);
        expect(walked).toEqual([
          ...materializeTrack('box', keyframes, r.first, r.last, r.last, r.step),
        ]);
      }),
      { seed: 1819, numRuns: 300 },
    );
  });

  it('reads a video record as its frames', () => {
    expect(videoFrames({ frame_count: 10 })).toEqual({ first: 0, last: 9, step: 1 });
    expect(videoFrames({ frame_count: 10, start_frame: 2, frame_step: 3 })).toEqual({
      first: 2,
      last: 9,
      step: 3,
    });
    expect(frameTotal({ first: 2, last: 9, step: 3 })).toBe(3);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { materializeTrack, shapeAt, type Keyframe } from './track-interpolation.js';
import { reduceToKeyframes, type SourceShape } from './track-keyframe-reduce.js';
import type { KeyframeRecord } from './track-record.js';

const coord = fc.integer({ min: -500, max: 2000 }).map((n) => n / 4);
const size = fc.integer({ min: 0, max: 800 }).map((n) => n / 4);
const box = fc.tuple(coord, coord, size, size);
/** Sorted keyframes: distinct frames, boxes, some outside, some occluded. */
const keyframes = fc
  .uniqueArray(
    fc.record({
      frame: fc.integer({ min: 0, max: 300 }),
      bbox: box,
      outside: fc.boolean(),
      occluded: fc.boolean(),
    }),
    { selector: (k) => k.frame, maxLength: 12 },
  )
  .map((ks) =>
    ks
      .sort((a, b) => a.frame - b.frame)
      .map((k): Keyframe => ({
        frame: k.frame,
        record: {
          bbox: k.bbox,
          ...(k.outside ? { outside: true } : {}),
          ...(k.occluded ? { occluded: true } : {}),
        },
      })),
  );

/** The reference: CVAT's rule written out directly, by a linear scan. */
function reference(ks: readonly Keyframe[], f: number, last: number): KeyframeRecord | undefined {
  if (f > last) return undefined;
  const prev = ks.filter((k) => k.frame <= f).at(-1);
  if (!prev) return undefined;
  if (prev.frame === f) return prev.record;
  if (prev.record.outside) return undefined;
  const next = ks.find((k) => k.frame > f);
  const a = prev.record.bbox!;
  if (!next) return { ...prev.record, bbox: a };
  const b = next.record.bbox!;
  const t = (f - prev.frame) / (next.frame - prev.frame);
  return { ...prev.record, bbox: a.map((x, i) => x + (b[i]! - x) * t) };
}

describe('track interpolation', () => {
  it('at any frame equals the reference formula', () => {
    fc.assert(
      fc.property(keyframes, fc.integer({ min: -5, max: 320 }), (ks, f) => {
        expect(shapeAt('box', ks, f, 310)?.record).toEqual(reference(ks, f, 310));
      }),
      { seed: 180, numRuns: 500 },
    );
  });

  it('over a frame range equals the shape at each frame', () => {
    fc.assert(
      fc.property(
        keyframes,
        fc.integer({ min: 0, max: 300 }),
        fc.integer({ min: 0, max: 60 }),
        (ks, from, len) => {
          const walked = [...materializeTrack('box', ks, from, from + len, 310)];
          const direct = [];
          for (let f = from; f <= Math.min(from + len, 310); f++) {
            const s = shapeAt('box', ks, f, 310);
            if (s) direct.push(s);
          }
          expect(walked).toEqual(direct);
        },
      ),
      { seed: 181, numRuns: 300 },
    );
  });

  it('interpolates keypoints seen at both ends and holds the others', () => {
    const ks: Keyframe[] = [
      { frame: 0, record: { keypoints: [0, 0, 2, 10, 10, 0] } },
      { frame: 4, record: { keypoints: [8, 4, 2, 50, 50, 2] } },
    ];
    expect(shapeAt('points', ks, 1, 9)?.record.keypoints).toEqual([2, 1, 2, 10, 10, 0]);
  });
});

const render = (_f: string, g: unknown) => (g as number[]).map((x) => x.toFixed(2)).join(',');

describe('keyframe reduction', () => {
  it('stores what interpolation cannot reproduce, so every source shape comes back', () => {
    const shapes = fc
      .array(
        fc.record({
          gap: fc.integer({ min: 1, max: 3 }),
          bbox: box,
          forced: fc.boolean(),
          linear: fc.boolean(),
        }),
        { minLength: 1, maxLength: 40 },
      )
      .map((rows) => {
        let frame = 0;
        const out: SourceShape[] = [];
        for (const r of rows) {
          frame += r.gap;
          const prev = out.at(-1)?.record.bbox;
          // a run of linear steps makes shapes interpolation reproduces
          const bbox = r.linear && prev ? prev.map((x) => x + 1) : r.bbox;
          out.push({ frame, record: { bbox }, forced: r.forced });
        }
        return out;
      });
    fc.assert(
      fc.property(shapes, (source) => {
        const last = source.at(-1)!.frame + 5;
        const ks = reduceToKeyframes(source, { shape: 'box', lastFrame: last, render });
        const back = [...materializeTrack('box', ks, 0, last, last)].filter(
          (s) => !s.record.outside,
        );
        expect(back.map((s) => [s.frame, render('bbox', s.record.bbox)])).toEqual(
          source.map((s) => [s.frame, render('bbox', s.record.bbox)]),
        );
        for (const s of source.filter((x) => x.forced))
          expect(ks.some((k) => k.frame === s.frame)).toBe(true);
      }),
      { seed: 182, numRuns: 300 },
    );
  });

  it('keeps a linear run as its two ends', () => {
    const source: SourceShape[] = [0, 1, 2, 3, 4].map((f) => ({
      frame: f,
      record: { bbox: [f * 2, 10, 5, 5] },
      forced: f === 0 || f === 4,
    }));
    const ks = reduceToKeyframes(source, { shape: 'box', lastFrame: 4, render });
    expect(ks.map((k) => k.frame)).toEqual([0, 4]);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { shapeAt, type Keyframe } from './track-interpolation.js';
import { trackVisibility, visibleSpans } from './track-visibility.js';

/** Keyframes at distinct ascending frames, some outside. */
const keyframes = fc
  .uniqueArray(fc.record({ frame: fc.integer({ min: 0, max: 60 }), outside: fc.boolean() }), {
    selector: (k) => k.frame,
    maxLength: 8,
  })
  .map((ks) =>
    [...ks]
      .sort((a, b) => a.frame - b.frame)
      .map((k): Keyframe => ({
        frame: k.frame,
        record: { bbox: [k.frame, 0, 5, 5], ...(k.outside ? { outside: true as const } : {}) },
      })),
  );

describe('visibleSpans', () => {
  it('is where shapeAt gives a shape not outside, frame by frame (property)', () => {
    fc.assert(
      fc.property(keyframes, fc.integer({ min: 0, max: 70 }), (ks, lastFrame) => {
        const visible: number[] = [];
        for (let f = 0; f <= lastFrame; f++) {
          const s = shapeAt('box', ks, f, lastFrame);
          if (s && !s.record.outside) visible.push(f);
        }
        const spans = visibleSpans(ks, lastFrame);
        expect(
          spans.flatMap(([a, b]) => Array.from({ length: b - a + 1 }, (_, i) => a + i)),
        ).toEqual(visible);
        spans.forEach(([a, b], i) => {
          expect(a).toBeLessThanOrEqual(b);
          if (i > 0) expect(a).toBeGreaterThan(spans[i - 1]![1] + 1); // runs are apart
        });
        const v = trackVisibility(ks, lastFrame);
        expect([v.length, v.first, v.last]).toEqual([
          visible.length,
          visible[0] ?? null,
          visible.at(-1) ?? null,
        ]);
      }),
      { numRuns: 500 },
    );
  });
});

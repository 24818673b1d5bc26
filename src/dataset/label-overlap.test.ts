/**
 * The point-list extent the format readers share: the smallest box holding every point, whose
 * edges touch the extreme points.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pointExtent } from './label-overlap.js';

const coord = fc.double({ min: -1e6, max: 1e6, noNaN: true });

describe('pointExtent', () => {
  it('holds every point and touches the extremes (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(coord, coord), { minLength: 1, maxLength: 40 }), (pts) => {
        const [x, y, w, h] = pointExtent(pts.flat());
        const xs = pts.map((p) => p[0]);
        const ys = pts.map((p) => p[1]);
        expect(x).toBe(Math.min(...xs));
        expect(y).toBe(Math.min(...ys));
        expect(x + w).toBeCloseTo(Math.max(...xs), 6);
        expect(y + h).toBeCloseTo(Math.max(...ys), 6);
      }),
    );
  });

  it('ignores a trailing lone coordinate', () => {
    expect(pointExtent([1, 2, 5, 8, 100])).toEqual([1, 2, 4, 6]);
  });
});

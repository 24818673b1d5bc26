import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { LabelContent } from './label-line.js';
import { clipBox, clipRing, EXCURSION_FRACTION, placeLabel } from './label-placement.js';
import { ringArea } from './polygon-area.js';

const IMAGE = { width: 486, height: 500 };
const HD = { width: 1920, height: 1080 };

describe('placeLabel without clipping', () => {
  it.each<[string, LabelContent]>([
    ['a box inside', { bbox: [10, 10, 20, 20] }],
    ['a box rounded outwards by 1 px', { bbox: [-1, -0.5, 487, 501] }],
    ['a polygon on the border', { segmentation: [[0, 0, 486, 0, 486, 500]] }],
    ['an invisible keypoint anywhere', { keypoints: [-900, -900, 0, 5, 5, 2] }],
    ['a class tag', { category: 'cat' }],
  ])('%s is inside', (_, content) => {
    expect(placeLabel(content, IMAGE, false)).toEqual({ ok: true, by: 0 });
  });

  it('keeps the real PoseTrack box 54.6 px above a 1080 px frame, reporting how far', () => {
    const bbox = [364.675, -54.62930288750002, 124.14999999999998, 257.32008152500003];
    expect(placeLabel({ bbox }, HD, false)).toEqual({ ok: true, by: 54.63 });
  });

  it.each<[string, LabelContent, string, string]>([
    ['a box 214 px past the right of a 486 px image', { bbox: [400, 100, 300, 100] }, 'bbox', '214 px outside the 486x500 image (more than 10% of its width, 48.6 px)'],
    ['a box entirely outside', { bbox: [600, 700, 50, 50] }, 'bbox', 'entirely outside'],
    ['a small box just above the image', { bbox: [10, -20, 5, 5] }, 'bbox', 'entirely outside'],
    ['a polygon far below', { segmentation: [[0, 0, 10, 0, 10, 900]] }, 'segmentation[0]', '400 px outside'],
    ['a visible keypoint far left', { keypoints: [-200, 10, 2] }, 'keypoints', 'keypoint 0 (-200, 10) lies 200 px outside'],
    ['an RLE mask of another size', { segmentation: { size: [10, 10], counts: [100] } }, 'segmentation.size', 'mask is 10x10'],
  ])('refuses %s', (_, content, field, why) => {
    const p = placeLabel(content, IMAGE, false);
    expect(p).toMatchObject({ ok: false, field });
    expect(p.ok ? '' : p.why).toContain(why);
  }); // prettier-ignore

  it('skips the box of a rotated label (its corners are elsewhere)', () => {
    expect(placeLabel({ bbox: [400, 100, 300, 100], rotation: 30 }, IMAGE, false)).toEqual({
      ok: true,
      by: 0,
    });
  });

  it('a coordinate is kept exactly up to 10% of the dimension past the border (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 20, max: 4000 }),
        fc.integer({ min: 20, max: 4000 }),
        fc.double({ min: 0, max: 0.3, noNaN: true }),
        (W, H, f) => {
          const past = f * W;
          const p = placeLabel({ bbox: [W / 2, 1, W / 2 + past, 1] }, { width: W, height: H }, false);
          const keep = past <= Math.max(1, EXCURSION_FRACTION * W);
          expect(p.ok).toBe(keep);
        },
      ),
      { seed: 11, numRuns: 300 },
    );
  }); // prettier-ignore
});

describe('placeLabel with clipping', () => {
  it('intersects a box with the image and recomputes area', () => {
    const p = placeLabel({ bbox: [400, 100, 300, 100], area: 30000, category: 'x' }, IMAGE, true);
    expect(p).toEqual({
      ok: true,
      by: 214,
      clipped: { content: { bbox: [400, 100, 86, 100], area: 8600, category: 'x' }, fields: ['bbox'] },
    });
  }); // prettier-ignore

  it('clips a box that is only past the border within the tolerance margin too', () => {
    const bbox = [364.675, -54.62930288750002, 124.14999999999998, 257.32008152500003];
    const p = placeLabel({ bbox }, HD, true);
    expect(p.ok && p.clipped?.content['bbox']).toEqual([364.675, 0, 124.15, 202.6908]);
  });

  it('leaves a label inside untouched', () => {
    expect(placeLabel({ bbox: [1, 1, 2, 2] }, IMAGE, true)).toEqual({ ok: true, by: 0 });
  });

  it('clips polygon rings, drops rings left with < 3 points, and hides keypoints outside', () => {
    const content: LabelContent = {
      bbox: [-10, 10, 30, 20],
      segmentation: [
        [-10, 10, 20, 10, 20, 30, -10, 30],
        [-50, 0, -40, 0, -45, 5],
      ],
      keypoints: [-8, 12, 2, 5, 15, 2],
      num_keypoints: 2,
      area: 600,
    };
    const p = placeLabel(content, IMAGE, true);
    expect(p).toEqual({
      ok: true,
      by: 50,
      clipped: {
        content: {
          bbox: [0, 10, 20, 20],
          segmentation: [[0, 10, 20, 10, 20, 30, 0, 30]],
          keypoints: [0, 0, 0, 5, 15, 2],
          num_keypoints: 1,
          area: 400,
        },
        fields: ['bbox', 'segmentation', 'keypoints'],
      },
    });
  });

  it.each<[string, LabelContent, string]>([
    ['a box entirely outside', { bbox: [600, 700, 50, 50] }, 'bbox'],
    ['a rotated box past the border', { bbox: [1, 1, 10, 10], rotation: 10, keypoints: [-100, 0, 2] }, 'rotation'],
    ['a polyline past the border', { bbox: [-100, 1, 200, 10], polyline: [-100, 1, 100, 11] }, 'polyline'],
  ])('refuses to clip %s', (_, content, field) => {
    expect(placeLabel(content, IMAGE, true)).toMatchObject({ ok: false, field });
  }); // prettier-ignore

  it('a clipped box lies inside the image and inside the original box (property)', () => {
    fc.assert(
      fc.property(
        fc.tuple(fc.integer({ min: -600, max: 600 }), fc.integer({ min: -600, max: 600 })),
        fc.tuple(fc.integer({ min: 0, max: 800 }), fc.integer({ min: 0, max: 800 })),
        ([x, y], [w, h]) => {
          const c = clipBox([x, y, w, h], IMAGE);
          if (!c) return;
          const [cx, cy, cw, ch] = c as [number, number, number, number];
          expect(cx >= 0 && cy >= 0 && cx + cw <= IMAGE.width && cy + ch <= IMAGE.height).toBe(true);
          expect(cx >= x && cy >= y && cx + cw <= x + w && cy + ch <= y + h).toBe(true);
        },
      ),
      { seed: 5, numRuns: 500 },
    );
  }); // prettier-ignore

  it('a clipped rectangle ring has the area of the clipped box (property)', () => {
    fc.assert(
      fc.property(
        fc.tuple(fc.integer({ min: -600, max: 600 }), fc.integer({ min: -600, max: 600 })),
        fc.tuple(fc.integer({ min: 1, max: 800 }), fc.integer({ min: 1, max: 800 })),
        ([x, y], [w, h]) => {
          const ring = clipRing([x, y, x + w, y, x + w, y + h, x, y + h], IMAGE);
          const box = clipBox([x, y, w, h], IMAGE);
          const boxArea = box ? box[2]! * box[3]! : 0;
          expect(ring.length >= 6 ? ringArea(ring) : 0).toBeCloseTo(boxArea, 6);
          for (let k = 0; k < ring.length; k += 2)
            expect(ring[k]! >= 0 && ring[k]! <= IMAGE.width && ring[k + 1]! >= 0 && ring[k + 1]! <= IMAGE.height).toBe(true);
        },
      ),
      { seed: 6, numRuns: 500 },
    );
  }); // prettier-ignore
});

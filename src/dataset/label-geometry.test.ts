import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkLabelGeometry, labelKind } from './label-geometry.js';
import type { LabelContent } from './label-line.js';
import { polygonArea, ringArea } from './polygon-area.js';
import { decodeRleCounts, encodeRleCounts, rleArea } from './rle.js';

const IMAGE = { width: 100, height: 50 };
const square = [10, 10, 20, 10, 20, 20, 10, 20];

describe('labelKind', () => {
  it.each<[LabelContent, string]>([
    [{ keypoints: [1, 2, 2], segmentation: [square], bbox: [0, 0, 1, 1] }, 'keypoints'],
    [{ segmentation: { size: [1, 1], counts: [1] }, bbox: [0, 0, 1, 1] }, 'mask'],
    [{ segmentation: [square], bbox: [0, 0, 1, 1] }, 'polygon'],
    [{ segmentation: [], bbox: [0, 0, 1, 1] }, 'box'],
    [{ category_id: 3 }, 'tag'],
    [{ attributes: { night: true } }, 'attributes'],
  ])('%j is a %s', (content, kind) => expect(labelKind(content)).toBe(kind));
});

describe('checkLabelGeometry', () => {
  it.each<[string, LabelContent, string]>([
    ['bbox not 4 numbers', { bbox: [1, 2, 3] }, 'bbox'],
    ['bbox negative width', { bbox: [1, 2, -3, 4] }, 'bbox'],
    ['ring of 2 points', { segmentation: [square, [1, 1, 2, 2]] }, 'segmentation[1]'],
    ['ring of odd length', { segmentation: [[1, 1, 2, 2, 3, 3, 4]] }, 'segmentation[0]'],
    ['ring with a string', { segmentation: [[1, 1, 2, 2, 3, '3']] }, 'segmentation[0]'],
    ['segmentation a string', { segmentation: 'x' }, 'segmentation'],
    [
      'RLE size of the wrong image',
      { segmentation: { size: [5, 5], counts: [25] } },
      'segmentation.size',
    ],
    [
      'RLE sum too small',
      { segmentation: { size: [50, 100], counts: [10, 5] } },
      'segmentation.counts',
    ],
    [
      'RLE negative run',
      { segmentation: { size: [50, 100], counts: [5001, -1] } },
      'segmentation.counts',
    ],
    [
      'RLE bad character',
      { segmentation: { size: [50, 100], counts: '0~' } },
      'segmentation.counts',
    ],
    [
      'RLE truncated string',
      { segmentation: { size: [50, 100], counts: 'a' } },
      'segmentation.counts',
    ],
    ['keypoints not triples', { keypoints: [1, 2, 2, 3] }, 'keypoints'],
    ['keypoint visibility 3', { keypoints: [1, 2, 3] }, 'keypoints'],
  ])('%s -> problem in %s', (_, content, field) => {
    expect(checkLabelGeometry(content, IMAGE)?.field).toBe(field);
  });

  it.each<[string, LabelContent]>([
    ['a box touching the border within tolerance', { bbox: [0.5, 0, 100.2, 50] }],
    ['a polygon label', { bbox: [10, 10, 10, 10], segmentation: [square] }],
    ['uncompressed RLE', { segmentation: { size: [50, 100], counts: [4000, 1000] } }],
    [
      'compressed RLE',
      { segmentation: { size: [50, 100], counts: encodeRleCounts([4000, 1000]) } },
    ],
    ['invisible keypoints at 0,0', { keypoints: [0, 0, 0, 5, 5, 2] }],
    ['a class tag', { category_id: 1, category: 'cat' }],
  ])('accepts %s', (_, content) => expect(checkLabelGeometry(content, IMAGE)).toBeNull());

  it('checks structure only: where a label lies is label-placement.ts', () => {
    expect(checkLabelGeometry({ bbox: [900, 900, 1, 1] }, IMAGE)).toBeNull();
    expect(checkLabelGeometry({ keypoints: [1, 200, 2] }, IMAGE)).toBeNull();
    expect(checkLabelGeometry({ segmentation: { size: [2, 2], counts: [4] } })).toBeNull();
  });

  it("checks the keypoint count against the category's when known", () => {
    expect(checkLabelGeometry({ keypoints: [1, 1, 2] }, IMAGE, 2)?.field).toBe('keypoints');
    expect(checkLabelGeometry({ keypoints: [1, 1, 2, 0, 0, 0] }, IMAGE, 2)).toBeNull();
  });
});

describe('RLE', () => {
  it('decodes a real COCO compressed string to runs that fill the mask', () => {
    // ochuman / pycocotools style: ends of 427x640 masks round-trip through encode
    const runs = [100, 5, 3, 40, 273172 - 148];
    const s = encodeRleCounts(runs);
    expect(decodeRleCounts(s)).toEqual(runs);
  });

  it('encode/decode round trip on random run lengths (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 2_000_000 }), { maxLength: 60 }), (runs) => {
        expect(decodeRleCounts(encodeRleCounts(runs))).toEqual(runs);
      }),
      { seed: 42, numRuns: 500 },
    );
  });

  it('area counts the pixels of the odd runs', () => {
    expect(rleArea([3, 2, 1, 4])).toBe(6);
  });
});

describe('polygon area', () => {
  it('is w*h for axis-aligned rectangles in either orientation (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -1000, max: 1000 }),
        fc.integer({ min: -1000, max: 1000 }),
        fc.integer({ min: 0, max: 1000 }),
        fc.integer({ min: 0, max: 1000 }),
        fc.boolean(),
        (x, y, w, h, reverse) => {
          const pts = [
            [x, y],
            [x + w, y],
            [x + w, y + h],
            [x, y + h],
          ];
          if (reverse) pts.reverse();
          expect(ringArea(pts.flat())).toBe(w * h);
        },
      ),
      { seed: 7, numRuns: 300 },
    );
  });

  it('sums the parts of a multi-part polygon', () => {
    expect(polygonArea([square, [0, 0, 4, 0, 0, 4]])).toBe(100 + 8);
  });
});

/**
 * Re-import matching: exact matches first, then the same class by IoU (the highest wins), else
 * none; a matched label keeps its stored content when nothing the format carries changed, and
 * takes the new geometry and carried fields (area recomputed) when something did.
 */
import { describe, expect, it } from 'vitest';
import type { LabelContent } from './label-line.js';
import {
  matchImageLabels,
  mergeMatched,
  type FormatPrecision,
  type StoredLabel,
} from './label-match.js';

/** Boxes drawn as [x0, y0, x1, y1] to 2 decimals, like VOC. */
const precision: FormatPrecision = {
  render: (c) => {
    const b = c['bbox'] as number[] | undefined;
    return b && [b[0]!, b[1]!, b[0]! + b[2]!, b[1]! + b[3]!].map((v) => Math.round(v * 100) / 100);
  },
  tolerance: 0.006,
  geometry: ['bbox'],
  fields: ['category_id', 'category', 'attributes'],
};

const box = (cls: number, bbox: number[], extra: LabelContent = {}): LabelContent => ({
  category_id: cls,
  bbox,
  ...extra,
});
const stored = (label: string, content: LabelContent): StoredLabel => ({
  label,
  content,
  review: { status: 'ok' },
});

describe('matchImageLabels', () => {
  const a = stored('10', box(1, [10, 10, 100, 100], { area: 10000, iscrowd: 0 }));
  const b = stored('11', box(1, [300, 300, 50, 50]));
  const c = stored('12', box(2, [10, 10, 100, 100]));

  it('matches exactly first, then by IoU >= 0.95 with the same class, else nothing', () => {
    const found = matchImageLabels(
      [a, b, c],
      [
        box(1, [300.001, 300, 50, 50]), // b within the precision
        box(1, [11, 10, 100, 100]), // a moved by 1 px: IoU 0.98
        box(2, [200, 200, 10, 10]), // class 2 but nowhere near c
        box(3, [10, 10, 100, 100]), // c's box, another class
      ],
      precision,
    );
    expect(found.map((s) => s?.label)).toEqual(['11', '10', undefined, undefined]);
  });

  it('gives the stored label to the incoming one with the highest IoU', () => {
    const found = matchImageLabels(
      [a],
      [box(1, [12, 10, 100, 100]), box(1, [11, 10, 100, 100])],
      precision,
    );
    expect(found.map((s) => s?.label)).toEqual([undefined, '10']);
  });
});

describe('mergeMatched', () => {
  it('keeps the stored content itself when nothing the format carries changed', () => {
    const s = box(1, [10.004, 10, 100, 100], { area: 1, attributes: { occluded: false, n: 3 } });
    const incoming = box(1, [10, 10, 100, 100], { attributes: { occluded: 'false', n: '3' } });
    expect(mergeMatched(s, incoming, precision)).toBe(s);
  });

  it('takes the new geometry and carried fields, recomputes area, keeps the rest', () => {
    const s = box(1, [10, 10, 100, 100], { area: 1, iscrowd: 0, attributes: { a: 1, keep: true } });
    const merged = mergeMatched(s, box(1, [11, 10, 100, 90], { attributes: { a: 2 } }), precision);
    expect(merged).toEqual(
      box(1, [11, 10, 100, 90], { area: 9000, iscrowd: 0, attributes: { a: 2, keep: true } }),
    );
  });
});

/**
 * How a label is drawn in CVAT for images (layer: formats), for re-import matching: the numbers
 * CVAT writes for it (2 decimals in its exports). Box: [xtl, ytl, xbr, ybr]; polygon: its rings'
 * points; polyline / ellipse: their own numbers; points and skeletons: the keypoints; class tag:
 * nothing (`[]`, always equal). An RLE mask, which this importer cannot read, gives undefined.
 */
import type { JsonValue } from '../../core/canonical.js';
import { labelKind } from '../../dataset/label-geometry.js';
import type { LabelContent } from '../../dataset/label-line.js';

export function cvatNumbers(c: LabelContent): number[] | undefined {
  const numbers = (v: JsonValue | undefined) =>
    Array.isArray(v) && v.every((n) => typeof n === 'number') ? (v as number[]) : undefined;
  switch (labelKind(c)) {
    case 'keypoints':
      return numbers(c['keypoints']);
    case 'polygon':
      return (c['segmentation'] as JsonValue[]).flatMap((r) => numbers(r) ?? [NaN]);
    case 'box': {
      const own = numbers(c['polyline']) ?? numbers(c['ellipse']);
      if (own) return own;
      const b = numbers(c['bbox']);
      return b && [b[0]!, b[1]!, b[0]! + b[2]!, b[1]! + b[3]!];
    }
    case 'tag':
      return [];
    default:
      return undefined;
  }
}

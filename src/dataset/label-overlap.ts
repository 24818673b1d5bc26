/**
 * Whether two labels draw the same object: same class and overlapping boxes (layer: dataset).
 *
 * Used by merge (possible duplicates: both sides drew the same object) and by re-import matching
 * (formats without label ids). A label's box is its `bbox`, else the extent of its polygon
 * segmentation; labels without geometry (image-level tags) never overlap.
 */
import type { JsonValue } from '../core/canonical.js';

export type Box = readonly [x: number, y: number, width: number, height: number];
type Content = { readonly [field: string]: JsonValue };

/** The label's class identity: `category_id` when present, else the `category` name. */
export function labelClass(content: Content): string | undefined {
  const id = content['category_id'];
  if (typeof id === 'number' || typeof id === 'string') return `id:${id}`;
  const name = content['category'];
  return typeof name === 'string' ? `name:${name}` : undefined;
}

export function labelBox(content: Content): Box | undefined {
  const bbox = content['bbox'];
  if (Array.isArray(bbox) && bbox.length === 4 && bbox.every((v) => typeof v === 'number'))
    return bbox as unknown as Box;
  return polygonExtent(content['segmentation']);
}

function polygonExtent(seg: JsonValue | undefined): Box | undefined {
  if (!Array.isArray(seg)) return undefined;
  let minX = Infinity,
    minY = Infinity,
    maxX = -Infinity,
    maxY = -Infinity;
  for (const ring of seg) {
    if (!Array.isArray(ring)) return undefined;
    for (let i = 0; i + 1 < ring.length; i += 2) {
      const x = ring[i],
        y = ring[i + 1];
      if (typeof x !== 'number' || typeof y !== 'number') return undefined;
      minX = Math.min(minX, x);
      maxX = Math.max(maxX, x);
      minY = Math.min(minY, y);
      maxY = Math.max(maxY, y);
    }
  }
  return minX <= maxX ? [minX, minY, maxX - minX, maxY - minY] : undefined;
}

/**
 * The bounding box `[x, y, width, height]` of a flat point list `[x0, y0, x1, y1, ...]` (a
 * polygon ring, or keypoints without visibility); unrounded, so each format rounds as it reads.
 */
export function pointExtent(points: readonly number[]): Box {
  let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
  for (let i = 0; i + 1 < points.length; i += 2) {
    x0 = Math.min(x0, points[i]!);
    x1 = Math.max(x1, points[i]!);
    y0 = Math.min(y0, points[i + 1]!);
    y1 = Math.max(y1, points[i + 1]!);
  }
  return [x0, y0, x1 - x0, y1 - y0];
}

/** Intersection over union of two boxes; 0 when either is empty. */
export function boxIoU(a: Box, b: Box): number {
  const ix = Math.min(a[0] + a[2], b[0] + b[2]) - Math.max(a[0], b[0]);
  const iy = Math.min(a[1] + a[3], b[1] + b[3]) - Math.max(a[1], b[1]);
  if (ix <= 0 || iy <= 0) return 0;
  const inter = ix * iy;
  const union = a[2] * a[3] + b[2] * b[3] - inter;
  return union > 0 ? inter / union : 0;
}

/** Same class and box IoU at least `minIoU`. */
export function sameObject(a: Content, b: Content, minIoU: number): boolean {
  const ca = labelClass(a);
  if (ca === undefined || ca !== labelClass(b)) return false;
  const ba = labelBox(a),
    bb = labelBox(b);
  return ba !== undefined && bb !== undefined && boxIoU(ba, bb) >= minIoU;
}

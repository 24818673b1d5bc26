/**
 * A label's drawable geometry (layer: ui/overlays), in the image's pixel coordinates as stored
 * (COCO conventions): a box `[x, y, width, height]`, polygons (`segmentation` as lists of
 * `x, y` pairs), keypoints (`[x, y, visibility]` triples; 0 = not labelled, not drawn) and their
 * skeleton (pairs of 1-based keypoint numbers). An RLE mask (`segmentation` as `{counts,
 * size}`) has no vector form: it is reported as `mask` so the page can say so; its box is still
 * drawn.
 */
export interface Point {
  readonly x: number;
  readonly y: number;
}

export interface Box {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface Geometry {
  readonly box: Box | undefined;
  readonly polygons: readonly (readonly Point[])[];
  readonly keypoints: readonly (Point | undefined)[];
  readonly skeleton: readonly (readonly [number, number])[];
  readonly mask: boolean;
}

export function geometryOf(label: Readonly<Record<string, unknown>>): Geometry {
  const segmentation = label['segmentation'];
  return {
    box: boxOf(label['bbox']),
    polygons: polygonsOf(segmentation),
    keypoints: keypointsOf(label['keypoints']),
    skeleton: skeletonOf(label['skeleton']),
    mask: segmentation !== null && typeof segmentation === 'object' && !Array.isArray(segmentation),
  };
}

function isNumber(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

function boxOf(v: unknown): Box | undefined {
  if (!Array.isArray(v) || v.length !== 4 || !v.every(isNumber)) return undefined;
  const [x, y, width, height] = v as [number, number, number, number];
  return { x, y, width, height };
}

function polygonsOf(v: unknown): Point[][] {
  if (!Array.isArray(v)) return [];
  const rings = v.every(isNumber) ? [v] : v;
  const out: Point[][] = [];
  for (const ring of rings) {
    if (!Array.isArray(ring) || !ring.every(isNumber) || ring.length < 6) continue;
    const points: Point[] = [];
    for (let i = 0; i + 1 < ring.length; i += 2)
      points.push({ x: ring[i] as number, y: ring[i + 1] as number });
    out.push(points);
  }
  return out;
}

function keypointsOf(v: unknown): (Point | undefined)[] {
  if (!Array.isArray(v) || !v.every(isNumber)) return [];
  const out: (Point | undefined)[] = [];
  for (let i = 0; i + 2 < v.length; i += 3)
    out.push((v[i + 2] as number) > 0 ? { x: v[i] as number, y: v[i + 1] as number } : undefined);
  return out;
}

function skeletonOf(v: unknown): [number, number][] {
  if (!Array.isArray(v)) return [];
  return v.filter(
    (pair): pair is [number, number] =>
      Array.isArray(pair) && pair.length === 2 && pair.every(isNumber),
  );
}

/** A fitted display size: the image scaled to fit `maxWidth` × `maxHeight`, aspect kept. */
export function fitted(
  width: number,
  height: number,
  maxWidth: number,
  maxHeight: number,
): { width: number; height: number } {
  const scale = Math.min(maxWidth / width, maxHeight / height);
  return { width: width * scale, height: height * scale };
}

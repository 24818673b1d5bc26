/**
 * Area of COCO polygons (layer: dataset): the shoelace formula per ring `[x0, y0, x1, y1, ...]`,
 * rings summed (COCO's multi-part objects are disjoint parts, not holes).
 */
export function ringArea(ring: readonly number[]): number {
  const n = ring.length >> 1;
  let s = 0;
  for (let i = 0; i < n; i++) {
    const j = (i + 1) % n;
    s += ring[2 * i]! * ring[2 * j + 1]! - ring[2 * j]! * ring[2 * i + 1]!;
  }
  return Math.abs(s) / 2;
}

export function polygonArea(rings: readonly (readonly number[])[]): number {
  let a = 0;
  for (const r of rings) a += ringArea(r);
  return a;
}

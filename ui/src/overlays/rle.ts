/**
 * COCO run-length masks (layer: ui/overlays): `{size: [height, width], counts}` with `counts`
 * either the run lengths (uncompressed) or COCO's compressed string (each count in 5-bit groups
 * offset by 48, with sign extension, and from the third on a difference to the count two
 * before: pycocotools' `rleFrString`). Runs alternate 0s and 1s starting with 0s, over the
 * pixels in column-major order (down each column, then the next column).
 */
export interface Rle {
  readonly height: number;
  readonly width: number;
  readonly counts: readonly number[];
}

export function rleOf(segmentation: unknown): Rle | undefined {
  if (segmentation === null || typeof segmentation !== 'object' || Array.isArray(segmentation))
    return undefined;
  const { size, counts } = segmentation as { size?: unknown; counts?: unknown };
  if (!Array.isArray(size) || size.length !== 2) return undefined;
  const [height, width] = size as [unknown, unknown];
  if (typeof height !== 'number' || typeof width !== 'number') return undefined;
  if (typeof counts === 'string') return { height, width, counts: countsFromString(counts) };
  if (Array.isArray(counts) && counts.every((c) => typeof c === 'number'))
    return { height, width, counts: counts as number[] };
  return undefined;
}

/** pycocotools' `rleFrString`. */
export function countsFromString(s: string): number[] {
  const counts: number[] = [];
  let p = 0;
  while (p < s.length) {
    let x = 0;
    let k = 0;
    let more = true;
    while (more && p < s.length) {
      const c = s.charCodeAt(p) - 48;
      x |= (c & 0x1f) << (5 * k);
      more = (c & 0x20) !== 0;
      p++;
      k++;
      if (!more && (c & 0x10) !== 0) x |= -1 << (5 * k);
    }
    if (counts.length > 2) x += counts[counts.length - 2]!;
    counts.push(x);
  }
  return counts;
}

/** Calls `paint(x, y)` for every pixel of the mask. */
export function forEachMaskPixel(rle: Rle, paint: (x: number, y: number) => void): void {
  let index = 0;
  rle.counts.forEach((run, i) => {
    if (i % 2 === 1)
      for (let j = index; j < index + run; j++) paint(Math.floor(j / rle.height), j % rle.height);
    index += run;
  });
}

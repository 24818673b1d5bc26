/**
 * COCO run-length masks (layer: dataset).
 *
 * A mask is `{size: [height, width], counts}` in column-major order, alternating runs of 0s and
 * 1s starting with 0s. `counts` is either the run lengths (`number[]`, "uncompressed RLE") or
 * COCO's compressed string: each run is written as a LEB128-like sequence of 5-bit groups
 * (bit 0x20 = more follows, bit 0x10 of the last group = sign), offset by 48 ('0'), and from the
 * fourth run on as the difference to the run two places before (pycocotools `rleToString` /
 * `rleFrString`, maskApi.c). The arithmetic is on 32-bit integers, as in the C code.
 */

/** Run lengths of a compressed `counts` string, or a reason why it is not one. */
export function decodeRleCounts(s: string): number[] | { readonly why: string } {
  const counts: number[] = [];
  let p = 0;
  while (p < s.length) {
    let x = 0;
    let k = 0;
    let more = true;
    while (more) {
      if (p >= s.length) return { why: 'compressed counts end inside a run' };
      const c = s.charCodeAt(p) - 48;
      if (c < 0 || c > 63)
        return { why: `compressed counts hold an invalid character at offset ${p}` };
      x |= (c & 0x1f) << (5 * k);
      more = (c & 0x20) !== 0;
      p++;
      k++;
      if (!more && (c & 0x10) !== 0) x |= -1 << (5 * k);
    }
    const m = counts.length;
    if (m > 2) x += counts[m - 2]!;
    counts.push(x);
  }
  return counts;
}

/** The compressed `counts` string of run lengths (inverse of `decodeRleCounts`). */
export function encodeRleCounts(counts: readonly number[]): string {
  let out = '';
  for (let i = 0; i < counts.length; i++) {
    let x = counts[i]!;
    if (i > 2) x -= counts[i - 2]!;
    let more = true;
    while (more) {
      let c = x & 0x1f;
      x >>= 5;
      more = (c & 0x10) !== 0 ? x !== -1 : x !== 0;
      if (more) c |= 0x20;
      out += String.fromCharCode(c + 48);
    }
  }
  return out;
}

/** Pixels set in a mask given as run lengths (the odd runs). */
export function rleArea(counts: readonly number[]): number {
  let a = 0;
  for (let i = 1; i < counts.length; i += 2) a += counts[i]!;
  return a;
}

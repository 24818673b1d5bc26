/**
 * Where a label lies relative to its image, and clipping it to the image (layer: dataset; pure).
 *
 * The one geometry policy of every write path (`apply`, `import labels`, every format importer;
 * docs/formats.md, "Geometry and image references"). With the image's width W and height H:
 * - a coordinate up to `EDGE_TOLERANCE` px outside [0, W] x [0, H] is inside (tools round boxes
 *   outwards; a polygon traced on the border lands on W itself);
 * - past that, by at most `EXCURSION_FRACTION` of the image's width (x) or height (y), the label
 *   is **past the border**: real data has such labels (PoseTrack pads person boxes 54 px above a
 *   1080 px frame), so it is kept as given and counted;
 * - farther, or a shape whose extent does not meet the image at all, it is **outside**: refused.
 * With `clip`, every label past the border or outside is clipped to [0, W] x [0, H] instead:
 * boxes are intersected with the image, polygon rings clipped (Sutherland-Hodgman; a ring left
 * with fewer than 3 points is dropped), visible keypoints past the tolerance become "not
 * labelled" (0, 0, 0; `num_keypoints` recounted), and `area` is recomputed from the clipped
 * polygon or box. A shape that would leave nothing (entirely outside) is refused even then.
 * Checked: `bbox` (skipped when the label has a non-zero `rotation`: its corners are not those
 * of the axis-aligned box), polygon `segmentation` rings, visible `keypoints`; an RLE mask must
 * have the image's size (`label-geometry.ts`) and is never clipped; a label that needs clipping
 * and holds a rotated box, a `polyline` or an `ellipse` is refused (they cannot be clipped
 * exactly). Structure (finite numbers, ring lengths, ...) is `label-geometry.ts`'s check and is
 * assumed here.
 */
import type { JsonValue } from '../core/canonical.js';
import type { ImageSize } from './label-geometry.js';
import { short, sizeText } from './label-geometry.js';
import type { LabelContent } from './label-line.js';
import { polygonArea } from './polygon-area.js';

/**
 * Pixels a coordinate may lie outside the image and still be inside: annotation tools round
 * boxes outwards and polygons traced on the border land on `width` itself.
 */
export const EDGE_TOLERANCE = 1;

/**
 * How far past the border (a fraction of the image's width for x, of its height for y) a label
 * is kept as given. 10%: the largest excursion in the real files of ../shared/data/real is 5.1%
 * (a PoseTrack person box 54.6 px above a 1080 px frame); a box 10% or more outside is a
 * mistake (wrong image, wrong units), not padding.
 */
export const EXCURSION_FRACTION = 0.1;

/** Geometry fields clipping can change, in report order. */
export const CLIPPED_FIELDS = ['bbox', 'segmentation', 'keypoints'] as const;
export type ClippedField = (typeof CLIPPED_FIELDS)[number];

export type Placement =
  /** `by`: pixels past the border (0: inside); `clipped`: the content to store instead. */
  | {
      readonly ok: true;
      readonly by: number;
      readonly clipped?: { readonly content: LabelContent; readonly fields: ClippedField[] };
    }
  | { readonly ok: false; readonly field: string; readonly why: string };

const INSIDE: Placement = { ok: true, by: 0 };

/** Where `content` lies on `image`; with `clip`, what to store instead when it goes past the border. */
export function placeLabel(content: LabelContent, image: ImageSize, clip: boolean): Placement {
  const rle = checkMaskSize(content['segmentation'], image);
  if (rle) return rle;
  const walk = new BorderWalk(image);
  const bbox = content['bbox'];
  if (isNumbers(bbox) && bbox.length === 4 && !isRotated(content)) {
    const [x, y, w, h] = bbox as [number, number, number, number];
    walk.extent('bbox', () => short(bbox), true, x, y, x + w, y + h);
  }
  const seg = content['segmentation'];
  if (Array.isArray(seg))
    for (let i = 0; i < seg.length; i++) {
      const ring = seg[i];
      if (isNumbers(ring)) walk.points(`segmentation[${i}]`, () => 'the polygon', true, ring, 2);
    }
  const kp = content['keypoints'];
  if (isNumbers(kp))
    for (let k = 0; k + 2 < kp.length; k += 3)
      if (kp[k + 2]! > 0) {
        const [x, y] = [kp[k]!, kp[k + 1]!];
        walk.extent('keypoints', () => `keypoint ${k / 3} (${x}, ${y})`, false, x, y, x, y);
      }
  const { by, problem } = walk;
  if (by <= EDGE_TOLERANCE && !problem) return INSIDE;
  if (!clip) return problem ? { ok: false, ...problem } : { ok: true, by: round2(by) };
  const unclippable = unclippableReason(content);
  if (unclippable) return { ok: false, field: unclippable.field, why: unclippable.why };
  return clipLabel(content, image, round2(by));
}

/**
 * Walks a label's shapes against one image: the farthest excursion past the border (`by`) and
 * the first shape that is too far (`problem`). Messages are built only for that one (`what`).
 */
class BorderWalk {
  by = 0;
  problem: { field: string; why: string } | undefined;
  private readonly mx: number;
  private readonly my: number;

  constructor(private readonly image: ImageSize) {
    this.mx = margin(image.width);
    this.my = margin(image.height);
  }

  /** A shape given by its points `[x0, y0, x1, y1, ...]` (`stride` numbers per point). */
  points(field: string, what: () => string, area: boolean, p: readonly number[], stride: number) {
    let [minX, minY, maxX, maxY] = [Infinity, Infinity, -Infinity, -Infinity];
    for (let k = 0; k + 1 < p.length; k += stride) {
      const x = p[k]!;
      const y = p[k + 1]!;
      if (x < minX) minX = x;
      if (x > maxX) maxX = x;
      if (y < minY) minY = y;
      if (y > maxY) maxY = y;
    }
    this.extent(field, what, area, minX, minY, maxX, maxY);
  }

  /** A shape given by its extent; `area`: a box or ring, refused when it misses the image. */
  extent(
    field: string,
    what: () => string,
    area: boolean,
    minX: number,
    minY: number,
    maxX: number,
    maxY: number,
  ): void {
    const { width: W, height: H } = this.image;
    const dx = Math.max(0, -minX, maxX - W);
    const dy = Math.max(0, -minY, maxY - H);
    if (dx > this.by) this.by = dx;
    if (dy > this.by) this.by = dy;
    if (this.problem) return;
    const t = EDGE_TOLERANCE;
    const size = () => sizeText(this.image);
    if (area && (minX > W + t || maxX < -t || minY > H + t || maxY < -t))
      this.problem = { field, why: `${what()} lies entirely outside the ${size()} image` };
    else if (dx > this.mx || dy > this.my) {
      const [axis, d, m] =
        dx / this.mx >= dy / this.my
          ? (['width', dx, this.mx] as const)
          : (['height', dy, this.my] as const);
      this.problem = {
        field,
        why: `${what()} lies ${round2(d)} px outside the ${size()} image (more than ${EXCURSION_FRACTION * 100}% of its ${axis}, ${round2(m)} px)`,
      };
    }
  }
}

/** Pixels past a border of length `size` that are kept as given. */
const margin = (size: number) => Math.max(EDGE_TOLERANCE, EXCURSION_FRACTION * size);

function checkMaskSize(seg: JsonValue | undefined, image: ImageSize): Placement | undefined {
  if (!isObject(seg)) return undefined;
  const size = seg['size'];
  if (!isNumbers(size) || size.length !== 2) return undefined;
  if (size[0] === image.height && size[1] === image.width) return undefined;
  return {
    ok: false,
    field: 'segmentation.size',
    why: `mask is ${size[1]}x${size[0]} but the image is ${sizeText(image)}`,
  };
}

function unclippableReason(content: LabelContent): { field: string; why: string } | undefined {
  if (isRotated(content))
    return { field: 'rotation', why: 'a rotated box past the border cannot be clipped exactly' };
  for (const f of ['polyline', 'ellipse'])
    if (content[f] !== undefined)
      return { field: f, why: `a label with a ${f} past the border cannot be clipped exactly` };
  return undefined;
}

function clipLabel(content: LabelContent, image: ImageSize, by: number): Placement {
  const out: { [k: string]: JsonValue } = { ...content };
  const fields: ClippedField[] = [];
  const bbox = content['bbox'];
  if (isNumbers(bbox) && bbox.length === 4) {
    const clipped = clipBox(bbox as [number, number, number, number], image);
    if (!clipped)
      return {
        ok: false,
        field: 'bbox',
        why: `${short(bbox)} lies entirely outside the ${sizeText(image)} image: nothing is left to clip`,
      };
    if (!sameNumbers(clipped, bbox)) {
      out['bbox'] = clipped;
      fields.push('bbox');
    }
  }
  const seg = content['segmentation'];
  if (Array.isArray(seg) && seg.length > 0 && seg.every(isNumbers)) {
    const rings = (seg as number[][]).map((r) => clipRing(r, image)).filter((r) => r.length >= 6);
    if (rings.length === 0)
      return {
        ok: false,
        field: 'segmentation',
        why: `the polygon lies entirely outside the ${sizeText(image)} image: nothing is left to clip`,
      };
    if (rings.length !== seg.length || rings.some((r, i) => !sameNumbers(r, seg[i] as number[]))) {
      out['segmentation'] = rings;
      fields.push('segmentation');
    }
  }
  const kp = content['keypoints'];
  if (isNumbers(kp)) {
    const next = clipKeypoints(kp, image);
    if (!sameNumbers(next, kp)) {
      out['keypoints'] = next;
      if (typeof content['num_keypoints'] === 'number')
        out['num_keypoints'] = next.filter((v, i) => i % 3 === 2 && v > 0).length;
      fields.push('keypoints');
    }
  }
  if (
    typeof content['area'] === 'number' &&
    (fields.includes('bbox') || fields.includes('segmentation'))
  )
    out['area'] = areaOf(out);
  return fields.length === 0
    ? { ok: true, by }
    : { ok: true, by, clipped: { content: out, fields } };
}

/** The box intersected with the image; undefined when nothing of it is inside. */
export function clipBox(
  [x, y, w, h]: readonly [number, number, number, number],
  { width: W, height: H }: ImageSize,
): number[] | undefined {
  const [x0, y0] = [Math.max(0, x), Math.max(0, y)];
  const [x1, y1] = [Math.min(W, x + w), Math.min(H, y + h)];
  if (x1 < x0 || y1 < y0 || (x1 === x0 && w > 0) || (y1 === y0 && h > 0)) return undefined;
  return [round4(x0), round4(y0), round4(x1 - x0), round4(y1 - y0)];
}

/** A polygon ring clipped to the image rectangle (Sutherland-Hodgman: exact for a convex clip region). */
export function clipRing(ring: readonly number[], { width: W, height: H }: ImageSize): number[] {
  let pts: [number, number][] = [];
  for (let k = 0; k + 1 < ring.length; k += 2) pts.push([ring[k]!, ring[k + 1]!]);
  const edges: [(p: [number, number]) => number, number][] = [
    [(p) => p[0], 0], // x >= 0
    [(p) => -p[0], -W], // x <= W
    [(p) => p[1], 0], // y >= 0
    [(p) => -p[1], -H], // y <= H
  ];
  for (const [value, limit] of edges) {
    const next: [number, number][] = [];
    for (let i = 0; i < pts.length; i++) {
      const [a, b] = [pts[i]!, pts[(i + 1) % pts.length]!];
      const [va, vb] = [value(a) - limit, value(b) - limit];
      if (va >= 0) next.push(a);
      if (va >= 0 !== vb >= 0) {
        const t = va / (va - vb);
        next.push([a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])]);
      }
    }
    pts = next;
  }
  const out: number[] = [];
  for (const [x, y] of pts) {
    const [rx, ry] = [round4(x), round4(y)];
    if (out.length >= 2 && out[out.length - 2] === rx && out[out.length - 1] === ry) continue;
    out.push(rx, ry);
  }
  if (out.length >= 4 && out[0] === out[out.length - 2] && out[1] === out[out.length - 1])
    out.length -= 2;
  return out;
}

function clipKeypoints(kp: readonly number[], image: ImageSize): number[] {
  const t = EDGE_TOLERANCE;
  const out = [...kp];
  for (let k = 0; k + 2 < out.length; k += 3) {
    const [x, y, v] = [out[k]!, out[k + 1]!, out[k + 2]!];
    if (v > 0 && (x < -t || y < -t || x > image.width + t || y > image.height + t))
      out.splice(k, 3, 0, 0, 0);
  }
  return out;
}

function areaOf(content: LabelContent): number {
  const seg = content['segmentation'];
  if (Array.isArray(seg) && seg.length > 0 && seg.every(isNumbers))
    return round4(polygonArea(seg as number[][]));
  const [, , w, h] = content['bbox'] as number[];
  return round4(w! * h!);
}

const isRotated = (content: LabelContent) => {
  const r = content['rotation'];
  return typeof r === 'number' && r % 360 !== 0;
};
const isNumbers = (v: JsonValue | undefined): v is number[] =>
  Array.isArray(v) && v.every((n) => typeof n === 'number' && Number.isFinite(n));
const isObject = (v: JsonValue | undefined): v is { [k: string]: JsonValue } =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const sameNumbers = (a: readonly number[], b: readonly JsonValue[]) =>
  a.length === b.length && a.every((v, i) => v === b[i]);
const round2 = (x: number) => Math.round(x * 100) / 100;
const round4 = (x: number) => Math.round(x * 1e4) / 1e4;

/**
 * Label kinds and geometry checks (layer: dataset).
 *
 * The kind of a label is derived from its content, never stored: keypoints > mask (RLE
 * `segmentation` object) > polygon (`segmentation` rings) > box (`bbox`) > tag (a category and
 * no geometry) > attributes (neither). `checkLabelGeometry` returns the first problem as
 * `{field, why}` (callers wrap it into a `FormatParseError` naming their file and record):
 * - `bbox`: [x, y, w, h], finite, w, h >= 0;
 * - polygon rings: arrays of an even number (>= 6: three points) of finite numbers;
 * - RLE: `size` [h, w] of non-negative integers; `counts` non-negative integers (or COCO's
 *   compressed string) summing to h * w;
 * - `keypoints`: [x, y, v, ...] finite, v in {0, 1, 2}, 3 * the category's keypoint count when
 *   known;
 * and, when the image size is known, an RLE `size` equal to the image's. Whether coordinates lie
 * inside the image is a question of policy, not of structure: `label-placement.ts` answers it
 * (tolerance, `--clip`), the same way for every write path.
 */
import type { JsonValue } from '../core/canonical.js';
import type { LabelContent } from './label-line.js';
import { decodeRleCounts } from './rle.js';

export type LabelKind = 'keypoints' | 'mask' | 'polygon' | 'box' | 'tag' | 'attributes';

export interface ImageSize {
  readonly width: number;
  readonly height: number;
}

export interface GeometryProblem {
  readonly field: string;
  readonly why: string;
}

export function labelKind(content: LabelContent): LabelKind {
  const kp = content['keypoints'];
  if (Array.isArray(kp) && kp.length > 0) return 'keypoints';
  const seg = content['segmentation'];
  if (isObject(seg)) return 'mask';
  if (Array.isArray(seg) && seg.length > 0) return 'polygon';
  if (content['bbox'] !== undefined && content['bbox'] !== null) return 'box';
  if (content['category_id'] !== undefined || content['category'] !== undefined) return 'tag';
  return 'attributes';
}

/** The first geometry problem of a label, or null. */
export function checkLabelGeometry(
  content: LabelContent,
  image?: ImageSize,
  keypointCount?: number,
): GeometryProblem | null {
  return (
    checkBbox(content['bbox']) ??
    checkSegmentation(content['segmentation'], image) ??
    checkKeypoints(content['keypoints'], keypointCount)
  );
}

function checkBbox(bbox: JsonValue | undefined): GeometryProblem | null {
  if (bbox === undefined) return null;
  const bad = () => ({
    field: 'bbox',
    why: `expected [x, y, width, height] of finite numbers with width, height >= 0, got ${short(bbox)}`,
  });
  if (!Array.isArray(bbox) || bbox.length !== 4 || !bbox.every(isFiniteNumber)) return bad();
  const [, , w, h] = bbox as [number, number, number, number];
  if (w < 0 || h < 0) return bad();
  return null;
}

function checkSegmentation(seg: JsonValue | undefined, image?: ImageSize): GeometryProblem | null {
  if (seg === undefined || seg === null) return null;
  if (isObject(seg)) return checkRle(seg, image);
  if (!Array.isArray(seg))
    return {
      field: 'segmentation',
      why: 'expected polygon rings [[x, y, ...], ...] or an RLE object',
    };
  for (let i = 0; i < seg.length; i++) {
    const problem = checkRing(seg[i]!);
    if (problem) return { field: `segmentation[${i}]`, why: problem };
  }
  return null;
}

function checkRing(ring: JsonValue): string | null {
  if (!Array.isArray(ring) || !ring.every(isFiniteNumber))
    return 'expected a polygon ring [x0, y0, x1, y1, ...] of finite numbers';
  if (ring.length % 2 !== 0) return `odd number of coordinates (${ring.length})`;
  if (ring.length < 6) return `a polygon needs at least 3 points, got ${ring.length / 2}`;
  return null;
}

function checkRle(rle: { [k: string]: JsonValue }, image?: ImageSize): GeometryProblem | null {
  const size = rle['size'];
  if (!Array.isArray(size) || size.length !== 2 || !size.every(isCount))
    return { field: 'segmentation.size', why: `expected [height, width], got ${short(size)}` };
  const [h, w] = size as [number, number];
  if (image && (h !== image.height || w !== image.width))
    return {
      field: 'segmentation.size',
      why: `mask is ${w}x${h} but the image is ${sizeText(image)}`,
    };
  const raw = rle['counts'];
  let counts: readonly number[];
  if (typeof raw === 'string') {
    const decoded = decodeRleCounts(raw);
    if (!Array.isArray(decoded)) return { field: 'segmentation.counts', why: decoded.why };
    counts = decoded;
  } else if (Array.isArray(raw) && raw.every(isFiniteNumber)) counts = raw as number[];
  else
    return {
      field: 'segmentation.counts',
      why: 'expected run lengths (number[]) or a compressed RLE string',
    };
  let sum = 0;
  for (const c of counts) {
    if (!isCount(c))
      return { field: 'segmentation.counts', why: `run length ${c} is not a non-negative integer` };
    sum += c;
  }
  if (sum !== h * w)
    return {
      field: 'segmentation.counts',
      why: `run lengths sum to ${sum}, expected height x width = ${h * w}`,
    };
  return null;
}

function checkKeypoints(kp: JsonValue | undefined, keypointCount?: number): GeometryProblem | null {
  if (kp === undefined || kp === null) return null;
  if (!Array.isArray(kp) || !kp.every(isFiniteNumber))
    return { field: 'keypoints', why: 'expected [x, y, v, ...] of finite numbers' };
  if (kp.length % 3 !== 0)
    return { field: 'keypoints', why: `length ${kp.length} is not a multiple of 3` };
  if (keypointCount !== undefined && kp.length !== 3 * keypointCount)
    return {
      field: 'keypoints',
      why: `${kp.length / 3} keypoints, but the category defines ${keypointCount}`,
    };
  for (let k = 0; k < kp.length; k += 3) {
    const v = kp[k + 2] as number;
    if (v !== 0 && v !== 1 && v !== 2)
      return {
        field: 'keypoints',
        why: `keypoint ${k / 3} has visibility ${v} (expected 0, 1 or 2)`,
      };
  }
  return null;
}

const isObject = (v: JsonValue | undefined): v is { [k: string]: JsonValue } =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isFiniteNumber = (v: JsonValue): boolean => typeof v === 'number' && Number.isFinite(v);
const isCount = (v: JsonValue): boolean =>
  typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
export const sizeText = (image: ImageSize) => `${image.width}x${image.height}`;

/** A value for a message, cut to a readable length. */
export function short(v: JsonValue | undefined): string {
  const s = JSON.stringify(v) ?? 'undefined';
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

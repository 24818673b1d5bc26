/**
 * One YOLO label file -> label contents (layer: formats).
 *
 * A line is `class` then normalised numbers (0..1 of the image width/height):
 * - detection: `class cx cy w h` (5 numbers);
 * - segmentation: `class x1 y1 x2 y2 x3 y3 ...` (at least 3 points). As in Ultralytics, a file
 *   holding any line longer than 5 numbers is a segmentation file: each of its lines is a polygon;
 * - pose (the configuration has `kpt_shape [K, D]`): `class cx cy w h` + K x (x y [v]).
 * Coordinates are de-normalised with the image size and kept to 4 decimals of a pixel (YOLO's 6
 * decimals are ~1e-3 px on a 1000 px image). Contents: `category_id`, `category`, `bbox` (the
 * polygon's extent for segmentation), `segmentation` (one ring), `keypoints` and `num_keypoints`.
 * Every problem is a `FormatParseError(file, line, field, why)`.
 */
import { FormatParseError } from '../../core/errors.js';
import { checkLabelGeometry, type ImageSize } from '../../dataset/label-geometry.js';
import type { LabelContent } from '../../dataset/label-line.js';
import { pointExtent } from '../../dataset/label-overlap.js';

export type YoloShapeKind = 'detect' | 'segment' | 'pose';

export interface YoloShape {
  readonly line: number;
  readonly cls: number;
  readonly kind: YoloShapeKind;
  /** The normalised numbers after the class. */
  readonly numbers: readonly number[];
  /** Numbers per keypoint (pose). */
  readonly dims?: 2 | 3;
}

export interface YoloClasses {
  readonly names: ReadonlyMap<number, string>;
  readonly kpt?: { readonly count: number; readonly dims: 2 | 3 };
}

/** The shapes of one file's text; `file` names it in errors. */
export function parseYoloLabels(text: string, file: string, classes: YoloClasses): YoloShape[] {
  const rows: { line: number; tokens: string[] }[] = [];
  text.split('\n').forEach((raw, i) => {
    const tokens = raw
      .trim()
      .split(/\s+/)
      .filter((t) => t !== '');
    if (tokens.length > 0) rows.push({ line: i + 1, tokens });
  });
  const segmentFile = !classes.kpt && rows.some((r) => r.tokens.length > 5);
  return rows.map(({ line, tokens }) => {
    const fail = (field: string | null, why: string): never => {
      throw new FormatParseError(file, line, field, why);
    };
    const numbers = tokens.map(Number);
    const bad = numbers.findIndex((n) => !Number.isFinite(n));
    if (bad >= 0) fail(bad === 0 ? 'class' : null, `'${tokens[bad]}' is not a number`);
    const cls = numbers[0]!;
    if (!Number.isSafeInteger(cls) || cls < 0)
      fail('class', `class ${tokens[0]} is not an index >= 0`);
    if (!classes.names.has(cls))
      fail('class', `class ${cls} is not in the class names (${namesRange(classes.names)})`);
    const rest = numbers.slice(1);
    const kind: YoloShapeKind = classes.kpt ? 'pose' : segmentFile ? 'segment' : 'detect';
    if (kind === 'pose') {
      const { count, dims } = classes.kpt!;
      if (rest.length !== 4 + count * dims)
        fail(
          'keypoints',
          `expected class, 4 box numbers and ${count} x ${dims} keypoint numbers (${5 + count * dims}), got ${numbers.length}`,
        );
    } else if (kind === 'segment') {
      if (rest.length % 2 !== 0) fail('segmentation', `odd number of coordinates (${rest.length})`);
      if (rest.length < 6)
        fail(
          'segmentation',
          `a polygon needs at least 3 points, got ${rest.length / 2} (this file holds polygons)`,
        );
    } else if (rest.length !== 4)
      fail(
        'bbox',
        `expected 5 numbers (class cx cy w h) or a polygon (class x1 y1 x2 y2 x3 y3 ...), got ${numbers.length}`,
      );
    return { line, cls, kind, numbers: rest, ...(classes.kpt ? { dims: classes.kpt.dims } : {}) };
  });
}

/** The label content of a shape on an image of `size`. */
export function yoloShapeContent(
  shape: YoloShape,
  size: ImageSize,
  categoryId: number | string,
  category: string,
  file: string,
): LabelContent {
  const { width: W, height: H } = size;
  const n = shape.numbers;
  const out: { [k: string]: LabelContent[string] } = { category_id: categoryId, category };
  if (shape.kind === 'segment') {
    const ring = n.map((v, i) => px(v * (i % 2 === 0 ? W : H)));
    out['segmentation'] = [ring];
    out['bbox'] = extent(ring);
  } else {
    const [cx, cy, w, h] = n as [number, number, number, number];
    out['bbox'] = [px((cx - w / 2) * W), px((cy - h / 2) * H), px(w * W), px(h * H)];
  }
  if (shape.kind === 'pose') {
    const kp = poseKeypoints(n.slice(4), W, H, shape.dims ?? 3);
    out['keypoints'] = kp;
    out['num_keypoints'] = kp.filter((_, i) => i % 3 === 2 && kp[i]! > 0).length;
  }
  const problem = checkLabelGeometry(out, size);
  if (problem) throw new FormatParseError(file, shape.line, problem.field, problem.why);
  return out;
}

/** COCO keypoints [x, y, v, ...] in pixels; with 2 dims a point at (0, 0) is absent (v = 0). */
function poseKeypoints(k: readonly number[], W: number, H: number, dims: 2 | 3): number[] {
  const out: number[] = [];
  for (let i = 0; i + dims <= k.length; i += dims) {
    const [x, y] = [k[i]!, k[i + 1]!];
    const v = dims === 3 ? Math.round(k[i + 2]!) : x === 0 && y === 0 ? 0 : 2;
    out.push(px(x * W), px(y * H), v);
  }
  return out;
}

const px = (v: number) => Math.round(v * 1e4) / 1e4;

function extent(ring: readonly number[]): number[] {
  const [x, y, w, h] = pointExtent(ring);
  return [x, y, px(w), px(h)];
}

function namesRange(names: ReadonlyMap<number, string>): string {
  const ids = [...names.keys()].sort((a, b) => a - b);
  return ids.length === 0 ? 'none' : `${ids[0]}..${ids[ids.length - 1]}`;
}

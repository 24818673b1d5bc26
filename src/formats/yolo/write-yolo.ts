/**
 * Label contents -> YOLO lines and `data.yaml` (layer: formats).
 *
 * `yoloNumbers` is how a label is drawn in YOLO, shared by the exporter and by re-import
 * matching (so "unchanged in the file" means "unchanged label"):
 * - detect: the label's box (`bbox`, else its polygon's extent) as `cx cy w h`;
 * - segment: its polygon rings one after another as one ring (YOLO has one polygon per line);
 *   a label with only a box (or an RLE mask with a `bbox`) as the box's 4 corners;
 * - pose: the box, then every keypoint `x y v`.
 * Coordinates are clamped to the image (YOLO readers drop labels outside 0..1). A label with
 * nothing to draw (a class tag, keypoints without a box in detect/segment) gives undefined and
 * is not written. Lines use 6 decimals.
 */
import type { JsonValue } from '../../core/canonical.js';
import type { ImageSize } from '../../dataset/label-geometry.js';
import type { LabelContent } from '../../dataset/label-line.js';
import { labelBox } from '../../dataset/label-overlap.js';
import type { YoloShapeKind } from './read-yolo.js';

export function yoloNumbers(
  content: LabelContent,
  size: ImageSize,
  kind: YoloShapeKind,
): number[] | undefined {
  const nx = (x: number) => clamp01(x / size.width);
  const ny = (y: number) => clamp01(y / size.height);
  const box = labelBox(content);
  if (kind === 'segment') {
    const rings = polygonRings(content['segmentation']);
    if (rings) return rings.flatMap((r) => r.map((v, i) => (i % 2 === 0 ? nx(v) : ny(v))));
    if (!box) return undefined;
    const [x0, y0, x1, y1] = [nx(box[0]), ny(box[1]), nx(box[0] + box[2]), ny(box[1] + box[3])];
    return [x0, y0, x1, y0, x1, y1, x0, y1];
  }
  if (!box) return undefined;
  const [x0, y0, x1, y1] = [nx(box[0]), ny(box[1]), nx(box[0] + box[2]), ny(box[1] + box[3])];
  const out = [(x0 + x1) / 2, (y0 + y1) / 2, x1 - x0, y1 - y0];
  if (kind === 'pose') {
    const kp = content['keypoints'];
    if (!Array.isArray(kp)) return undefined;
    for (let i = 0; i + 2 < kp.length; i += 3) {
      const v = kp[i + 2] as number;
      out.push(v > 0 ? nx(kp[i] as number) : 0, v > 0 ? ny(kp[i + 1] as number) : 0, v);
    }
  }
  return out;
}

export function yoloLine(cls: number, numbers: readonly number[]): string {
  return `${cls} ${numbers.map((n) => n.toFixed(6)).join(' ')}`;
}

/**
 * `data.yaml`: one image folder per split (`train: images/train`, Ultralytics' layout: the labels
 * of `images/train/x.jpg` are `labels/train/x.txt`), names in index order.
 */
export function yoloDataYaml(names: readonly string[], splits: readonly string[]): string {
  const lines = ['# Written by verso export --format yolo', 'path: .'];
  const plain = (v: string) =>
    /^[A-Za-z0-9_./-]+$/.test(v) && !/^[.-]/.test(v) ? v : JSON.stringify(v);
  for (const s of splits) lines.push(`${plain(s)}: ${plain(`images/${s}`)}`);
  lines.push(`nc: ${names.length}`, 'names:');
  names.forEach((n, i) => lines.push(`  ${i}: ${JSON.stringify(n)}`));
  return lines.join('\n') + '\n';
}

function polygonRings(seg: JsonValue | undefined): number[][] | undefined {
  if (!Array.isArray(seg) || seg.length === 0) return undefined;
  if (!seg.every((r) => Array.isArray(r) && r.length >= 6 && r.every((v) => typeof v === 'number')))
    return undefined;
  return seg as number[][];
}

const clamp01 = (v: number) => Math.min(1, Math.max(0, v));

/**
 * Re-import matching (layer: dataset; pure): which stored label of an image an incoming label from a
 * format without label ids (YOLO, Pascal VOC, CVAT) is, so that a re-import keeps label ids and
 * `verso diff` shows only real changes. docs/formats.md, "Re-import matching".
 *
 * Per image, in two passes over the stored labels not matched yet:
 * 1. exact: same class (`labelClass`) and the same drawing in the format (`render`, the numbers
 *    the format would write for the label) within the format's `tolerance`; incoming labels in
 *    file order, each taking the first stored label that fits;
 * 2. overlap: the remaining pairs of one class with box IoU >= `MIN_MATCH_IOU`, greedily by
 *    highest IoU (ties: stored order, then incoming order).
 * A matched label keeps the stored id and review. Exact: the stored content is kept as it is
 * (no rounding noise), except non-geometry fields the format carries that differ. Overlap: the
 * carried geometry and fields are taken from the file; `area` is recomputed from the new
 * geometry; every field the format cannot represent is kept from the stored label.
 */
import { encodeValue, type JsonValue } from '../core/canonical.js';
import type { LabelContent } from './label-line.js';
import { boxIoU, labelBox, labelClass } from './label-overlap.js';
import { polygonArea } from './polygon-area.js';

/** Box IoU from which two labels of one class are taken as the same object. */
export const MIN_MATCH_IOU = 0.95;

export interface StoredLabel {
  readonly label: string;
  readonly content: LabelContent;
  readonly review: LabelContent | undefined;
}

/** What a format writes of a label, for one image (YOLO's numbers depend on the image size). */
export interface FormatPrecision {
  /** The numbers the format writes for the label's geometry; undefined when it cannot draw it. */
  render(content: LabelContent): readonly number[] | undefined;
  /** Largest difference between two renderings that the format cannot tell apart. */
  readonly tolerance: number;
  /** Geometry fields the format carries (`bbox`, `segmentation`, `keypoints`). */
  readonly geometry: readonly string[];
  /** Other content fields it carries (`category_id`, `category`, `attributes`, ...). */
  readonly fields: readonly string[];
}

/** The stored label each incoming label is (undefined: a new label), by incoming index. */
export function matchImageLabels(
  stored: readonly StoredLabel[],
  incoming: readonly LabelContent[],
  p: FormatPrecision,
): (StoredLabel | undefined)[] {
  const result: (StoredLabel | undefined)[] = incoming.map(() => undefined);
  const taken = new Set<number>();
  const drawn = stored.map((s) => p.render(s.content));
  incoming.forEach((inc, i) => {
    const cls = labelClass(inc);
    const mine = p.render(inc);
    const j = stored.findIndex(
      (s, k) =>
        !taken.has(k) && labelClass(s.content) === cls && sameNumbers(drawn[k], mine, p.tolerance),
    );
    if (j >= 0) {
      taken.add(j);
      result[i] = stored[j];
    }
  });
  const pairs: { iou: number; s: number; i: number }[] = [];
  incoming.forEach((inc, i) => {
    if (result[i]) return;
    const box = labelBox(inc);
    if (!box) return;
    stored.forEach((s, k) => {
      if (taken.has(k) || labelClass(s.content) !== labelClass(inc)) return;
      const other = labelBox(s.content);
      const iou = other ? boxIoU(box, other) : 0;
      if (iou >= MIN_MATCH_IOU) pairs.push({ iou, s: k, i });
    });
  });
  pairs.sort((a, b) => b.iou - a.iou || a.s - b.s || a.i - b.i);
  for (const { s, i } of pairs) {
    if (taken.has(s) || result[i]) continue;
    taken.add(s);
    result[i] = stored[s];
  }
  return result;
}

/** The content of a matched label: see the module comment. */
export function mergeMatched(
  stored: LabelContent,
  incoming: LabelContent,
  p: FormatPrecision,
): LabelContent {
  const exact = sameNumbers(p.render(stored), p.render(incoming), p.tolerance);
  const out: { [k: string]: JsonValue } = { ...stored };
  let changed = false;
  const take = (field: string) => {
    const next =
      field === 'attributes' ? mergeAttributes(stored[field], incoming[field]) : incoming[field];
    if (sameValue(out[field], next)) return;
    changed = true;
    if (next === undefined) delete out[field];
    else out[field] = next;
  };
  for (const f of p.fields) take(f);
  if (!exact) {
    for (const f of p.geometry) if (incoming[f] !== undefined) take(f);
    if (typeof out['area'] === 'number') out['area'] = areaOf(out, p.geometry);
  }
  return changed || !exact ? out : stored;
}

/**
 * Incoming attributes override stored ones by name (a value equal as text keeps the stored one);
 * stored names the file lacks are kept.
 */
function mergeAttributes(
  stored: JsonValue | undefined,
  incoming: JsonValue | undefined,
): JsonValue | undefined {
  if (!isObject(incoming)) return stored;
  if (!isObject(stored)) return incoming;
  const out = { ...stored };
  for (const [k, v] of Object.entries(incoming))
    if (!(k in stored && sameText(stored[k]!, v))) out[k] = v;
  return out;
}

/** Formats that write attributes as text (VOC, CVAT) give back `"1"` for a stored `1`. */
const sameText = (a: JsonValue, b: JsonValue) =>
  typeof a !== 'object' && typeof b !== 'object' ? String(a) === String(b) : sameValue(a, b);

/** Area of the geometry the format carried: its polygon when it carried one, else its box. */
function areaOf(content: LabelContent, carried: readonly string[]): JsonValue {
  const seg = content['segmentation'];
  if (carried.includes('segmentation') && Array.isArray(seg) && seg.every(Array.isArray))
    return round(polygonArea(seg as number[][]));
  const box = content['bbox'];
  if (Array.isArray(box) && typeof box[2] === 'number' && typeof box[3] === 'number')
    return round(box[2] * box[3]);
  return content['area']!;
}

const round = (x: number) => Math.round(x * 1e4) / 1e4;

export function sameNumbers(
  a: readonly number[] | undefined,
  b: readonly number[] | undefined,
  tolerance: number,
): boolean {
  if (!a || !b || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!(Math.abs(a[i]! - b[i]!) <= tolerance)) return false;
  return true;
}

function sameValue(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return Buffer.from(encodeValue(a)).equals(encodeValue(b));
}

const isObject = (v: JsonValue | undefined): v is { [k: string]: JsonValue } =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

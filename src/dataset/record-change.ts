/**
 * What changed inside one record between two versions (layer: dataset, pure): the changed
 * fields and, for a label, how its geometry moved. `verso diff` uses it for each changed key.
 *
 * Fields: objects are compared member by member, recursively, so a change names its path
 * (`attributes.difficult`; a member name holding a dot makes the path ambiguous, which labels
 * avoid); arrays and scalars are compared whole (a `bbox` is one field).
 * A member present on one side only is `before`- or `after`-less (absent, not null). Members
 * come in sorted path order. Equality is structural (canonical JSON text), so member order in
 * the stored object never shows as a change.
 *
 * Geometry (labels): when the label's box (`bbox`, else its polygon's extent) differs, the
 * movement of the box (dx, dy of its top-left corner, dw, dh) and the IoU of old and new box;
 * when keypoints differ, how many of the points visible on both sides moved and their mean
 * displacement in pixels.
 */
import type { JsonValue } from '../core/canonical.js';
import { boxIoU, labelBox } from './label-overlap.js';

export interface FieldChange {
  /** Dotted member path (`bbox`, `attributes.pose`); empty for a non-object record (a split). */
  readonly field: string;
  readonly before?: JsonValue;
  readonly after?: JsonValue;
}

export interface BoxMovement {
  readonly dx: number;
  readonly dy: number;
  readonly dw: number;
  readonly dh: number;
  readonly iou: number;
}

export interface KeypointMovement {
  /** Points visible on both sides whose position changed. */
  readonly moved: number;
  /** Mean displacement of those points, in pixels (0 when none moved). */
  readonly mean_distance: number;
}

export interface GeometryMovement {
  readonly box?: BoxMovement;
  readonly keypoints?: KeypointMovement;
}

type Obj = { readonly [k: string]: JsonValue };

const isObject = (v: JsonValue | undefined): v is Obj =>
  v !== null && v !== undefined && typeof v === 'object' && !Array.isArray(v);

/** The fields that differ between `before` and `after`, in path order. */
export function fieldChanges(before: JsonValue, after: JsonValue): FieldChange[] {
  const out: FieldChange[] = [];
  collect('', before, after, out);
  return out;
}

function collect(
  path: string,
  before: JsonValue | undefined,
  after: JsonValue | undefined,
  out: FieldChange[],
): void {
  if (isObject(before) && isObject(after)) {
    const names = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    for (const name of names)
      collect(path === '' ? name : `${path}.${name}`, before[name], after[name], out);
    return;
  }
  if (before !== undefined && after !== undefined && sameValue(before, after)) return;
  out.push({
    field: path,
    ...(before !== undefined ? { before } : {}),
    ...(after !== undefined ? { after } : {}),
  });
}

/** Structural equality (member order ignored). */
export function sameValue(a: JsonValue, b: JsonValue): boolean {
  return canonicalText(a) === canonicalText(b);
}

function canonicalText(v: JsonValue): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(canonicalText).join(',')}]`;
  const o = v as Obj;
  return `{${Object.keys(o)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonicalText(o[k]!)}`)
    .join(',')}}`;
}

/** How a label's geometry moved; undefined when neither its box nor its keypoints changed. */
export function geometryMovement(
  before: JsonValue,
  after: JsonValue,
): GeometryMovement | undefined {
  if (!isObject(before) || !isObject(after)) return undefined;
  const box = boxMovement(before, after);
  const keypoints = keypointMovement(before['keypoints'], after['keypoints']);
  if (!box && !keypoints) return undefined;
  return { ...(box ? { box } : {}), ...(keypoints ? { keypoints } : {}) };
}

function boxMovement(before: Obj, after: Obj): BoxMovement | undefined {
  const a = labelBox(before);
  const b = labelBox(after);
  if (!a || !b || a.every((v, i) => v === b[i])) return undefined;
  return {
    dx: round(b[0] - a[0]),
    dy: round(b[1] - a[1]),
    dw: round(b[2] - a[2]),
    dh: round(b[3] - a[3]),
    iou: round(boxIoU(a, b)),
  };
}

function keypointMovement(
  before: JsonValue | undefined,
  after: JsonValue | undefined,
): KeypointMovement | undefined {
  if (!Array.isArray(before) || !Array.isArray(after) || before.length !== after.length)
    return undefined;
  let moved = 0;
  let total = 0;
  for (let i = 0; i + 2 < before.length; i += 3) {
    const [x0, y0, v0, x1, y1, v1] = [
      before[i],
      before[i + 1],
      before[i + 2],
      after[i],
      after[i + 1],
      after[i + 2],
    ];
    if (typeof x0 !== 'number' || typeof y0 !== 'number' || typeof x1 !== 'number') continue;
    if (typeof y1 !== 'number' || v0 === 0 || v1 === 0) continue;
    const d = Math.hypot(x1 - x0, y1 - y0);
    if (d > 0) {
      moved++;
      total += d;
    }
  }
  if (moved === 0) return undefined;
  return { moved, mean_distance: round(total / moved) };
}

/** 4 decimals: pixel movements and IoUs read well and compare exactly in tests. */
function round(v: number): number {
  return Math.round(v * 1e4) / 1e4;
}

/**
 * From every shape a source file lists for a track to the keyframes worth storing (layer:
 * dataset). Pure.
 *
 * Sources (CVAT video, MOT) list a shape for every frame; some are marked keyframes (`forced`:
 * CVAT keyframe="1", every outside marker). A shape that interpolation between the stored
 * keyframes around it reproduces, as the format writes it (`render`: CVAT's 2 decimals, MOT's
 * numbers) and with equal other fields, is not stored; every other shape is, so materializing
 * the stored keyframes (`track-interpolation.ts`) gives back every shape of the file. Greedy,
 * in one forward pass: from an anchor (a stored keyframe), reach as far as the shapes in between
 * stay reproduced, store the last shape reached, continue from it; shapes after the anchor that
 * are all the anchor held (up to the track's end, none forced) are not stored, since after the
 * last keyframe its shape is held: so a snapshot exported as CVAT (which lists a track's shape
 * up to the video's end) reads back with the keyframes it had. A run of L shapes that
 * interpolation between its forced ends reproduces (what CVAT exports) costs O(L); other runs
 * up to O(L^2).
 *
 * Normalization: the track's frames must increase; a run of frames the source skips after a
 * shape that is not outside (a MOT id absent for a while), and the frames after the last shape
 * up to the video's end, get an outside marker on the first missing frame (the last shape's
 * geometry), as CVAT itself writes them, so nothing is materialized where the source had nothing.
 */
import { between, type Keyframe } from './track-interpolation.js';
import {
  SHAPE_FIELD,
  type GeometryField,
  type KeyframeRecord,
  type TrackShape,
} from './track-record.js';

export interface SourceShape {
  readonly frame: number;
  /** Without a `keyframe` flag; `outside: true` for an outside marker. */
  readonly record: KeyframeRecord;
  /** Must be stored (a source keyframe, an outside marker). */
  readonly forced: boolean;
}

export interface ReduceOptions {
  readonly shape: TrackShape;
  /** The video's last frame. */
  readonly lastFrame: number;
  /** Frames a source lists are `step` apart (CVAT frame_filter step). */
  readonly step?: number;
  /** The geometry as the format writes it: two values that render equal are the same shape. */
  readonly render: (field: GeometryField, geometry: unknown) => string;
  /**
   * Mark a stored shape the source did not force `keyframe: false` (CVAT's keyframe="0", so an
   * export writes it back so); false for sources without keyframes (MOT). Default true.
   */
  readonly markInterpolated?: boolean;
}

export function reduceToKeyframes(source: readonly SourceShape[], opts: ReduceOptions): Keyframe[] {
  const shapes = withOutsideMarkers(source, opts);
  const field = SHAPE_FIELD[opts.shape];
  const same = (interp: KeyframeRecord, actual: KeyframeRecord) =>
    opts.render(field, interp[field]) === opts.render(field, actual[field]) &&
    otherFields(interp, field) === otherFields(actual, field);
  const out: Keyframe[] = [];
  const mark = opts.markInterpolated ?? true;
  const store = (s: SourceShape) =>
    out.push({
      frame: s.frame,
      record: s.forced || !mark ? s.record : { ...s.record, keyframe: false },
    });
  if (shapes.length === 0) return out;
  let a = 0;
  store(shapes[0]!);
  while (a < shapes.length - 1) {
    if (heldToEnd(a)) break;
    let e = a + 1;
    if (!shapes[a]!.record.outside) {
      const k = nextForced(a);
      // The common case (a CVAT export): the shapes up to the next source keyframe are its
      // interpolation, checked in one pass; else reach as far as interpolation reproduces.
      if (k > a + 1 && reaches(a, k)) e = k;
      else while (e + 1 < shapes.length && !shapes[e]!.forced && reaches(a, e + 1)) e++;
    }
    store(shapes[e]!);
    a = e;
  }
  return out;

  /** The first forced shape after `a`, else the last shape. */
  function nextForced(a: number): number {
    let k = a + 1;
    while (k < shapes.length - 1 && !shapes[k]!.forced) k++;
    return k;
  }

  /**
   * Every shape after shapes[a] is shapes[a] held (what follows the last keyframe when it is not
   * outside), none forced: storing the last of them would add nothing.
   */
  function heldToEnd(a: number): boolean {
    const p = { frame: shapes[a]!.frame, record: shapes[a]!.record };
    if (p.record.outside) return false;
    for (let j = a + 1; j < shapes.length; j++)
      if (
        shapes[j]!.forced ||
        !same(between(opts.shape, p, undefined, shapes[j]!.frame), shapes[j]!.record)
      )
        return false;
    return true;
  }

  /** Interpolating from shapes[a] to shapes[e] reproduces every shape in between. */
  function reaches(a: number, e: number): boolean {
    const p = { frame: shapes[a]!.frame, record: shapes[a]!.record };
    const n = { frame: shapes[e]!.frame, record: shapes[e]!.record };
    for (let j = a + 1; j < e; j++)
      if (!same(between(opts.shape, p, n, shapes[j]!.frame), shapes[j]!.record)) return false;
    return true;
  }
}

function withOutsideMarkers(source: readonly SourceShape[], opts: ReduceOptions): SourceShape[] {
  const step = opts.step ?? 1;
  const out: SourceShape[] = [];
  const marker = (s: SourceShape): SourceShape => ({
    frame: s.frame + step,
    record: { ...s.record, outside: true },
    forced: true,
  });
  for (let i = 0; i < source.length; i++) {
    const s = source[i]!;
    out.push(s);
    const next = source[i + 1];
    if (s.record.outside) continue;
    if (next ? next.frame > s.frame + step : s.frame + step <= opts.lastFrame) out.push(marker(s));
  }
  return out;
}

/** Every field but the geometry and the keyframe flag, in a canonical text. */
function otherFields(r: KeyframeRecord, field: GeometryField): string {
  const { [field]: _g, keyframe: _k, ...rest } = r;
  return stableJson(rest);
}

function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  if (v !== null && typeof v === 'object')
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(v);
}

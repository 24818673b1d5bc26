/**
 * A track's shape at any frame, from its keyframes (layer: dataset). Pure.
 *
 * CVAT's semantics (docs/architecture.md, "Video tracks"), for keyframes sorted by frame:
 * - before the first keyframe, and after the video's last frame: no shape;
 * - at a keyframe: that keyframe, as stored (an `outside` keyframe is a shape marked outside);
 * - after an `outside` keyframe, up to the next keyframe: no shape;
 * - between keyframes p and n (p not outside): p's record with its geometry interpolated
 *   linearly, t = (f - p.frame) / (n.frame - p.frame), each number a + (b - a) * t: the box
 *   [x, y, w, h], polyline and polygon coordinates (when both keyframes have as many), keypoints
 *   x, y (when both keyframes see the point; else p's); every other field (occluded,
 *   attributes, z_order, confidence, visibility) is p's;
 * - after the last keyframe, when it is not outside: its shape, held to the video's last frame.
 * A materialized shape is never marked outside and carries no `keyframe` flag.
 * `shapeAt` is the reference; `materializeTrack` walks a frame range in one pass.
 */
import { SHAPE_FIELD, type KeyframeRecord, type TrackShape } from './track-record.js';

export interface Keyframe {
  readonly frame: number;
  readonly record: KeyframeRecord;
}

export interface FrameShape {
  readonly frame: number;
  readonly record: KeyframeRecord;
  /** Stored as a keyframe (true) or interpolated (false). */
  readonly keyframe: boolean;
}

/** Index of the last keyframe at or before `frame`, or -1. */
function lastAtOrBefore(keyframes: readonly Keyframe[], frame: number): number {
  let lo = 0;
  let hi = keyframes.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (keyframes[mid]!.frame <= frame) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/** The track's shape at `frame`, or undefined where it has none. */
export function shapeAt(
  shape: TrackShape,
  keyframes: readonly Keyframe[],
  frame: number,
  lastFrame: number,
): FrameShape | undefined {
  if (frame > lastFrame) return undefined;
  const i = lastAtOrBefore(keyframes, frame);
  if (i < 0) return undefined;
  const p = keyframes[i]!;
  if (p.frame === frame) return { frame, record: p.record, keyframe: true };
  if (p.record.outside) return undefined;
  const n = keyframes[i + 1];
  return { frame, record: between(shape, p, n, frame), keyframe: false };
}

/** Every shape of frames from..to (inclusive, every `step`-th frame), in frame order. */
export function* materializeTrack(
  shape: TrackShape,
  keyframes: readonly Keyframe[],
  from: number,
  to: number,
  lastFrame: number,
  step = 1,
): Generator<FrameShape> {
  const end = Math.min(to, lastFrame);
  let i = lastAtOrBefore(keyframes, from);
  for (let f = from; f <= end; f += step) {
    while (i + 1 < keyframes.length && keyframes[i + 1]!.frame <= f) i++;
    if (i < 0) continue;
    const p = keyframes[i]!;
    if (p.frame === f) yield { frame: f, record: p.record, keyframe: true };
    else if (!p.record.outside)
      yield { frame: f, record: between(shape, p, keyframes[i + 1], f), keyframe: false };
  }
}

/** p's record at `frame` (p.frame < frame < n.frame), geometry interpolated towards n. */
export function between(
  shape: TrackShape,
  p: Keyframe,
  n: Keyframe | undefined,
  frame: number,
): KeyframeRecord {
  const { keyframe: _flag, ...held } = p.record;
  if (!n) return held;
  const t = (frame - p.frame) / (n.frame - p.frame);
  const field = SHAPE_FIELD[shape];
  const a = p.record[field];
  const b = n.record[field];
  if (a === undefined || b === undefined) return held;
  return { ...held, [field]: interpolateGeometry(field, a, b, t) };
}

type Geometry = NonNullable<KeyframeRecord['bbox' | 'keypoints' | 'segmentation' | 'polyline']>;

export function interpolateGeometry(
  field: 'bbox' | 'keypoints' | 'segmentation' | 'polyline',
  a: Geometry,
  b: Geometry,
  t: number,
): Geometry {
  if (field === 'segmentation') {
    const ra = a as readonly (readonly number[])[];
    const rb = b as readonly (readonly number[])[];
    if (ra.length !== rb.length || ra.some((r, i) => r.length !== rb[i]!.length)) return a;
    return ra.map((r, i) => lerpAll(r, rb[i]!, t));
  }
  const na = a as readonly number[];
  const nb = b as readonly number[];
  if (na.length !== nb.length) return a;
  if (field !== 'keypoints') return lerpAll(na, nb, t);
  const out = na.slice();
  for (let k = 0; k < na.length; k += 3) {
    if (na[k + 2] === 0 || nb[k + 2] === 0) continue;
    out[k] = lerp(na[k]!, nb[k]!, t);
    out[k + 1] = lerp(na[k + 1]!, nb[k + 1]!, t);
  }
  return out;
}

export const lerp = (a: number, b: number, t: number) => a + (b - a) * t;
const lerpAll = (a: readonly number[], b: readonly number[], t: number) =>
  a.map((x, i) => lerp(x, b[i]!, t));

/**
 * What an edit did to a track, frame by frame, as frame ranges (layer: dataset). Pure.
 *
 * Per frame f, with a and b the track's shapes before and after (`shapeAt`), visible meaning a
 * shape not marked outside: both visible and different (geometry or any other field) is
 * `moved`; only b visible is `added`; only a visible is `outside` (the object left, or the track
 * lost those frames). Consecutive frames of one kind are one range.
 *
 * `trackFrameChanges` looks only where the keyframes changed: a keyframe edit at frame f can
 * change frames from the keyframe before f to the keyframe after f (in either version; to the
 * video's end after the last), so only those ranges are materialized: O(changed ranges), not
 * O(frames). `bruteForceFrameChanges` compares every frame: the reference it is tested against.
 * Its steps (`changeSpan`, `addSpan`, `spanFrameChanges`) each need only the keyframes around
 * one change or span, so a reader can fetch just those (`api/read/track-frame-changes.ts`).
 */
import { shapeAt, type FrameShape, type Keyframe } from './track-interpolation.js';
import type { TrackShape } from './track-record.js';

export type FrameChangeKind = 'moved' | 'added' | 'outside';

export interface FrameRange {
  readonly kind: FrameChangeKind;
  readonly from: number;
  readonly to: number;
}

const visible = (s: FrameShape | undefined) => s !== undefined && !s.record.outside;

function shapeText(s: FrameShape): string {
  const { keyframe: _k, ...rest } = s.record;
  return JSON.stringify(rest, Object.keys(rest).sort());
}

function frameChange(
  a: FrameShape | undefined,
  b: FrameShape | undefined,
): FrameChangeKind | undefined {
  if (visible(a) && visible(b)) return shapeText(a!) === shapeText(b!) ? undefined : 'moved';
  if (visible(b)) return 'added';
  if (visible(a)) return 'outside';
  return undefined;
}

/** Appends frame f's change to `out`, growing the last range when it continues it. */
function push(out: FrameRange[], kind: FrameChangeKind | undefined, f: number): void {
  if (!kind) return;
  const last = out.at(-1);
  if (last && last.kind === kind && last.to === f - 1) out[out.length - 1] = { ...last, to: f };
  else out.push({ kind, from: f, to: f });
}

export function bruteForceFrameChanges(
  shape: TrackShape,
  before: readonly Keyframe[],
  after: readonly Keyframe[],
  lastFrame: number,
): FrameRange[] {
  const out: FrameRange[] = [];
  for (let f = 0; f <= lastFrame; f++)
    push(
      out,
      frameChange(shapeAt(shape, before, f, lastFrame), shapeAt(shape, after, f, lastFrame)),
      f,
    );
  return out;
}

/** Frames from..to, inclusive. */
export type FrameSpan = readonly [from: number, to: number];

/** The frame ranges that changed, given the frames whose keyframes changed (sorted). */
export function trackFrameChanges(
  shape: TrackShape,
  before: readonly Keyframe[],
  after: readonly Keyframe[],
  changedFrames: readonly number[],
  lastFrame: number,
): FrameRange[] {
  const spans: [number, number][] = [];
  for (const f of changedFrames) addSpan(spans, changeSpan(before, after, f, lastFrame));
  const out: FrameRange[] = [];
  for (const span of spans) spanFrameChanges(shape, before, after, span, lastFrame, out);
  return out;
}

/**
 * The frames a change of the keyframe at f can alter: from the keyframe before f to the one
 * after it, in either version (to the video's end after the last). Of each version only f's
 * neighbours are looked at: any run of its keyframes holding the last one before f and the first
 * one after f (when they exist) gives the same span.
 */
export function changeSpan(
  before: readonly Keyframe[],
  after: readonly Keyframe[],
  f: number,
  lastFrame: number,
): FrameSpan {
  const from = Math.min(f, prevFrame(before, f), prevFrame(after, f));
  const to = Math.min(
    lastFrame,
    Math.max(f, nextFrame(before, f, lastFrame), nextFrame(after, f, lastFrame)),
  );
  return [from, to];
}

/** Adds `span` to `spans` (sorted by start), joining it to the last one when they touch. */
export function addSpan(spans: [number, number][], [from, to]: FrameSpan): void {
  const last = spans.at(-1);
  if (last && from <= last[1] + 1) last[1] = Math.max(last[1], to);
  else spans.push([from, to]);
}

/**
 * Appends the changes of the frames of `span` to `out` (after the ranges already there). Of
 * each version only a run of keyframes is looked at: the last one at or before the span's
 * first frame through the first one after its last frame (`shapeAt` needs no other).
 */
export function spanFrameChanges(
  shape: TrackShape,
  before: readonly Keyframe[],
  after: readonly Keyframe[],
  [from, to]: FrameSpan,
  lastFrame: number,
  out: FrameRange[],
): void {
  for (let f = from; f <= to; f++)
    push(
      out,
      frameChange(shapeAt(shape, before, f, lastFrame), shapeAt(shape, after, f, lastFrame)),
      f,
    );
}

/** The frame of the last keyframe before f, else f. */
function prevFrame(ks: readonly Keyframe[], f: number): number {
  let lo = 0;
  let hi = ks.length - 1;
  let found = f;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (ks[mid]!.frame < f) {
      found = ks[mid]!.frame;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/** The frame of the first keyframe after f, else the video's last frame. */
function nextFrame(ks: readonly Keyframe[], f: number, lastFrame: number): number {
  let lo = 0;
  let hi = ks.length - 1;
  let found = lastFrame;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (ks[mid]!.frame > f) {
      found = ks[mid]!.frame;
      hi = mid - 1;
    } else lo = mid + 1;
  }
  return found;
}

/** "frames 120-180 moved, 181-240 now outside". */
export function frameRangesText(ranges: readonly FrameRange[]): string {
  const words = { moved: 'moved', added: 'added', outside: 'now outside' };
  return ranges
    .map(
      (r, i) =>
        `${i === 0 ? 'frames ' : ''}${r.from === r.to ? r.from : `${r.from}-${r.to}`} ${words[r.kind]}`,
    )
    .join(', ');
}

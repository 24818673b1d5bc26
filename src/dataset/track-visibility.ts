/**
 * Where a video track is visible (layer: dataset; pure): the runs of frames where interpolation
 * materializes a shape not marked outside (`track-interpolation.ts` `shapeAt` semantics: nothing
 * before the first keyframe; from a keyframe to the next one, that keyframe's `outside`; after
 * the last one, held to the video's last frame). O(keyframes), not O(frames); a property test
 * checks it against `shapeAt` at every frame.
 */
import type { Keyframe } from './track-interpolation.js';

export type FrameSpan = [from: number, to: number];

export interface TrackVisibility {
  /** Frames where the track is visible. */
  readonly length: number;
  readonly first: number | null;
  readonly last: number | null;
  /** The runs of visible frames, ascending and apart. */
  readonly spans: readonly FrameSpan[];
}

/** The visible runs of a track's keyframes (in frame order) in a video whose last frame is `lastFrame`. */
export function visibleSpans(keyframes: readonly Keyframe[], lastFrame: number): FrameSpan[] {
  const spans: FrameSpan[] = [];
  keyframes.forEach((k, i) => {
    if (k.record.outside || k.frame > lastFrame) return;
    const next = keyframes[i + 1];
    const to = Math.min(next ? next.frame - 1 : lastFrame, lastFrame);
    const last = spans.at(-1);
    if (last && last[1] === k.frame - 1) last[1] = to;
    else spans.push([k.frame, to]);
  });
  return spans;
}

export function trackVisibility(
  keyframes: readonly Keyframe[],
  lastFrame: number,
): TrackVisibility {
  const spans = visibleSpans(keyframes, lastFrame);
  return {
    length: spans.reduce((n, [a, b]) => n + b - a + 1, 0),
    first: spans[0]?.[0] ?? null,
    last: spans.at(-1)?.[1] ?? null,
    spans,
  };
}

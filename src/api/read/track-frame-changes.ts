/**
 * A changed track's frame ranges, read from the two versions' `keyframes` trees (layer: api).
 *
 * The result is `trackFrameChanges` (`dataset/track-change.ts`) over the two whole keyframe
 * lists, but only the keyframes around the changes are read (`trackKeyframesAround`): for each
 * changed keyframe, its neighbours in both versions give the frames it can alter
 * (`changeSpan`); for each span of such frames, the keyframes from the one at or before its
 * first frame to the one after its last give the shapes (`spanFrameChanges`). The cost is
 * O(changes x depth) node reads plus the keyframes inside the spans, not the track's length.
 *
 * When the changes are dense (more than WHOLE_TRACK_DENSITY of the track's keyframes, counted
 * in O(depth) from the subtree counts), the two whole tracks are read once instead: past that
 * point the windows' descents cost more than one scan of the track. Both ways give the same
 * ranges (`track-frame-changes.test.ts` checks each against the brute-force diff).
 */
import {
  addSpan,
  changeSpan,
  spanFrameChanges,
  trackFrameChanges,
  type FrameRange,
} from '../../dataset/track-change.js';
import type { TrackShape } from '../../dataset/track-record.js';
import type { NodeStore } from '../../tree/node-store.js';
import { trackKeyframeCount, trackKeyframes, trackKeyframesAround } from './video-tracks.js';

/**
 * Changes per keyframe above which a track is read whole. Measured on a 5,400-keyframe track
 * (2026-12-07, load ~5 on 2 cores): one change's windows take ~0.25 ms (four O(depth) descents
 * in each version), reading the track whole in both versions 20-35 ms, so they break even near
 * one change in 30-50 keyframes; windows vs whole at 100 changes 26 vs 35 ms, at 540 135 vs 69.
 */
export const WHOLE_TRACK_DENSITY = 1 / 40;

export interface TrackVersions {
  readonly nodes: NodeStore;
  /** The `keyframes` tree roots of the two versions, before and after. */
  readonly roots: readonly [before: Uint8Array, after: Uint8Array];
  readonly video: string;
  readonly track: string;
}

/** The frame ranges that changed, given the frames whose keyframes changed (sorted). */
export async function readTrackFrameChanges(
  versions: TrackVersions,
  shape: TrackShape,
  changedFrames: readonly number[],
  lastFrame: number,
  wholeTrackDensity = WHOLE_TRACK_DENSITY,
): Promise<FrameRange[]> {
  if (changedFrames.length > wholeTrackDensity * (await largerCount(versions))) {
    const [before, after] = await both(versions, trackKeyframes);
    return trackFrameChanges(shape, before, after, changedFrames, lastFrame);
  }
  const spans: [number, number][] = [];
  for (const f of changedFrames) {
    const [before, after] = await around(versions, f, f);
    addSpan(spans, changeSpan(before, after, f, lastFrame));
  }
  const out: FrameRange[] = [];
  for (const span of spans) {
    const [before, after] = await around(versions, span[0], span[1]);
    spanFrameChanges(shape, before, after, span, lastFrame, out);
  }
  return out;
}

type TrackRead<T> = (nodes: NodeStore, root: Uint8Array, video: string, track: string) => T;

/** `read` of the track in both versions. */
function both<T>({ nodes, roots, video, track }: TrackVersions, read: TrackRead<Promise<T>>) {
  return Promise.all([read(nodes, roots[0], video, track), read(nodes, roots[1], video, track)]);
}

async function largerCount(versions: TrackVersions): Promise<number> {
  return Math.max(...(await both(versions, trackKeyframeCount)));
}

/** Both versions' keyframes around frames from..to. */
function around(versions: TrackVersions, from: number, to: number) {
  return both(versions, (nodes, root, video, track) =>
    trackKeyframesAround(nodes, root, video, track, from, to),
  );
}

/**
 * `verso tracks REF [--video V] [--where EXPR]` (layer: api): the video tracks of a snapshot,
 * each with its class, keyframe count and where it is visible (`dataset/track-visibility.ts`),
 * optionally selected by a track filter (the filter language over tracks: `track.length > 100`,
 * `track.class = car and frame in 100..200`; `query/fields.ts` `resolveTrackField`).
 *
 * One scan of the `tracks` tree (of one video with `--video`), and one range scan of each
 * track's keyframes: the visible frames need them all (an outside keyframe ends a run). A filter
 * reads the track record as a label's content (`track.class` is its `category`) and the
 * summary (`RecordView.withTrack`).
 */
import type { JsonValue } from '../../core/canonical.js';
import { encodeLabelKey } from '../../dataset/label-key.js';
import { decodeTrackKey, videoRange } from '../../dataset/track-key.js';
import { decodeTrackRecord } from '../../dataset/track-record.js';
import { trackVisibility } from '../../dataset/track-visibility.js';
import { compileFilter, type Predicate } from '../../query/evaluate.js';
import { parseFilter } from '../../query/parser.js';
import { RecordView } from '../../query/record-view.js';
import { scan } from '../../tree/read.js';
import { treeRoot } from '../../vcs/snapshot.js';
import { snapshotAtRef } from '../repository/snapshot-at.js';
import type { Repository } from '../repository/repository.js';
import { lastFrameOf, trackKeyframes } from './video-tracks.js';

export interface TrackListOptions {
  readonly video?: string;
  readonly where?: string;
}

export interface TrackListing {
  readonly video: string;
  readonly track: string;
  readonly class: string;
  readonly shape: string;
  readonly attributes?: { readonly [k: string]: JsonValue };
  readonly annotator?: string;
  readonly keyframes: number;
  /** Frames where the track is visible, the first and last of them (null: never visible). */
  readonly length: number;
  readonly first: number | null;
  readonly last: number | null;
}

export async function* listTracks(
  repo: Repository,
  ref: string,
  opts: TrackListOptions = {},
): AsyncGenerator<TrackListing> {
  const predicate: Predicate | undefined =
    opts.where === undefined
      ? undefined
      : compileFilter(parseFilter(opts.where, { now: repo.clock.queryNow(), subject: 'tracks' }));
  const { snap } = await snapshotAtRef(repo, ref);
  const view = new RecordView();
  const lastFrames = new Map<string, number>();
  const range = opts.video === undefined ? {} : videoRange(opts.video);
  for await (const [key, value] of scan(repo.nodes, treeRoot(snap, 'tracks'), range)) {
    const { video, track } = decodeTrackKey(key);
    let lastFrame = lastFrames.get(video);
    if (lastFrame === undefined)
      lastFrames.set(video, (lastFrame = await lastFrameOf(repo, snap, video)));
    const keyframes = await trackKeyframes(repo.nodes, treeRoot(snap, 'keyframes'), video, track);
    const visible = trackVisibility(keyframes, lastFrame);
    const summary = { ...visible, keyframes: keyframes.length };
    if (predicate && !predicate(view.reset(encodeLabelKey(video, track), value).withTrack(summary)))
      continue;
    const record = decodeTrackRecord(value);
    yield {
      video,
      track,
      class: record.category,
      shape: record.shape,
      ...(record.attributes !== undefined ? { attributes: record.attributes } : {}),
      ...(record.annotator !== undefined ? { annotator: record.annotator } : {}),
      keyframes: keyframes.length,
      length: visible.length,
      first: visible.first,
      last: visible.last,
    };
  }
}

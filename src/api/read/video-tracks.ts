/**
 * Reading video tracks from a snapshot (layer: api): a video's asset record, and each track
 * with its keyframes in frame order. One range scan of the `tracks` tree per video and one of
 * the `keyframes` tree per track (a track's keyframes are one key range, `track-key.ts`); or,
 * for a frame range, only the track's keyframes around it (`trackKeyframesAround`: O(depth)
 * node reads plus the keyframes in the range); or only their count (`trackKeyframeCount`).
 * Materializing the shapes is `dataset/track-interpolation.ts`; `keyframeStream` reads one
 * track's keyframes as they are consumed (the per-frame exports, `dataset/track-frames.ts`).
 */
import { decodeAssetRecord, type AssetRecord } from '../../dataset/asset-record.js';
import { encodeImageKey } from '../../dataset/label-key.js';
import type { Keyframe } from '../../dataset/track-interpolation.js';
import {
  decodeKeyframeKey,
  decodeTrackKey,
  encodeKeyframeKey,
  encodeTrackKey,
  trackKeyframeRange,
  videoRange,
} from '../../dataset/track-key.js';
import {
  decodeKeyframeRecord,
  decodeTrackRecord,
  type TrackRecord,
} from '../../dataset/track-record.js';
import { compareBytes } from '../../tree/bytes.js';
import type { NodeStore } from '../../tree/node-store.js';
import { countRange, entryAt, getValue, rankOf, scan, type Entry } from '../../tree/read.js';
import { treeRoot, type Snapshot } from '../../vcs/snapshot.js';
import type { Repository } from '../repository/repository.js';
import { AssetNotFoundError } from './read-errors.js';

export interface StoredTrack {
  readonly video: string;
  readonly id: string;
  readonly track: TrackRecord;
  readonly keyframes: readonly Keyframe[];
}

/** The video's asset record; a video without one (or one without a frame count) is not found. */
export async function videoAsset(
  repo: Repository,
  snapshot: Snapshot,
  video: string,
  ref = 'the snapshot',
): Promise<AssetRecord & { readonly frame_count: number }> {
  const bytes = await getValue(repo.nodes, treeRoot(snapshot, 'assets'), encodeImageKey(video));
  const record = bytes && decodeAssetRecord(bytes);
  if (!record || record.frame_count === undefined) throw new AssetNotFoundError(ref, video);
  return record as AssetRecord & { frame_count: number };
}

/** The ids of the videos that have tracks, in key order. */
export async function trackedVideos(repo: Repository, snapshot: Snapshot): Promise<string[]> {
  const out: string[] = [];
  for await (const [key] of scan(repo.nodes, treeRoot(snapshot, 'tracks'))) {
    const { video } = decodeTrackKey(key);
    if (out.at(-1) !== video) out.push(video);
  }
  return out;
}

/** Every track of `video` with its keyframes. */
export async function* videoTracks(
  repo: Repository,
  snapshot: Snapshot,
  video: string,
): AsyncGenerator<StoredTrack> {
  for await (const { id, track } of videoTrackRecords(repo, snapshot, video))
    yield {
      video,
      id,
      track,
      keyframes: await trackKeyframes(repo.nodes, treeRoot(snapshot, 'keyframes'), video, id),
    };
}

/** Every track record of `video` (without its keyframes), in track id order. */
export async function* videoTrackRecords(
  repo: Repository,
  snapshot: Snapshot,
  video: string,
): AsyncGenerator<{ readonly id: string; readonly track: TrackRecord }> {
  for await (const [key, value] of scan(
    repo.nodes,
    treeRoot(snapshot, 'tracks'),
    videoRange(video),
  ))
    yield { id: decodeTrackKey(key).track, track: decodeTrackRecord(value) };
}

/** Every keyframe of the track, in frame order. */
export async function trackKeyframes(
  nodes: NodeStore,
  keyframesRoot: Uint8Array,
  video: string,
  track: string,
): Promise<Keyframe[]> {
  const out: Keyframe[] = [];
  for await (const k of keyframeStream(nodes, keyframesRoot, video, track)) out.push(k);
  return out;
}

/** A track's keyframes in frame order, read as they are consumed (one range scan). */
export async function* keyframeStream(
  nodes: NodeStore,
  keyframesRoot: Uint8Array,
  video: string,
  track: string,
): AsyncGenerator<Keyframe> {
  for await (const entry of scan(nodes, keyframesRoot, trackKeyframeRange(video, track)))
    yield keyframeOf(entry);
}

/** How many keyframes the track has (O(depth) node reads, from the subtree counts). */
export function trackKeyframeCount(
  nodes: NodeStore,
  keyframesRoot: Uint8Array,
  video: string,
  track: string,
): Promise<number> {
  return countRange(nodes, keyframesRoot, trackKeyframeRange(video, track));
}

/**
 * The run of the track's keyframes around frames from..to: the last one before `from`, every
 * one in from..to and the first one after `to` (those that exist), in frame order. One rank
 * lookup and one positional read for the keyframe before (O(depth) node reads), then a range
 * scan from `from` that stops at the first keyframe after `to`, never past the track.
 */
export async function trackKeyframesAround(
  nodes: NodeStore,
  keyframesRoot: Uint8Array,
  video: string,
  track: string,
  from: number,
  to: number,
): Promise<Keyframe[]> {
  const { start: trackStart, end: trackEnd } = trackKeyframeRange(video, track);
  const start = encodeKeyframeKey(video, track, from);
  const out: Keyframe[] = [];
  const rank = await rankOf(nodes, keyframesRoot, start);
  const previous = rank > 0 ? await entryAt(nodes, keyframesRoot, rank - 1) : undefined;
  if (previous && compareBytes(previous[0], trackStart) >= 0) out.push(keyframeOf(previous));
  for await (const entry of scan(nodes, keyframesRoot, { start, end: trackEnd })) {
    const keyframe = keyframeOf(entry);
    out.push(keyframe);
    if (keyframe.frame > to) break;
  }
  return out;
}

const keyframeOf = ([key, value]: Entry): Keyframe => ({
  frame: decodeKeyframeKey(key).frame,
  record: decodeKeyframeRecord(value),
});

/** The record of one track in a snapshot, or undefined when the video has no such track. */
export async function trackRecordAt(
  repo: Repository,
  s: Snapshot,
  video: string,
  track: string,
): Promise<TrackRecord | undefined> {
  const bytes = await getValue(repo.nodes, treeRoot(s, 'tracks'), encodeTrackKey(video, track));
  return bytes && decodeTrackRecord(bytes);
}

/** The video's last frame (its asset's `frame_count` - 1; 0 without one). */
export async function lastFrameOf(repo: Repository, s: Snapshot, video: string): Promise<number> {
  const bytes = await getValue(repo.nodes, treeRoot(s, 'assets'), encodeImageKey(video));
  const count = bytes ? decodeAssetRecord(bytes).frame_count : undefined;
  return count === undefined ? 0 : Math.max(0, count - 1);
}

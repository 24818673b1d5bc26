/**
 * A video's tracks as per-frame boxes, for the image-by-image exports (COCO, YOLO) (layer: api).
 *
 * A video (an asset record with `frame_count`) is written as one image per frame, named
 * `<video>/frame_<frame>` (`videoFrameName`: the stored frame number, zero-padded to 6 digits
 * as CVAT names extracted frames, `frame_000123`). Each frame carries the boxes of the video's
 * box tracks visible there, interpolated from the keyframes (`dataset/track-frames.ts`); a
 * track that is outside is absent. Frames are produced one at a time, each track's keyframes
 * read as the frames pass them: the video's track records and two keyframes a track are held,
 * never its boxes nor all its keyframes. Shapes of other tracks
 * (points, skeletons, polygons, polylines) are counted per frame as `skipped`. The classes of
 * the tracks feed the export's category list (`trackClasses`).
 */
import type { JsonValue } from '../../core/canonical.js';
import { encodeValue } from '../../core/canonical.js';
import { framesOfTracks, videoFrames } from '../../dataset/track-frames.js';
import type { KeyframeRecord, TrackRecord } from '../../dataset/track-record.js';
import { decodeTrackRecord } from '../../dataset/track-record.js';
import { scan } from '../../tree/read.js';
import { treeRoot, type Snapshot } from '../../vcs/snapshot.js';
import { keyframeStream, videoTrackRecords } from '../read/video-tracks.js';
import type { Repository } from '../repository/repository.js';

type Obj = { readonly [k: string]: JsonValue };

/** Digits of the frame number in a frame's name (CVAT's `frame_000000`); more when needed. */
const FRAME_NAME_DIGITS = 6;

export function videoFrameName(video: string, frame: number): string {
  return `${video}/frame_${String(frame).padStart(FRAME_NAME_DIGITS, '0')}`;
}

/** A video's asset record as read by the exports: one with a `frame_count`. */
export interface VideoRecord extends Obj {
  readonly frame_count: number;
}

export const isVideoRecord = (asset: Obj | undefined): asset is VideoRecord =>
  typeof asset?.['frame_count'] === 'number';

export interface FrameBox {
  readonly trackId: string;
  readonly track: TrackRecord;
  readonly record: KeyframeRecord;
  readonly bbox: readonly number[];
  /** Stored as a keyframe (true) or interpolated (false). */
  readonly keyframe: boolean;
}

export interface VideoFrame {
  readonly frame: number;
  /** Position in the video's frames (0, 1, ...). */
  readonly index: number;
  readonly name: string;
  readonly boxes: readonly FrameBox[];
  /** Visible shapes of non-box tracks at this frame (not written). */
  readonly skipped: number;
}

/** Every frame of `video` (its record `asset`) with the boxes visible there, in frame order. */
export async function* videoFrameBoxes(
  repo: Repository,
  snap: Snapshot,
  video: string,
  asset: VideoRecord,
): AsyncGenerator<VideoFrame> {
  const tracks: { readonly id: string; readonly track: TrackRecord }[] = [];
  for await (const t of videoTrackRecords(repo, snap, video)) tracks.push(t);
  const keyframes = treeRoot(snap, 'keyframes');
  const frames = framesOfTracks(
    tracks.map((t) => ({
      shape: t.track.shape,
      keyframes: keyframeStream(repo.nodes, keyframes, video, t.id),
    })),
    videoFrames(asset),
  );
  for await (const f of frames) {
    const boxes: FrameBox[] = [];
    let skipped = 0;
    for (const { track, shape } of f.shapes) {
      const t = tracks[track]!;
      const bbox = shape.record.bbox;
      if (t.track.shape !== 'box' || !bbox) skipped++;
      else
        boxes.push({
          trackId: t.id,
          track: t.track,
          record: shape.record,
          bbox,
          keyframe: shape.keyframe,
        });
    }
    yield { frame: f.frame, index: f.index, name: videoFrameName(video, f.frame), boxes, skipped };
  }
}

/** Each track's class as a label's class members (`{category}`), for `UsedClasses`. */
export async function* trackClasses(repo: Repository, snap: Snapshot): AsyncGenerator<Uint8Array> {
  for await (const [, value] of scan(repo.nodes, treeRoot(snap, 'tracks')))
    yield encodeValue({ category: decodeTrackRecord(value).category });
}

/**
 * A frame's box as COCO annotation content: the track's class, the box, its area, and CVAT's
 * per-annotation attributes (`occluded`, `keyframe`, `track_id`, then the track's and the
 * frame's own attributes).
 */
export function frameBoxContent(box: FrameBox): Obj {
  const [, , w, h] = box.bbox;
  const id = Number(box.trackId);
  return {
    category: box.track.category,
    bbox: [...box.bbox],
    area: (w ?? 0) * (h ?? 0),
    iscrowd: 0,
    attributes: {
      ...box.track.attributes,
      ...box.record.attributes,
      occluded: box.record.occluded === true,
      keyframe: box.keyframe,
      track_id: Number.isSafeInteger(id) && String(id) === box.trackId ? id : box.trackId,
    },
  };
}

/**
 * A video's tracks as per-frame labels, for the image-by-image exports (COCO, YOLO) (layer:
 * api).
 *
 * A video (an asset record with `frame_count`) is written as one image per frame, named
 * `<video>/frame_<frame>` (`videoFrameName`: the stored frame number, zero-padded to 6 digits
 * as CVAT names extracted frames, `frame_000123`). Each frame carries one label per track
 * visible there, its shape interpolated from the keyframes (`dataset/track-frames.ts`); a track
 * that is outside is absent. A frame's label is what CVAT's image export of that frame gives,
 * as the CVAT image importer maps it (`frameLabelContent`): a box's `bbox` (with `area`,
 * `iscrowd`), a polygon's `segmentation` with its extent as `bbox` (and `area`, `iscrowd`), a
 * polyline's `polyline` with its extent, points' and skeletons' `keypoints`; each with the
 * track's class and CVAT's per-annotation attributes. A writer leaves out what its format cannot
 * hold (YOLO: a frame label without a box, or without a polygon for `yolo-seg`) and counts it.
 * Frames are produced one at a time, each track's keyframes read as the frames pass them: the
 * video's track records and two keyframes a track are held, never its shapes nor all its
 * keyframes. The classes of the tracks feed the export's category list (`trackClasses`).
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
import { pointExtent } from '../../dataset/label-overlap.js';
import { polygonArea } from '../../dataset/polygon-area.js';

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

export interface VideoFrame {
  readonly frame: number;
  /** Position in the video's frames (0, 1, ...). */
  readonly index: number;
  readonly name: string;
  /** One label content per track visible at the frame (`frameLabelContent`). */
  readonly labels: readonly Obj[];
}

/** Every frame of `video` (its record `asset`) with the tracks visible there, in frame order. */
export async function* videoFrameLabels(
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
    const labels = f.shapes.map(({ track, shape }) =>
      frameLabelContent(tracks[track]!.id, tracks[track]!.track, shape.record, shape.keyframe),
    );
    yield { frame: f.frame, index: f.index, name: videoFrameName(video, f.frame), labels };
  }
}

/** Each track's class as a label's class members (`{category}`), for `UsedClasses`. */
export async function* trackClasses(repo: Repository, snap: Snapshot): AsyncGenerator<Uint8Array> {
  for await (const [, value] of scan(repo.nodes, treeRoot(snap, 'tracks')))
    yield encodeValue({ category: decodeTrackRecord(value).category });
}

/**
 * A track's shape at one frame as label content: the track's class, the geometry (see the
 * header), and CVAT's per-annotation attributes (the track's and the frame's own, then
 * `occluded`, `keyframe`, `track_id`).
 */
export function frameLabelContent(
  trackId: string,
  track: TrackRecord,
  record: KeyframeRecord,
  keyframe: boolean,
): Obj {
  const id = Number(trackId);
  const attributes = {
    ...track.attributes,
    ...record.attributes,
    occluded: record.occluded === true,
    keyframe,
    track_id: Number.isSafeInteger(id) && String(id) === trackId ? id : trackId,
  };
  const category = track.category;
  switch (track.shape) {
    case 'box': {
      const bbox = [...(record.bbox ?? [])];
      return { category, bbox, area: (bbox[2] ?? 0) * (bbox[3] ?? 0), iscrowd: 0, attributes };
    }
    case 'polygon': {
      const segmentation = (record.segmentation ?? []).map((ring) => [...ring]);
      const bbox = [...pointExtent(segmentation.flat())];
      return {
        category,
        segmentation,
        bbox,
        area: polygonArea(segmentation),
        iscrowd: 0,
        attributes,
      };
    }
    case 'polyline': {
      const polyline = [...(record.polyline ?? [])];
      return { category, polyline, bbox: [...pointExtent(polyline)], attributes };
    }
    case 'points':
    case 'skeleton':
      return { category, keypoints: [...(record.keypoints ?? [])], attributes };
  }
}

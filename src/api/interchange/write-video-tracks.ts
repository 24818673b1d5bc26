/**
 * The sink of the video importers (CVAT for video, MOT): videos with their tracks and
 * keyframes become the branch's next snapshot in one commit (layer: api).
 *
 * Semantics (docs/formats.md, "Video tracks"): each video of the import is replaced whole: its
 * asset record is put, and its tracks and keyframes become exactly the import's (a track or
 * keyframe of that video the import lacks is removed); other videos, and every image record,
 * are kept. A video id that names an image of the branch (an asset record without
 * `frame_count`) is refused: putting the video's record would replace the image's (its size,
 * its bytes' hash). Records are encoded (and checked: `track-record.ts`) before anything is written,
 * and the trees change by one batched mutation each, so the cost follows the import, and an
 * error leaves the branch where it was. An import that changes nothing makes no commit.
 */
import type { JsonValue } from '../../core/canonical.js';
import { InvalidArgumentError } from '../../core/errors.js';
import { hashToHex, hexToHash } from '../../core/hash.js';
import {
  decodeAssetRecord,
  encodeAssetRecord,
  type AssetRecord,
} from '../../dataset/asset-record.js';
import type { ChangeCounts } from '../../dataset/change-counts.js';
import { encodeImageKey } from '../../dataset/label-key.js';
import type { Keyframe } from '../../dataset/track-interpolation.js';
import { encodeKeyframeKey, encodeTrackKey, videoRange } from '../../dataset/track-key.js';
import {
  encodeKeyframeRecord,
  encodeTrackRecord,
  type TrackRecord,
} from '../../dataset/track-record.js';
import type { TreeName } from '../../dataset/tree-names.js';
import { compareBytes } from '../../tree/bytes.js';
import { mutateTreeCounting, type Edit } from '../../tree/mutate.js';
import { getValue, scan } from '../../tree/read.js';
import type { Repository } from '../repository/repository.js';
import type { CommitResult } from '../write/commit-to-branch.js';
import { writeToBranch } from '../write/write-to-branch.js';

export interface ImportedTrack {
  readonly id: string;
  readonly track: TrackRecord;
  readonly keyframes: readonly Keyframe[];
}

export interface ImportedVideo {
  readonly video: string;
  readonly asset: AssetRecord;
  readonly tracks: readonly ImportedTrack[];
}

export interface VideoImportResult extends CommitResult {
  readonly kind: 'video';
  readonly videos: number;
  readonly records: { readonly tracks: number; readonly keyframes: number };
  readonly tracks: ChangeCounts;
  readonly keyframes: ChangeCounts;
  readonly assets: ChangeCounts;
}

export interface VideoWriteOptions {
  readonly branch: string;
  readonly message: string;
  readonly operations: { readonly [k: string]: JsonValue };
}

export async function writeVideoTracks(
  repo: Repository,
  opts: VideoWriteOptions,
  videos: readonly ImportedVideo[],
): Promise<VideoImportResult> {
  const encoded = encodeVideos(videos);
  return writeToBranch(repo, opts.branch, async (base) => {
    const trees = base.snapshot.trees;
    await refuseImageIds(repo, hexToHash(trees.assets), videos);
    const apply = async (tree: TreeName, puts: Edit[], replace: boolean) => {
      const edits = replace ? await withRemovals(repo, hexToHash(trees[tree]), puts, videos) : puts;
      return mutateTreeCounting(repo.nodes, hexToHash(trees[tree]), edits);
    };
    const assets = await apply('assets', encoded.assets, false);
    const tracks = await apply('tracks', encoded.tracks, true);
    const keyframes = await apply('keyframes', encoded.keyframes, true);
    const records = { tracks: encoded.tracks.length, keyframes: encoded.keyframes.length };
    const counts = { tracks: tracks.counts, keyframes: keyframes.counts, assets: assets.counts };
    return {
      snapshot: {
        ...base.snapshot,
        trees: {
          ...trees,
          assets: hashToHex(assets.root),
          tracks: hashToHex(tracks.root),
          keyframes: hashToHex(keyframes.root),
        },
      },
      message: opts.message,
      operations: {
        op: 'import',
        ...opts.operations,
        videos: videos.length,
        records: { ...records },
        tracks: { ...counts.tracks },
        keyframes: { ...counts.keyframes },
      },
      report: { kind: 'video' as const, videos: videos.length, records, ...counts },
    };
  });
}

/** Refuses a video whose id is an image's (a stored asset record that is not a video's). */
async function refuseImageIds(
  repo: Repository,
  assets: Uint8Array,
  videos: readonly ImportedVideo[],
): Promise<void> {
  for (const { video } of videos) {
    const stored = await getValue(repo.nodes, assets, encodeImageKey(video));
    if (stored && decodeAssetRecord(stored).frame_count === undefined)
      throw new InvalidArgumentError(
        'video id',
        video,
        "the branch has an image of that id: the video's asset record would replace the image's; give the video another id",
      );
  }
}

/** Every record encoded (and so checked) before the write starts; edits sorted by key. */
function encodeVideos(videos: readonly ImportedVideo[]) {
  const assets: Edit[] = [];
  const tracks: Edit[] = [];
  const keyframes: Edit[] = [];
  for (const v of videos) {
    assets.push({ key: encodeImageKey(v.video), value: encodeAssetRecord(v.asset) });
    for (const t of v.tracks) {
      tracks.push({ key: encodeTrackKey(v.video, t.id), value: encodeTrackRecord(t.track) });
      for (const k of t.keyframes)
        keyframes.push({
          key: encodeKeyframeKey(v.video, t.id, k.frame),
          value: encodeKeyframeRecord(k.record, t.track.shape),
        });
    }
  }
  const byKey = (a: Edit, b: Edit) => compareBytes(a.key, b.key);
  return {
    assets: assets.sort(byKey),
    tracks: tracks.sort(byKey),
    keyframes: keyframes.sort(byKey),
  };
}

/** The puts plus a delete of every stored key of the import's videos that it does not put. */
async function withRemovals(
  repo: Repository,
  root: Uint8Array,
  puts: Edit[],
  videos: readonly ImportedVideo[],
): Promise<Edit[]> {
  const kept = new Set(puts.map((e) => Buffer.from(e.key).toString('latin1')));
  const edits = [...puts];
  for (const v of videos)
    for await (const [key] of scan(repo.nodes, root, videoRange(v.video)))
      if (!kept.has(Buffer.from(key).toString('latin1'))) edits.push({ key, value: null });
  if (edits.length === puts.length) return puts;
  return edits.sort((a, b) => compareBytes(a.key, b.key));
}

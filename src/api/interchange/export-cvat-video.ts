/**
 * `verso export REF --format cvat` of a snapshot with video tracks: the video's tracks as one
 * CVAT for video 1.1 task export (layer: api), what `import-cvat-video.ts` reads back.
 *
 * `<meta><task>`: the video's frames (`start_frame`, `stop_frame` = frame_count - 1,
 * `frame_filter` step, `size` = frames in that range), `original_size`, `name` (the video id),
 * `source` (the asset's `file_name`, when its base name without extension is the video id, the
 * re-import's id for the video; else left out, so the re-import names the video by `name`, and
 * its `file_name` is then the id: MOT's `img1` folder) and the labels
 * (`formats/cvat/cvat-label-set.ts`). Each track is one `<track id label source group_id>`
 * holding its shape at every frame from its first keyframe, as CVAT writes it: materialized
 * from the keyframes as they are read (`dataset/track-frames.ts` `shapesOfTrack`); a stored
 * keyframe is keyframe="1" and written exactly (keyframe="0" if the source marked it
 * interpolated, `keyframe: false`), an interpolated shape keyframe="0" at 2 decimals; after an
 * outside keyframe nothing until the next keyframe. The importer's keyframe reduction then
 * stores exactly the keyframes this snapshot has (round trip: `cvat-round-trip.test.ts`).
 *
 * Two passes over the tracks: the first declares the labels and refuses what CVAT cannot hold
 * (a polygon keyframe of several rings, a points keyframe with hidden points) before a byte is
 * written; the second streams one track at a time, two of its keyframes held (the track
 * records, a few fields each, are held). Fields CVAT has no place for (a track's
 * `category_id`, `annotator`, `annotated_at`, `attributes`; a keyframe's `confidence`,
 * `visibility`, `world`: what MOT imports) are not written and named in `fields_left_out`.
 */
import { InvalidArgumentError } from '../../core/errors.js';
import { frameTotal, shapesOfTrack, videoFrames } from '../../dataset/track-frames.js';
import { CvatLabelSet } from '../../formats/cvat/cvat-label-set.js';
import { trackShapeProblem, trackShapeXml } from '../../formats/cvat/write-cvat-shapes.js';
import { cvatHead, CVAT_TAIL, openTag } from '../../formats/cvat/write-cvat-xml.js';
import type { OutputFile } from '../../io/output-file.js';
import { treeRoot, type Snapshot } from '../../vcs/snapshot.js';
import { keyframeStream, videoAsset, videoTrackRecords } from '../read/video-tracks.js';
import type { Repository } from '../repository/repository.js';
import type { ExportCounts } from './exporter.js';

const TRACK_LEFT_OUT = ['category_id', 'annotator', 'annotated_at', 'attributes'] as const;
const KEYFRAME_LEFT_OUT = ['confidence', 'visibility', 'world'] as const;

export async function writeCvatVideo(
  repo: Repository,
  snap: Snapshot,
  ref: string,
  video: string,
  file: OutputFile,
): Promise<ExportCounts> {
  const asset = await videoAsset(repo, snap, video, ref);
  const range = videoFrames(asset);
  const keyframesRoot = treeRoot(snap, 'keyframes');
  const labels = new CvatLabelSet();
  const leftOut = new Set<string>();
  const tracks = [];
  for await (const t of videoTrackRecords(repo, snap, video)) {
    tracks.push(t);
    for (const f of TRACK_LEFT_OUT) if (t.track[f] !== undefined) leftOut.add(f);
    labels.declare(t.track.category);
    for await (const k of keyframeStream(repo.nodes, keyframesRoot, video, t.id)) {
      const skeleton = t.track.shape === 'skeleton' ? k.record.keypoints!.length / 3 : undefined;
      const why =
        trackShapeProblem(t.track.shape, k.record) ??
        labels.use(t.track.category, k.record.attributes, skeleton);
      if (why !== undefined)
        throw new InvalidArgumentError('track for CVAT', `${video}/${t.id} frame ${k.frame}`, why);
      for (const f of KEYFRAME_LEFT_OUT) if (k.record[f] !== undefined) leftOut.add(f);
    }
  }
  // CVAT lists tracks by their number: so are integer ids (key order puts '10' before '2').
  if (tracks.every((t) => /^\d+$/.test(t.id))) tracks.sort((a, b) => Number(a.id) - Number(b.id));
  await file.write(
    cvatHead({
      name: video,
      size: frameTotal(range),
      mode: 'interpolation',
      startFrame: range.first,
      stopFrame: range.last,
      step: range.step,
      ...(asset.width !== undefined && asset.height !== undefined
        ? { width: asset.width, height: asset.height }
        : {}),
      // The importer names the video by `<source>` (base name, no extension), else `<name>`.
      ...(sourceNames(asset.file_name, video) ? { source: asset.file_name } : {}),
      labels: labels.xml(),
    }),
  );
  let shapes = 0;
  for (const { id, track } of tracks) {
    const open = openTag('track', [
      ['id', id],
      ['label', track.category],
      ['source', track.source],
      ['group_id', track.group_id],
    ]);
    await file.write(`  ${open}>\n`);
    const parts = labels.partNames(track.category);
    const frames = shapesOfTrack(
      { shape: track.shape, keyframes: keyframeStream(repo.nodes, keyframesRoot, video, id) },
      range,
    );
    let chunk = '';
    for await (const s of frames) {
      const stored = s.keyframe;
      const shape = {
        frame: s.frame,
        record: s.record,
        keyframe: stored && s.record.keyframe !== false,
        exact: stored,
      };
      chunk += `    ${trackShapeXml(track.shape, shape, parts)}\n`;
      shapes++;
      if (chunk.length > 1 << 16) {
        await file.write(chunk);
        chunk = '';
      }
    }
    await file.write(`${chunk}  </track>\n`);
  }
  await file.write(CVAT_TAIL);
  return {
    labels: shapes,
    tracks: tracks.length,
    ...(leftOut.size > 0 ? { fields_left_out: [...leftOut].sort() } : {}),
  };
}

/** `file` (a `<source>`) reads back as video id `video`: its base name without extension. */
const sourceNames = (file: string, video: string): boolean =>
  file.replace(/^.*[\\/]/, '').replace(/\.[^.]*$/, '') === video;

/**
 * `verso import cvat FILE.xml` on a CVAT for video export: the video asset, its tracks and
 * keyframes into a branch, one commit (layer: api).
 *
 * The file is read whole (`formats/cvat/read-cvat-video.ts`); each track's shapes are reduced
 * to keyframes (`dataset/track-keyframe-reduce.ts`): every keyframe="1" and outside shape,
 * and every keyframe="0" shape that linear interpolation, written at CVAT's 2 decimals, does
 * not reproduce, so materializing the stored keyframes gives back every shape of the file.
 * The video is replaced whole (`write-video-tracks.ts`).
 */
import { basename } from 'node:path';
import { reduceToKeyframes } from '../../dataset/track-keyframe-reduce.js';
import { renderCvatGeometry } from '../../formats/cvat/cvat-video-numbers.js';
import { parseCvatVideo } from '../../formats/cvat/read-cvat-video.js';
import type { Repository } from '../repository/repository.js';
import { writeVideoTracks, type VideoImportResult } from './write-video-tracks.js';

export interface ImportCvatVideoOptions {
  readonly path: string;
  readonly branch: string;
  readonly message?: string;
  /** The video id (default: the task's source file name without extension). */
  readonly video?: string;
  /** A project export: the task whose tracks to import. */
  readonly task?: string;
  /** The file's text, when the caller has read it already. */
  readonly text?: string;
}

export async function importCvatVideo(
  repo: Repository,
  opts: ImportCvatVideoOptions & { readonly text: string },
): Promise<VideoImportResult> {
  const cvat = parseCvatVideo(opts.text, opts.path, {
    ...(opts.video !== undefined ? { video: opts.video } : {}),
    ...(opts.task !== undefined ? { task: opts.task } : {}),
  });
  let shapes = 0;
  const tracks = cvat.tracks.map((t) => {
    shapes += t.shapes.length;
    return {
      id: t.id,
      track: t.track,
      keyframes: reduceToKeyframes(t.shapes, {
        shape: t.track.shape,
        lastFrame: cvat.lastFrame,
        step: cvat.step,
        render: renderCvatGeometry,
      }),
    };
  });
  return writeVideoTracks(
    repo,
    {
      branch: opts.branch,
      message: opts.message ?? `Import CVAT video ${basename(opts.path)}`,
      operations: { format: 'cvat', file: basename(opts.path), shapes },
    },
    [{ video: cvat.video, asset: cvat.asset, tracks }],
  );
}

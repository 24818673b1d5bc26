/**
 * `verso import mot gt.txt|DIR [--sequence NAME]`: one MOT Challenge sequence's ground truth
 * as a video's tracks, one commit (layer: api).
 *
 * DIR is a sequence folder (`DIR/gt/gt.txt`, else `DIR/gt.txt`); beside it `seqinfo.ini`
 * (name, seqLength, frameRate, imWidth, imHeight) and `gt/labels.txt` are read when present.
 * The sequence name (the video id) is the option, else seqinfo's name, else the sequence
 * folder's name (the folder holding `gt/`). Each id's rows are reduced to keyframes
 * (`dataset/track-keyframe-reduce.ts`): a row that linear interpolation between the stored
 * rows around it reproduces (box at 6 decimals, and equal conf and visibility) is not stored;
 * the export gives every row back. The video is replaced whole (`write-video-tracks.ts`).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { JsonValue } from '../../core/canonical.js';
import { reduceToKeyframes } from '../../dataset/track-keyframe-reduce.js';
import { parseMot } from '../../formats/mot/read-mot.js';
import { motNumber } from '../../formats/mot/write-mot.js';
import { readInputText } from '../../formats/file-kind.js';
import type { Repository } from '../repository/repository.js';
import { writeVideoTracks, type VideoImportResult } from './write-video-tracks.js';

export interface ImportMotOptions {
  readonly path: string;
  readonly branch: string;
  readonly message?: string;
  /** The sequence (video) id. */
  readonly sequence?: string;
}

export async function importMot(
  repo: Repository,
  opts: ImportMotOptions,
): Promise<VideoImportResult> {
  const place = motPlace(opts.path);
  const info = readSeqinfo(join(place.sequenceDir, 'seqinfo.ini'));
  const labelsFile = join(dirname(place.gt), 'labels.txt');
  const labels = existsSync(labelsFile)
    ? readFileSync(labelsFile, 'utf8')
        .split(/\r?\n/)
        .map((l) => l.trim())
    : undefined;
  const seqLength = positive(info['seqLength']);
  const mot = parseMot(readInputText(place.gt, 'mot'), place.gt, {
    ...(seqLength !== undefined ? { frames: seqLength } : {}),
    ...(labels ? { labels } : {}),
  });
  const video = opts.sequence ?? info['name'] ?? basename(place.sequenceDir);
  const frameCount = seqLength ?? mot.lastFrame + 1;
  const render = (_f: string, g: unknown) => (g as number[]).map(motNumber).join(',');
  const tracks = mot.tracks.map((t) => ({
    id: t.id,
    track: {
      category: t.category,
      shape: 'box' as const,
      ...(t.classId !== undefined ? { category_id: t.classId } : {}),
    },
    keyframes: reduceToKeyframes(t.shapes, {
      shape: 'box',
      lastFrame: frameCount - 1,
      render,
      markInterpolated: false,
    }),
  }));
  const [width, height] = [positive(info['imWidth']), positive(info['imHeight'])];
  const rate = Number(info['frameRate']);
  const extra: Record<string, JsonValue> = {
    mot_columns: mot.columns,
    ...(mot.byTrack ? { mot_order: 'track' } : {}),
  };
  return writeVideoTracks(
    repo,
    {
      branch: opts.branch,
      message: opts.message ?? `Import MOT ${video}`,
      operations: { format: 'mot', file: basename(place.gt), sequence: video },
    },
    [
      {
        video,
        asset: {
          file_name: info['imDir'] ?? video,
          frame_count: frameCount,
          ...(rate > 0 ? { frame_rate: rate } : {}),
          ...(width && height ? { width, height } : {}),
          extra,
        },
        tracks,
      },
    ],
  );
}

/** The gt file and the sequence folder of a path (a gt.txt file or a sequence folder). */
function motPlace(path: string): { gt: string; sequenceDir: string } {
  if (existsSync(path) && statSync(path).isDirectory()) {
    const nested = join(path, 'gt', 'gt.txt');
    return { gt: existsSync(nested) ? nested : join(path, 'gt.txt'), sequenceDir: path };
  }
  const parent = dirname(path);
  return { gt: path, sequenceDir: basename(parent) === 'gt' ? dirname(parent) : parent };
}

/** `key=value` lines of seqinfo.ini ([Sequence] section), or nothing when absent. */
function readSeqinfo(path: string): Record<string, string> {
  if (!existsSync(path)) return {};
  const out: Record<string, string> = {};
  for (const line of readFileSync(path, 'utf8').split(/\r?\n/)) {
    const m = /^\s*([A-Za-z]+)\s*=\s*(.*?)\s*$/.exec(line);
    if (m) out[m[1]!] = m[2]!;
  }
  return out;
}

function positive(v: string | undefined): number | undefined {
  const n = Number(v);
  return v !== undefined && Number.isSafeInteger(n) && n > 0 ? n : undefined;
}

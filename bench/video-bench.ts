/**
 * `npm run bench -- video [--videos 10] [--frames 54000] [--tracks 20] [--every 10] [--runs 5]`
 * (layer: bench): video tracks (issue 18) at scale, in-process through the API. `--videos 100`
 * is the full size.
 *
 * Each video gets `--tracks` box tracks over `--frames` frames with a keyframe every `--every`
 * frames (seeded random walks), imported one commit per video (`writeVideoTracks`, the sink of
 * `import cvat` / `import mot`). Measured: the import rate (keyframes/s and the boxes they
 * stand for), the bytes of the tracks + keyframes trees against frame-by-frame storage of the
 * same boxes as labels (one video's boxes built as a labels tree keyed (video/frame, track),
 * times the video count), the per-track diff after one keyframe of one track is moved (median
 * of `--runs`; target <= 50 ms), and materializing one video's boxes from its keyframes (read
 * and interpolate every frame of every track; target >= 1M boxes/s), and `verso export --format
 * coco|yolo` of the whole snapshot (every video frame by frame) and `--format cvat` of one
 * video (every track's box at every frame) as a CLI process with its heap capped
 * (`EXPORT_HEAP_MIB`): boxes/s, and proof that the boxes are streamed, not held.
 * Prints the table and writes `bench-results/video.json`.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { encodeValue } from '../src/core/canonical.js';
import { hexToHash } from '../src/core/hash.js';
import { encodeLabelKey } from '../src/dataset/label-key.js';
import { materializeTrack, type Keyframe } from '../src/dataset/track-interpolation.js';
import { diffTrackSnapshots } from '../src/api/read/diff-tracks.js';
import { videoTracks } from '../src/api/read/video-tracks.js';
import {
  writeVideoTracks,
  type ImportedTrack,
  type ImportedVideo,
} from '../src/api/interchange/write-video-tracks.js';
import { openRepository } from '../src/api/repository/compose.js';
import { initRepository } from '../src/api/repository/init-repository.js';
import type { Repository } from '../src/api/repository/repository.js';
import { snapshotAtRef } from '../src/api/repository/snapshot-at.js';
import { TreeBuilder } from '../src/tree/builder.js';
import { median, timeMs } from './measure.js';
import { VERSO_CLI } from './paths.js';
import { Rng } from './rng.js';
import { benchLog, fmtNumber, renderTable, type TableRow } from './table.js';

const { values } = parseArgs({
  options: {
    videos: { type: 'string', default: '10' },
    frames: { type: 'string', default: '54000' },
    tracks: { type: 'string', default: '20' },
    every: { type: 'string', default: '10' },
    runs: { type: 'string', default: '5' },
    seed: { type: 'string', default: '1' },
    out: { type: 'string', default: 'bench-results' },
  },
});
const VIDEOS = Number(values.videos);
const FRAMES = Number(values.frames);
const TRACKS = Number(values.tracks);
const EVERY = Number(values.every);
const RUNS = Number(values.runs);
const CLASSES = ['person', 'car', 'bicycle', 'bus'];
const log = benchLog('video');
const videoId = (v: number) => `video-${String(v).padStart(4, '0')}`;
const r2 = (x: number) => Math.round(x * 100) / 100;

function track(rng: Rng, t: number): ImportedTrack {
  const keyframes: Keyframe[] = [];
  let [x, y] = [rng.float() * 1800, rng.float() * 1000];
  const [w, h] = [40 + rng.float() * 200, 40 + rng.float() * 200];
  for (let f = 0; f < FRAMES; f += EVERY) {
    x = Math.max(0, x + (rng.float() - 0.5) * 20);
    y = Math.max(0, y + (rng.float() - 0.5) * 10);
    keyframes.push({ frame: f, record: { bbox: [r2(x), r2(y), r2(w), r2(h)] } });
  }
  return {
    id: String(t),
    track: { category: CLASSES[t % CLASSES.length]!, shape: 'box' },
    keyframes,
  };
}

function video(v: number): ImportedVideo {
  const rng = new Rng(Number(values.seed), v);
  return {
    video: videoId(v),
    asset: {
      file_name: `${videoId(v)}.mp4`,
      frame_count: FRAMES,
      frame_rate: 30,
      width: 1920,
      height: 1080,
    },
    tracks: Array.from({ length: TRACKS }, (_, t) => track(rng, t)),
  };
}

async function treeBytes(repo: Repository, root: Uint8Array): Promise<number> {
  let total = 0;
  const walk = async (hash: Uint8Array): Promise<void> => {
    const node = await repo.nodes.load(hash);
    total += node.size;
    if (node.level > 0) for (const child of node.values) await walk(child);
  };
  await walk(root);
  return total;
}

/** One video's boxes stored frame by frame as labels: (video/frame, track) -> {category, bbox}. */
async function frameByFrameBytes(repo: Repository, v: ImportedVideo): Promise<number> {
  const builder = new TreeBuilder(repo.nodes);
  const entries: [Uint8Array, Uint8Array][] = [];
  for (let f = 0; f < FRAMES; f++)
    for (const t of v.tracks) {
      const i = Math.min(Math.floor(f / EVERY), t.keyframes.length - 1);
      entries.push([
        encodeLabelKey(`${v.video}/${String(f).padStart(6, '0')}`, t.id.padStart(3, '0')),
        encodeValue({ category: t.track.category, bbox: t.keyframes[i]!.record.bbox! }),
      ]);
    }
  for (const [k, val] of entries) builder.add(k, val);
  return treeBytes(repo, builder.finish());
}

/**
 * The old-space cap of the export processes: far below one video's materialized boxes (1.08M
 * boxes are over 100 MiB as objects), so an export that held them (or all the keyframes of a
 * video keyed at every frame, `--every 1`) would die of an out-of-memory error.
 */
const EXPORT_HEAP_MIB = 48;

/** `verso ARGS --json` in a process whose heap is capped; its stdout. */
function cappedCli(args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [`--max-old-space-size=${EXPORT_HEAP_MIB}`, VERSO_CLI, ...args, '--json'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let [stdout, stderr] = ['', ''];
    child.stdout.on('data', (d: Buffer) => void (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => void (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (status) =>
      status === 0
        ? resolve(stdout)
        : reject(new Error(`verso ${args.join(' ')} exited ${status}: ${stderr.slice(-2000)}`)),
    );
  });
}

const work = mkdtempSync(join(tmpdir(), 'verso-bench-video-'));
try {
  await initRepository(join(work, 'repo'));
  const repo = await openRepository(join(work, 'repo'));
  let importMs = 0;
  for (let v = 0; v < VIDEOS; v++) {
    const data = video(v);
    log(`importing ${data.video}`);
    importMs += (
      await timeMs(() =>
        writeVideoTracks(repo, { branch: 'main', message: data.video, operations: {} }, [data]),
      )
    ).ms;
  }
  const keyframes = VIDEOS * TRACKS * Math.ceil(FRAMES / EVERY);
  const boxes = VIDEOS * TRACKS * FRAMES;
  const before = await snapshotAtRef(repo, 'main');
  const trackBytes =
    (await treeBytes(repo, hexToHash(before.snap.trees.tracks))) +
    (await treeBytes(repo, hexToHash(before.snap.trees.keyframes)));
  log('building one video frame by frame as labels');
  const perVideoFrameBytes = await frameByFrameBytes(repo, video(0));

  log('moving one keyframe of one track');
  const edited = video(0);
  const t0 = edited.tracks[7]!;
  const k = t0.keyframes[Math.floor(t0.keyframes.length / 2)]!;
  const moved = {
    ...k,
    record: {
      bbox: [k.record.bbox![0]! + 15, k.record.bbox![1]!, k.record.bbox![2]!, k.record.bbox![3]!],
    },
  };
  const tracks = edited.tracks.map((t, i) =>
    i !== 7 ? t : { ...t, keyframes: t.keyframes.map((x) => (x === k ? moved : x)) },
  );
  await writeVideoTracks(repo, { branch: 'main', message: 'edit', operations: {} }, [
    { ...edited, tracks },
  ]);
  const after = await snapshotAtRef(repo, 'main');
  const diffs: number[] = [];
  let summary = '';
  for (let i = 0; i < RUNS; i++) {
    diffs.push(
      (
        await timeMs(async () => {
          for await (const c of diffTrackSnapshots(repo, before.snap, after.snap))
            summary = `track ${c.track.track}: ${c.track.summary}`;
        })
      ).ms,
    );
  }

  log('materializing one video');
  const materialize: number[] = [];
  let count = 0;
  for (let i = 0; i < RUNS; i++)
    materialize.push(
      (
        await timeMs(async () => {
          count = 0;
          for await (const t of videoTracks(repo, after.snap, videoId(Math.min(1, VIDEOS - 1))))
            for (const s of materializeTrack('box', t.keyframes, 0, FRAMES - 1, FRAMES - 1))
              if (s.record.bbox) count++;
        })
      ).ms,
    );
  await repo.close();
  const exports: { format: string; ms: number; labels: number; images: number }[] = [];
  for (const format of ['coco', 'yolo']) {
    log(`verso export main --format ${format} under a ${EXPORT_HEAP_MIB} MiB heap`);
    const out = join(work, format === 'coco' ? 'frames.json' : 'frames-yolo');
    const { ms, value } = await timeMs(() =>
      cappedCli(['--repo', join(work, 'repo'), 'export', 'main', '--format', format, '--out', out]),
    );
    const result = JSON.parse(value) as { labels: number; images: number };
    exports.push({ format, ms, labels: result.labels, images: result.images });
  }
  // CVAT holds one video (a task): exported from a repository of the first video alone.
  await initRepository(join(work, 'one'));
  const one = await openRepository(join(work, 'one'));
  await writeVideoTracks(one, { branch: 'main', message: 'one', operations: {} }, [video(0)]);
  await one.close();
  log(`verso export main --format cvat (one video) under a ${EXPORT_HEAP_MIB} MiB heap`);
  const cvat = await timeMs(() =>
    cappedCli([
      '--repo',
      join(work, 'one'),
      'export',
      'main',
      '--format',
      'cvat',
      '--out',
      join(work, 'one.xml'),
    ]),
  );
  const cvatResult = JSON.parse(cvat.value) as { labels: number };
  exports.push({ format: 'cvat', ms: cvat.ms, labels: cvatResult.labels, images: FRAMES });
  const rate = keyframes / (importMs / 1000);
  const boxRate = count / (median(materialize) / 1000);
  const frameBytes = perVideoFrameBytes * VIDEOS;
  const rows: TableRow[] = [
    {
      operation: `import ${VIDEOS} videos x ${TRACKS} tracks x ${fmtNumber(FRAMES, 0)} frames, keyframe every ${EVERY}`,
      measured: `${fmtNumber(importMs, 0)} ms, ${fmtNumber(rate, 0)} keyframes/s (${fmtNumber(boxes / (importMs / 1000), 0)} boxes/s)`,
      target: '',
      ok: null,
    },
    {
      operation: `tracks + keyframes trees (${fmtNumber(keyframes, 0)} keyframes)`,
      measured: `${fmtNumber(trackBytes / 2 ** 20, 1)} MiB (${fmtNumber(trackBytes / keyframes, 1)} B/keyframe)`,
      target: '',
      ok: null,
    },
    {
      operation: `the same ${fmtNumber(boxes, 0)} boxes frame by frame as labels`,
      measured: `${fmtNumber(frameBytes / 2 ** 20, 1)} MiB (${fmtNumber(frameBytes / trackBytes, 1)}x)`,
      target: '',
      ok: null,
    },
    {
      operation: `diff after one keyframe of one track moved (median of ${RUNS})`,
      measured: `${fmtNumber(median(diffs), 1)} ms (${summary})`,
      target: '<= 50 ms',
      ok: median(diffs) <= 50,
    },
    {
      operation: `materialize one video's boxes (${fmtNumber(count, 0)}, median of ${RUNS})`,
      measured: `${fmtNumber(median(materialize), 0)} ms, ${fmtNumber(boxRate, 0)} boxes/s`,
      target: '>= 1,000,000 /s',
      ok: boxRate >= 1_000_000,
    },
    ...exports.map((e) => ({
      operation: `verso export --format ${e.format}: ${fmtNumber(e.images, 0)} frames, ${fmtNumber(e.labels, 0)} boxes, ${EXPORT_HEAP_MIB} MiB heap`,
      measured: `${fmtNumber(e.ms, 0)} ms, ${fmtNumber(e.labels / (e.ms / 1000), 0)} boxes/s`,
      target: '',
      ok: null,
    })),
  ];
  const title = `Verso video benchmark: ${cpus().length} cores, node ${process.version}, ${new Date().toISOString()}`;
  process.stdout.write(renderTable(title, rows));
  mkdirSync(values.out, { recursive: true });
  writeFileSync(
    join(values.out, 'video.json'),
    JSON.stringify(
      {
        date: new Date().toISOString(),
        videos: VIDEOS,
        frames: FRAMES,
        tracks: TRACKS,
        every: EVERY,
        importMs,
        keyframes,
        trackBytes,
        frameBytes,
        diffMs: diffs,
        materializeMs: materialize,
        boxes: count,
        exports,
      },
      null,
      2,
    ),
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}

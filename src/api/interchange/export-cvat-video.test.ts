/**
 * CVAT for video export, property and refusals: random tracks (every shape kind, random
 * keyframes, outside and occluded flags, attributes, a video starting late and annotated every
 * other frame) written with `writeVideoTracks`, exported as CVAT and imported into a fresh
 * repository give the same asset, track and keyframe trees, so every record and every
 * interpolated shape. What CVAT cannot hold is refused before anything is written.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VersoError } from '../../core/errors.js';
import type { Keyframe } from '../../dataset/track-interpolation.js';
import type { KeyframeRecord, TrackShape } from '../../dataset/track-record.js';
import { trackedVideos } from '../read/video-tracks.js';
import { openRepository } from '../repository/compose.js';
import { initRepository } from '../repository/init-repository.js';
import type { Repository } from '../repository/repository.js';
import { branchHead } from '../write/branch-head.js';
import { exportSnapshot } from './export.js';
import { importCvat } from './import-cvat.js';
import { writeVideoTracks, type ImportedTrack, type ImportedVideo } from './write-video-tracks.js';

let dir: string;
let count = 0;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'verso-cvat-export-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function withRepo<T>(use: (repo: Repository) => Promise<T>): Promise<T> {
  const path = join(dir, `repo-${count++}`);
  await initRepository(path);
  const repo = await openRepository(path);
  try {
    return await use(repo);
  } finally {
    await repo.close();
  }
}

const write = (repo: Repository, videos: ImportedVideo[]) =>
  writeVideoTracks(repo, { branch: 'main', message: 'tracks', operations: {} }, videos);

// Numbers as CVAT writes them (2 decimals): interpolated shapes are compared at that precision.
const coord = fc.integer({ min: 0, max: 100_000 }).map((n) => n / 100);
const points = (n: number) => fc.array(coord, { minLength: 2 * n, maxLength: 2 * n });
const SKELETON_POINTS = 3;

function geometry(shape: TrackShape, n: number): fc.Arbitrary<KeyframeRecord> {
  switch (shape) {
    case 'box':
      return fc.tuple(coord, coord, coord, coord).map((bbox) => ({ bbox }));
    case 'points':
      return points(n).map((xy) => ({ keypoints: xy.flatMap((v, i) => (i % 2 ? [v, 2] : [v])) }));
    case 'polygon':
      return points(n + 2).map((xy) => ({ segmentation: [xy] }));
    case 'polyline':
      return points(n + 1).map((polyline) => ({ polyline }));
    case 'skeleton':
      return fc
        .array(fc.tuple(coord, coord, fc.constantFrom(0, 1, 2)), {
          minLength: SKELETON_POINTS,
          maxLength: SKELETON_POINTS,
        })
        .map((kp) => ({ keypoints: kp.flatMap(([x, y, v]) => (v === 0 ? [0, 0, 0] : [x, y, v])) }));
  }
}

const attributes = fc.record(
  {
    speed: fc.integer({ min: -50, max: 50 }),
    parked: fc.boolean(),
    note: fc.stringMatching(/^[a-z&<>"']{0,5}$/),
  },
  { requiredKeys: [] },
);

function keyframeRecord(shape: TrackShape, n: number): fc.Arbitrary<KeyframeRecord> {
  return fc
    .tuple(
      geometry(shape, n),
      fc.boolean(),
      fc.boolean(),
      attributes,
      fc.constantFrom(undefined, -1, 3),
    )
    .map(([g, outside, occluded, attrs, z]) => ({
      ...g,
      ...(outside ? { outside: true as const } : {}),
      ...(occluded ? { occluded: true as const } : {}),
      ...(Object.keys(attrs).length > 0 ? { attributes: attrs } : {}),
      ...(z !== undefined ? { z_order: z } : {}),
    }));
}

const SHAPES: TrackShape[] = ['box', 'points', 'polygon', 'polyline', 'skeleton'];

function track(id: number, frames: number[]): fc.Arbitrary<ImportedTrack> {
  return fc
    .record({
      shape: fc.constantFrom(...SHAPES),
      n: fc.integer({ min: 1, max: 3 }),
      category: fc.constantFrom('car', 'a&b <"c">'),
      source: fc.constantFrom(undefined, 'manual', 'file'),
      group: fc.constantFrom(undefined, 2),
      at: fc.uniqueArray(fc.constantFrom(...frames), { minLength: 1, maxLength: 6 }),
    })
    .chain(({ shape, n, category, source, group, at }) =>
      fc
        .array(keyframeRecord(shape, n), { minLength: at.length, maxLength: at.length })
        .map((records) => ({
          id: String(id),
          track: {
            // one class per skeleton: the skeleton's points are declared by class
            category: shape === 'skeleton' ? 'pose' : category,
            shape,
            ...(source !== undefined ? { source } : {}),
            ...(group !== undefined ? { group_id: group } : {}),
          },
          keyframes: at
            .sort((a, b) => a - b)
            .map((frame, i): Keyframe => ({ frame, record: records[i]! })),
        })),
    );
}

const video: fc.Arbitrary<ImportedVideo> = fc
  .record({
    start: fc.constantFrom(0, 3),
    step: fc.constantFrom(1, 2),
    frames: fc.integer({ min: 1, max: 20 }),
    ids: fc.uniqueArray(fc.integer({ min: 0, max: 30 }), { minLength: 1, maxLength: 4 }),
  })
  .chain(({ start, step, frames, ids }) => {
    const grid = Array.from({ length: frames }, (_, i) => start + i * step);
    return fc.tuple(...ids.map((id) => track(id, grid))).map((tracks) => ({
      video: 'clip',
      asset: {
        file_name: 'clip.mp4',
        frame_count: grid.at(-1)! + 1,
        width: 1280,
        height: 720,
        ...(start !== 0 ? { start_frame: start } : {}),
        ...(step !== 1 ? { frame_step: step } : {}),
      },
      tracks,
    }));
  });

describe('export cvat (video)', () => {
  it('random tracks survive export and import, keyframe for keyframe', async () => {
    await fc.assert(
      fc.asyncProperty(video, async (v) => {
        const out = join(dir, `clip-${count}.xml`);
        const want = await withRepo(async (repo) => {
          await write(repo, [v]);
          await exportSnapshot(repo, { ref: 'main', format: 'cvat', out });
          return (await branchHead(repo, 'main')).snapshot.trees;
        });
        const got = await withRepo(async (repo) => {
          await importCvat(repo, { path: out, branch: 'main' });
          return (await branchHead(repo, 'main')).snapshot.trees;
        });
        for (const tree of ['assets', 'tracks', 'keyframes'] as const)
          expect(got[tree], tree).toBe(want[tree]);
      }),
      { numRuns: 40, seed: 18 },
    );
  });

  it('names the fields CVAT has no place for (MOT columns), writes the rest, keeps the video id', async () => {
    const out = join(dir, 'mot-like.xml');
    const r = await withRepo(async (repo) => {
      await write(repo, [
        {
          video: 'seq',
          // MOT's frame folder: not the video's name, so the export names it by <name>
          asset: { file_name: 'img1', frame_count: 3 },
          tracks: [
            {
              id: '1',
              track: { category: 'person', shape: 'box', category_id: 1 },
              keyframes: [{ frame: 0, record: { bbox: [1, 2, 3, 4], confidence: 0.5 } }],
            },
          ],
        },
      ]);
      return exportSnapshot(repo, { ref: 'main', format: 'cvat', out });
    });
    expect(r.fields_left_out).toEqual(['category_id', 'confidence']);
    expect([r.tracks, r.labels]).toEqual([1, 3]);
    expect(readFileSync(out, 'utf8')).toContain('<box frame="2" keyframe="0" outside="0"');
    const videos = await withRepo(async (repo) => {
      await importCvat(repo, { path: out, branch: 'main' });
      return trackedVideos(repo, (await branchHead(repo, 'main')).snapshot);
    });
    expect(videos).toEqual(['seq']);
  });

  const refusals: [string, ImportedVideo[], RegExp][] = [
    [
      'two videos with tracks',
      ['a', 'b'].map((id) => ({
        video: id,
        asset: { file_name: `${id}.mp4`, frame_count: 2 },
        tracks: [
          {
            id: '1',
            track: { category: 'car', shape: 'box' },
            keyframes: [{ frame: 0, record: { bbox: [0, 0, 1, 1] } }],
          },
        ],
      })),
      /holds one video, and 2 videos/,
    ],
    [
      'a polygon of two rings',
      [
        {
          video: 'v',
          asset: { file_name: 'v.mp4', frame_count: 2 },
          tracks: [
            {
              id: '7',
              track: { category: 'lane', shape: 'polygon' },
              keyframes: [
                {
                  frame: 1,
                  record: {
                    segmentation: [
                      [0, 0, 1, 0, 1, 1],
                      [5, 5, 6, 5, 6, 6],
                    ],
                  },
                },
              ],
            },
          ],
        },
      ],
      /v\/7 frame 1.*one ring/,
    ],
  ];
  it.each(refusals)('refuses %s, writing nothing', async (_what, videos, why) => {
    const out = join(dir, `refused-${count}.xml`);
    await withRepo(async (repo) => {
      await write(repo, videos);
      const err = await exportSnapshot(repo, { ref: 'main', format: 'cvat', out }).catch(
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(VersoError);
      expect((err as Error).message).toMatch(why);
    });
    expect(existsSync(out)).toBe(false);
  });
});

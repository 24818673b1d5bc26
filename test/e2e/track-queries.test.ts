/**
 * `verso tracks REF [--video V] [--where EXPR]` on the real CVAT traffic video: every track's
 * visible frames agree with the MOT export of the same snapshot (one row per visible frame), and
 * track filters (`track.length > N`, `track.class = C and frame in A..B`, `not frame in ...`)
 * select exactly the tracks a brute force over those rows selects; wrong filters are refused.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectFailure, initRepo, REPO_ROOT, useTempRoot, type TestRepo } from './helpers.js';

const tmp = useTempRoot('track-queries');
const TRAFFIC = resolve(
  REPO_ROOT,
  '../shared/data/real/cvat/traffic-video-tracking/annotations.xml',
);

interface Listing {
  video: string;
  track: string;
  class: string;
  keyframes: number;
  length: number;
  first: number | null;
  last: number | null;
}

let repo: TestRepo;
/** Track id -> its visible frames (0-based), from the MOT export. */
const frames = new Map<string, number[]>();

beforeAll(async () => {
  repo = await initRepo(tmp.root());
  await repo.ok(['import', 'cvat', TRAFFIC]);
  const out = join(tmp.root(), 'mot');
  await repo.ok(['export', 'main', '--format', 'mot', '--out', out]);
  for (const row of readFileSync(join(out, 'annotations', 'gt', 'gt.txt'), 'utf8')
    .trim()
    .split('\n')) {
    const [f, id] = row.split(',');
    const list = frames.get(id!) ?? [];
    list.push(Number(f) - 1);
    frames.set(id!, list);
  }
});

const tracks = async (...extra: string[]) => repo.jsonLines<Listing>(['tracks', 'main', ...extra]);

describe('verso tracks', () => {
  it('lists every track with the visible frames the MOT export has', async () => {
    const listed = await tracks();
    expect(listed).toHaveLength(20);
    for (const t of listed) {
      const mine = frames.get(t.track) ?? [];
      expect([t.length, t.first, t.last]).toEqual([
        mine.length,
        mine[0] ?? null,
        mine.at(-1) ?? null,
      ]);
      expect(t.video).toBe('annotations');
    }
    expect(await tracks('--video', 'annotations')).toEqual(listed);
    expect(await tracks('--video', 'elsewhere')).toEqual([]);
  });

  it.each([
    ['track.length > 100', (f: number[]) => f.length > 100],
    [
      'track.length <= 45 and frame in 150..160',
      (f: number[]) => f.length <= 45 && f.some((x) => x >= 150 && x <= 160),
    ],
    ['track.class = person and frame in 0..0', (f: number[]) => f.includes(0)],
    ['not frame in 100..220', (f: number[]) => !f.some((x) => x >= 100 && x <= 220)],
    ['track.first in 50..130 or track.keyframes < 20', null],
  ] as const)('--where %s selects what the brute force selects', async (where, select) => {
    const listed = await tracks();
    const expected =
      select === null
        ? listed.filter(
            (t) => (t.first !== null && t.first >= 50 && t.first <= 130) || t.keyframes < 20,
          )
        : listed.filter((t) => select(frames.get(t.track) ?? []));
    const got = await tracks('--where', where);
    expect(got.map((t) => t.track)).toEqual(expected.map((t) => t.track));
    expect(got.length).toBeGreaterThan(0);
    expect(got.length).toBeLessThan(listed.length);
  });

  it('refuses a label field, a bare frame and an empty range, naming them', async () => {
    expectFailure(
      await repo.run(['tracks', 'main', '--where', 'review.status = approved']),
      1,
      "unknown track field 'review.status'",
    );
    expectFailure(
      await repo.run(['tracks', 'main', '--where', 'frame = 3']),
      1,
      "'frame' is read as 'frame in A..B'",
    );
    expectFailure(
      await repo.run(['tracks', 'main', '--where', 'frame in 9..2']),
      1,
      'the range 9..2 is empty',
    );
    expectFailure(await repo.run(['tracks', 'nope']), 1, 'nope');
  });
});

/**
 * `verso blame VIDEO --track ID` on the real TUD-Campus MOT sequence after a history of edits:
 * every frame where the track is visible at the ref is blamed on the commit a brute force finds
 * from `export --format mot` of every commit (the most recent first-parent commit whose row of
 * that frame differs from its parent's); unrelated commits pass; a merge takes what it brings;
 * the track record's last change and introduction are named; wrong input is refused.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  expectFailure,
  initRepo,
  REPO_ROOT,
  useTempRoot,
  writeJsonLines,
  type TestRepo,
} from './helpers.js';

const tmp = useTempRoot('track-blame');
const CAMPUS = resolve(REPO_ROOT, '../shared/data/real/mot/SU-T/motmetrics/data/TUD-Campus/gt.txt');
const ROWS = readFileSync(CAMPUS, 'utf8').trim().split('\n');

interface FrameBlame {
  from: number;
  to: number;
  commit: string;
  author: string;
  message: string;
}
interface TrackBlame {
  video: string;
  track: string;
  class: string;
  introduced: { commit: string };
  record: { commit: string };
  frames: FrameBlame[];
}

let repo: TestRepo;
let n = 0;

/** Imports `rows` as sequence `campus` on `branch` (one commit). */
async function importCampus(rows: readonly string[], branch = 'main'): Promise<void> {
  const dir = join(tmp.root(), 'seqs', `s${n++}`);
  mkdirSync(join(dir, 'gt'), { recursive: true });
  writeFileSync(join(dir, 'gt', 'gt.txt'), rows.map((r) => `${r}\n`).join(''));
  await repo.ok(['import', 'mot', dir, '--sequence', 'campus', '--branch', branch]);
}

/** `rows` with the x of track `track`'s rows at MOT frames from..to moved by dx. */
const moved = (rows: readonly string[], track: string, from: number, to: number, dx: number) =>
  rows.map((r) => {
    const [f, id, x, ...rest] = r.split(',');
    const frame = Number(f);
    return id === track && frame >= from && frame <= to
      ? [f, id, String(Number(x) + dx), ...rest].join(',')
      : r;
  });

const without = (rows: readonly string[], track: string, from: number, to: number) =>
  rows.filter((r) => {
    const [f, id] = r.split(',');
    return !(id === track && Number(f) >= from && Number(f) <= to);
  });

/** Track `track`'s exported rows at `ref`, by stored frame (MOT frames are 1-based). */
async function rowsAt(ref: string, track: string): Promise<Map<number, string>> {
  const out = join(tmp.root(), 'out', `e${n++}`);
  await repo.ok(['export', ref, '--format', 'mot', '--out', out]);
  const rows = new Map<number, string>();
  let text = '';
  try {
    text = readFileSync(join(out, 'campus', 'gt', 'gt.txt'), 'utf8');
  } catch {
    return rows; // no video yet at this commit
  }
  for (const r of text.trim().split('\n')) {
    const [f, id, ...rest] = r.split(',');
    if (id === track) rows.set(Number(f) - 1, rest.join(','));
  }
  return rows;
}

/** Per frame visible at `ref`: the first-parent commit that last changed its row. */
async function bruteForce(ref: string, track: string): Promise<Map<number, string>> {
  const chain = await repo.log(ref); // newest first; first parents only below
  const firstParents: string[] = [];
  for (let id: string | undefined = chain[0]!.id; id;) {
    firstParents.push(id);
    id = chain.find((c) => c.id === id)!.parents[0];
  }
  const rows = await Promise.all(firstParents.map((id) => rowsAt(id, track)));
  const blamed = new Map<number, string>();
  for (const frame of rows[0]!.keys()) {
    let i = 0;
    while (i + 1 < rows.length && rows[i + 1]!.get(frame) === rows[i]!.get(frame)) i++;
    blamed.set(frame, firstParents[i]!);
  }
  return blamed;
}

function perFrame(b: TrackBlame): Map<number, string> {
  const out = new Map<number, string>();
  for (const r of b.frames) for (let f = r.from; f <= r.to; f++) out.set(f, r.commit);
  return out;
}

beforeAll(async () => {
  repo = await initRepo(tmp.root());
  let rows = ROWS;
  await importCampus(rows); // introduces every track
  rows = moved(rows, '1', 10, 20, 5);
  await importCampus(rows);
  await importCampus(moved(rows, '2', 5, 5, 9)); // another track only
  rows = moved(rows, '2', 5, 5, 9);
  const labels = writeJsonLines(join(tmp.root(), 'labels.jsonl'), [
    { image: 'x', label: '1', category: 'car', bbox: [0, 0, 1, 1] },
  ]);
  await repo.ok(['import', 'labels', labels, '--allow-unknown-images']); // no track at all
  rows = without(rows, '1', 21, 22); // a gap: track 1 is outside there
  await importCampus(rows);
  await repo.ok(['branch', 'create', 'side']);
  await importCampus(moved(rows, '1', 15, 18, 3), 'side');
  await repo.ok(['merge', 'side', '--into', 'main', '--no-ff']);
});

describe('verso blame VIDEO --track ID', () => {
  it('blames each visible frame on the commit the brute force over MOT exports finds', async () => {
    for (const track of ['1', '2']) {
      const b = await repo.json<TrackBlame>(['blame', 'campus', '--track', track]);
      const expected = await bruteForce('main', track);
      expect(expected.size).toBeGreaterThan(10);
      expect(perFrame(b)).toEqual(expected);
      if (track === '1') {
        // The first import, the move of frames 10-20 and the merge own frames of track 1; the
        // gap's commit owns none (its frames are not visible), nor do the unrelated commits.
        expect(new Set(b.frames.map((r) => r.commit)).size).toBe(3);
        expect([...expected.keys()].some((f) => f === 20 || f === 21)).toBe(false);
      }
      expect(b).toMatchObject({ video: 'campus', track });
      // Ranges are sorted, disjoint, and each names one commit.
      b.frames.forEach((r, i) => {
        expect(r.from).toBeLessThanOrEqual(r.to);
        if (i > 0) expect(r.from).toBeGreaterThan(b.frames[i - 1]!.to);
      });
    }
    const log = await repo.log('main');
    const one = await repo.json<TrackBlame>(['blame', 'campus', '--track', '1']);
    // Frames 15-18 (stored 14-17) came with the merge, the first parent's view of them.
    expect(one.frames.find((r) => r.from <= 14 && r.to >= 14)!.commit).toBe(log[0]!.id);
    expect(one.introduced.commit).toBe(log.at(-2)!.id); // the first import, after the initial commit
  });

  it('at an older ref, and as text', async () => {
    const log = await repo.log('main');
    const old = log[4]!.id; // the commit that moved frames 10-20 of track 1
    const b = await repo.json<TrackBlame>(['blame', 'campus', '--track', '1', '--ref', old]);
    expect(perFrame(b)).toEqual(await bruteForce(old, '1'));
    const text = await repo.ok(['blame', 'campus', '--track', '1']);
    expect(text).toMatch(/^campus track 1 \(/);
    expect(text).toMatch(/\n {2}frames \d+-\d+\s+[0-9a-f]{12} /);
  });

  it('refuses an unknown track or video, and a label with --track', async () => {
    expectFailure(
      await repo.run(['blame', 'campus', '--track', '99']),
      1,
      "no track '99' in video 'campus'",
    );
    expectFailure(
      await repo.run(['blame', 'nope', '--track', '1']),
      1,
      "no track '1' in video 'nope'",
    );
    expectFailure(
      await repo.run(['blame', 'campus', '7', '--track', '1']),
      2,
      '--track takes a video',
    );
  });
});

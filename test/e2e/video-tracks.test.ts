/**
 * Video tracks through the CLI (issue 18): `import cvat` on a CVAT for video export, `import
 * mot` and `export --format mot` row for row, `export --format cvat` read back track for track, `export --format yolo|coco` frame by frame (a
 * video without a size refused, nothing written), bad input refused naming file and line with
 * nothing written, and merges per keyframe: edits of different frames of one track combine,
 * the same keyframe edited two ways is a conflict naming video, track and frame.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectFailure, initRepo, REPO_ROOT, useTempRoot, type TestRepo } from './helpers.js';

const tmp = useTempRoot('video-tracks');
const REAL = resolve(REPO_ROOT, '../shared/data/real');
const TRAFFIC = join(REAL, 'cvat/traffic-video-tracking/annotations.xml');
const CAMPUS = join(REAL, 'mot/SU-T/motmetrics/data/TUD-Campus/gt.txt');

let repo: TestRepo;
beforeAll(async () => {
  repo = await initRepo(tmp.root());
});

/** A sequence folder `NAME/gt/gt.txt` holding `rows`. */
function sequence(name: string, rows: readonly string[], seqLength?: number): string {
  const dir = join(tmp.root(), 'seqs', name);
  mkdirSync(join(dir, 'gt'), { recursive: true });
  writeFileSync(join(dir, 'gt', 'gt.txt'), rows.map((r) => `${r}\n`).join(''));
  if (seqLength !== undefined)
    writeFileSync(join(dir, 'seqinfo.ini'), `[Sequence]\nname=${name}\nseqLength=${seqLength}\n`);
  return dir;
}

/** One track, id 1, frames 1..n, boxes that move non-linearly (every row a keyframe). */
const curved = (n: number, edit: Record<number, number> = {}) =>
  Array.from({ length: n }, (_, i) => {
    const f = i + 1;
    return `${f},1,${edit[f] ?? f * f},10,20,30,1,1,1`;
  });

/** `import mot` of `rows` as sequence `walk` (folder `name`) on `branch`. */
async function importWalk(r: TestRepo, name: string, rows: string[], branch = 'main') {
  await r.ok(['import', 'mot', sequence(name, rows), '--sequence', 'walk', '--branch', branch]);
}

describe('video tracks', () => {
  it('import cvat recognizes a CVAT for video export', async () => {
    const r = await repo.json<{ kind: string; records: { tracks: number; keyframes: number } }>([
      'import',
      'cvat',
      TRAFFIC,
    ]);
    expect(r.kind).toBe('video');
    expect(r.records.tracks).toBe(20);
    expect(r.records.keyframes).toBeGreaterThan(0);
    const text = await repo.ok(['import', 'cvat', TRAFFIC]);
    expect(text).toContain('nothing to commit');
  });

  it('export --format cvat, imported into a new repository: the same tracks', async () => {
    const [a, b] = [await initRepo(tmp.dir('cvat-a')), await initRepo(tmp.dir('cvat-b'))];
    await a.ok(['import', 'cvat', TRAFFIC]);
    const out = join(tmp.root(), 'traffic-export.xml');
    const r = await a.json<{ tracks: number; labels: number }>([
      'export',
      'main',
      '--format',
      'cvat',
      '--out',
      out,
    ]);
    expect(r.tracks).toBe(20);
    expect(r.labels).toBeGreaterThanOrEqual(1751);
    await b.ok(['import', 'cvat', out]);
    expect(await b.ok(['tracks', 'main', '--json'])).toBe(await a.ok(['tracks', 'main', '--json']));
    expect(await a.ok(['import', 'cvat', out])).toContain('nothing to commit');

    // a second video: one CVAT file holds one, so the export is refused, nothing written
    await a.ok(['import', 'mot', sequence('second', ['1,1,0,0,5,5,1,1,1'])]);
    const refused = join(tmp.root(), 'two-videos.xml');
    expectFailure(
      await a.run(['export', 'main', '--format', 'cvat', '--out', refused]),
      1,
      'a CVAT for video file holds one video',
    );
    expect(existsSync(refused)).toBe(false);
  });

  it('import mot, export --format mot: every row back', async () => {
    const dir = sequence('campus', readFileSync(CAMPUS, 'utf8').trim().split('\n'));
    await repo.ok(['import', 'mot', dir]);
    const out = join(tmp.root(), 'mot-out');
    await repo.ok(['export', 'main', '--format', 'mot', '--out', out]);
    const back = readFileSync(join(out, 'campus', 'gt', 'gt.txt'), 'utf8');
    expect(back).toBe(readFileSync(CAMPUS, 'utf8').replace(/\r\n/g, '\n'));
    const filtered = join(tmp.root(), 'mot-filtered');
    const refused = await repo.run([
      'export',
      'main',
      '--format',
      'mot',
      '--out',
      filtered,
      '--where',
      'class = car',
    ]);
    expectFailure(refused, 1, 'exports every video track', 'a label filter');
    expect(existsSync(filtered)).toBe(false);
  });

  it('export --format yolo|coco writes the frames of a video, and refuses one without a size', async () => {
    const frames = await initRepo(join(tmp.root(), 'frames-repo'));
    await frames.ok(['import', 'cvat', TRAFFIC]);
    const yolo = join(tmp.root(), 'frames-yolo');
    const y = await frames.json<{ images: number; labels: number }>([
      'export',
      'main',
      '--format',
      'yolo',
      '--out',
      yolo,
    ]);
    const coco = join(tmp.root(), 'frames.json');
    const c = await frames.json<{ images: number; labels: number }>([
      'export',
      'main',
      '--format',
      'coco',
      '--out',
      coco,
    ]);
    expect([y.images, c.images]).toEqual([221, 221]);
    expect(y.labels).toBe(c.labels);
    const doc = JSON.parse(readFileSync(coco, 'utf8')) as { images: { file_name: string }[] };
    expect(doc.images[0]!.file_name).toMatch(/\/frame_000000$/);
    expect(existsSync(join(yolo, 'labels', `${doc.images[220]!.file_name}.txt`))).toBe(true);
    // main holds the MOT sequence 'campus', which has no width/height (no seqinfo.ini).
    for (const [format, out] of [
      ['yolo', join(tmp.root(), 'unsized-yolo')],
      ['coco', join(tmp.root(), 'unsized.json')],
    ] as const) {
      const refused = await repo.run(['export', 'main', '--format', format, '--out', out]);
      expectFailure(refused, 1, "'campus'", 'width/height');
      expect(existsSync(out)).toBe(false);
    }
  });

  it.each([
    [
      'same id twice in a frame',
      ['1,1,0,0,5,5,1,1,1', '1,1,1,1,5,5,1,1,1'],
      undefined,
      ':2',
      'twice',
    ],
    [
      'rows out of frame order',
      ['2,1,0,0,5,5,1,1,1', '1,1,1,1,5,5,1,1,1'],
      undefined,
      ':2',
      'frame order',
    ],
    [
      'a malformed row',
      ['1,1,0,0,5,5,1,1,1', '2,1,zero,0,5,5,1,1,1'],
      undefined,
      ':2',
      'expected a number',
    ],
    ['a frame beyond the sequence', ['1,1,0,0,5,5,1,1,1', '9,1,0,0,5,5,1,1,1'], 5, ':2', 'beyond'],
  ] as const)('import mot refuses %s, nothing written', async (name, rows, length, line, why) => {
    const before = await repo.head();
    const dir = sequence(name.replace(/ /g, '-'), rows, length);
    const r = await repo.run(['import', 'mot', dir]);
    expectFailure(r, 1, why);
    expect(r.stderr).toContain(`gt.txt${line}`);
    expect(await repo.head()).toBe(before);
  });

  it('import cvat refuses a frame beyond the video and frames out of order', async () => {
    const before = await repo.head();
    const text = readFileSync(TRAFFIC, 'utf8');
    const beyond = join(tmp.root(), 'beyond.xml');
    writeFileSync(
      beyond,
      text.replace(
        '<box frame="3" keyframe="1" outside="1"',
        '<box frame="300" keyframe="1" outside="1"',
      ),
    );
    expectFailure(
      await repo.run(['import', 'cvat', beyond]),
      1,
      "beyond the video's last frame 220",
    );
    const swapped = join(tmp.root(), 'swapped.xml');
    writeFileSync(
      swapped,
      text.replace('<box frame="1" keyframe="1"', '<box frame="0" keyframe="1"'),
    );
    expectFailure(await repo.run(['import', 'cvat', swapped]), 1, 'frame order');
    expect(await repo.head()).toBe(before);
  });

  it('merges edits of different frames of one track; one keyframe edited two ways conflicts', async () => {
    const r = await initRepo(tmp.root(), 'merge-repo');
    await importWalk(r, 'walk', curved(30));
    await r.ok(['branch', 'create', 'dev']);
    await importWalk(r, 'walk-dev', curved(30, { 5: 7 }), 'dev');
    await importWalk(r, 'walk-main', curved(30, { 25: 3 }));
    await r.ok(['merge', 'dev', '--into', 'main']);
    const out = join(tmp.root(), 'merged');
    await r.ok(['export', 'main', '--format', 'mot', '--out', out]);
    const rows = readFileSync(join(out, 'walk', 'gt', 'gt.txt'), 'utf8')
      .trim()
      .split('\n');
    expect(rows[4]).toBe('5,1,7,10,20,30,1,1,1');
    expect(rows[24]).toBe('25,1,3,10,20,30,1,1,1');

    await r.ok(['branch', 'create', 'dev2']);
    await importWalk(r, 'walk-a', curved(30, { 5: 7, 25: 3, 10: 1 }), 'dev2');
    await importWalk(r, 'walk-b', curved(30, { 5: 7, 25: 3, 10: 2 }));
    const stopped = await r.run(['merge', 'dev2', '--into', 'main']);
    expectFailure(stopped, 1, 'stopped');
    const status = await r.ok(['merge', 'status', '--into', 'main']);
    expect(status).toContain('keyframes/walk/1/9');
  });

  it('a track removed on one branch and given a keyframe on the other is a track conflict', async () => {
    const r = await initRepo(tmp.root(), 'removed-track-repo');
    const rows = readFileSync(CAMPUS, 'utf8').trim().split('\n');
    const importCampus = async (name: string, lines: string[], branch: string) =>
      r.ok(['import', 'mot', sequence(name, lines), '--sequence', 'campus', '--branch', branch]);
    await importCampus('campus-base', rows, 'main');
    await r.ok(['branch', 'create', 'a']);
    await r.ok(['branch', 'create', 'b']);
    const withoutTrack2 = rows.filter((l) => l.split(',')[1] !== '2');
    await importCampus('campus-a', withoutTrack2, 'a');
    // b moves the box of track 2 at its second frame: a keyframe added or changed on track 2
    const second = rows.filter((l) => l.split(',')[1] === '2')[1]!;
    const moved = second.replace(
      /^(\d+,2,)([\d.]+)/,
      (_m, head: string, x: string) => `${head}${Number(x) + 7}`,
    );
    const editedB = rows.map((l) => (l === second ? moved : l));
    await importCampus('campus-b', editedB, 'b');
    const exported = async (ref: string, out: string) => {
      await r.ok(['export', ref, '--format', 'mot', '--out', join(tmp.root(), out)]);
      return readFileSync(join(tmp.root(), out, 'campus', 'gt', 'gt.txt'), 'utf8');
    };
    const onlyA = await exported('a', 'only-a');
    const onlyB = await exported('b', 'only-b');
    const valueFile = join(tmp.root(), 'track.json');
    writeFileSync(valueFile, '{"category": "1"}');

    await r.ok(['branch', 'create', 'a2', '--from', 'a']);
    for (const [into, choice, expected] of [
      ['a', '--ours', onlyA],
      ['a2', '--theirs', onlyB],
    ] as const) {
      expectFailure(await r.run(['merge', 'b', '--into', into]), 1, 'stopped');
      const status = await r.json<{ conflicts: { id: string; kind: string }[] }>([
        'merge',
        'status',
        '--into',
        into,
      ]);
      expect(status.conflicts.map((c) => [c.id, c.kind])).toEqual([
        ['tracks/campus/2', 'delete/modify'],
      ]);
      expectFailure(
        await r.run(['merge', 'resolve', 'tracks/campus/2', '--value', valueFile, '--into', into]),
        1,
        'choose ours or theirs',
      );
      await r.ok(['merge', 'resolve', 'tracks/campus/2', choice, '--into', into]);
      await r.ok(['merge', 'commit', '--into', into]);
      expect(await exported(into, `merged-${into}`)).toBe(expected);
      await r.ok(['diff', `${into}~1`, into]);
    }
  });

  it('diff names a track and the frame ranges that changed', async () => {
    const r = await initRepo(tmp.root(), 'diff-repo');
    await importWalk(r, 'd30', curved(30));
    await r.ok(['import', 'mot', sequence('d20', curved(20, { 5: 7 }), 30), '--sequence', 'walk']);
    const text = await r.ok(['diff', 'main~1', 'main']);
    expect(text).toContain('~ tracks   walk track 1 (class 1): frames 4 moved, 20-29 now outside');
    const lines = (
      await r.jsonLines<{ tree: string; track?: { frames: unknown[] } }>(['diff', 'main~1', 'main'])
    ).filter((l) => l.track);
    expect(lines).toHaveLength(1);
    const stat = await r.json<Record<string, unknown>>(['diff', 'main~1', 'main', '--stat']);
    // frame 4 moved, frame 20 became the outside marker, frames 21-29 removed
    expect(stat['keyframes']).toEqual({ added: 0, removed: 9, modified: 2 });
    expect(stat['tracks']).toBeUndefined();
    expect(lines[0]!.track!.frames).toEqual([
      { kind: 'moved', from: 4, to: 4 },
      { kind: 'outside', from: 20, to: 29 },
    ]);
  });
});

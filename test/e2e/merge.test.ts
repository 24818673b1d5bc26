/**
 * `verso merge` through the CLI: fast-forward and no-op cases, disjoint edits combine to the
 * same snapshot as applying both batches (whichever side is ours), every conflict kind stops
 * the merge with nothing moved, the pending merge survives process restarts and is decided with
 * resolve / commit / abort, possible duplicates, and the compare-and-swap refusal.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  expectFailure,
  initRepo,
  seededRandom,
  useTempRoot,
  writeJsonLines,
  type LabelRecord,
  type TestRepo,
} from './helpers.js';
import { copyRepo } from './repo-copy.js';

const tmp = useTempRoot('merge');
let n = 0;

const label = (image: string, id: string, category: number, x: number, extra: object = {}) => ({
  image,
  label: id,
  category_id: category,
  category: `c${category}`,
  bbox: [x, 0, 10, 10],
  ...extra,
});

interface MergeStatusJson {
  readonly undecided: number;
  readonly conflicts: readonly {
    id: string;
    kind: string;
    base?: unknown;
    ours?: unknown;
    theirs?: unknown;
    resolution?: { choice: string; by: string; at: string };
  }[];
}

/** The repository every case starts from: 7 labels imported on main, `dev` created from it. */
async function buildTemplate(): Promise<TestRepo> {
  const dir = tmp.dir('template');
  const repo = await initRepo(dir);
  const base = Array.from({ length: 6 }, (_, i) => label('img1', String(i), 1, i * 20));
  await repo.importLabels(
    writeJsonLines(join(dir, 'base.jsonl'), [...base, label('img2', '1', 2, 0)]),
  );
  await repo.ok(['branch', 'create', 'dev']);
  return repo;
}

/** A private copy of the template, and a writer of edit files beside it. */
function setup(template: TestRepo): {
  repo: TestRepo;
  dir: string;
  edits: (name: string, ops: object[]) => string;
} {
  const dir = tmp.dir(`case-${n++}`);
  const repo = copyRepo(template, dir, 'repo');
  const edits = (name: string, ops: object[]) =>
    writeJsonLines(
      join(dir, `${name}.jsonl`),
      ops.map((o) => ({ op: 'put', ...o })),
    );
  return { repo, dir, edits };
}

const key = (r: LabelRecord) => `${r.image}/${r.label}`;

/** Merges dev into main expecting it to stop with `conflicts`, main unmoved; its status. */
async function stoppedMerge(repo: TestRepo, conflicts: string): Promise<MergeStatusJson> {
  const before = await repo.head('main');
  expectFailure(
    await repo.run(['merge', 'dev', '--into', 'main']),
    1,
    `merge into 'main' stopped: ${conflicts}`,
  );
  expect(await repo.head('main')).toBe(before);
  return repo.json<MergeStatusJson>(['merge', 'status', '--into', 'main']);
}

describe('verso merge', () => {
  let repo: TestRepo;
  let edits: (name: string, ops: object[]) => string;
  let dir: string;
  let template: TestRepo;
  beforeAll(async () => (template = await buildTemplate()));
  beforeEach(() => ({ repo, edits, dir } = setup(template)));

  it('fast-forwards when the destination has not moved, is a no-op into itself or a descendant', async () => {
    await repo.apply(edits('d1', [label('img1', '0', 1, 3)]), 'dev');
    const devHead = await repo.head('dev');
    expect(await repo.json<{ status: string }>(['merge', 'dev', '--into', 'main'])).toMatchObject({
      status: 'fast-forward',
      head: devHead,
    });
    expect(await repo.head('main')).toBe(devHead);
    expect((await repo.json<{ status: string }>(['merge', 'dev', '--into', 'main'])).status).toBe(
      'up-to-date',
    );
    expect((await repo.json<{ status: string }>(['merge', 'main', '--into', 'main'])).status).toBe(
      'up-to-date',
    );
    await repo.apply(edits('d2', [label('img1', '1', 1, 4)]), 'main');
    expect((await repo.json<{ status: string }>(['merge', 'dev', '--into', 'main'])).status).toBe(
      'up-to-date',
    );
  });

  it('--no-ff makes a merge commit with both parents and the source snapshot', async () => {
    await repo.apply(edits('d1', [label('img1', '0', 1, 3)]), 'dev');
    const r = await repo.json<{ status: string; commit: string }>([
      'merge',
      'dev',
      '--into',
      'main',
      '--no-ff',
    ]);
    expect(r.status).toBe('merged');
    const show = await repo.show('main');
    expect(show.parents).toHaveLength(2);
    expect(show.snapshot).toBe((await repo.show('dev')).snapshot);
  });

  it('combines disjoint edits into the snapshot of applying both batches, whichever side is ours', async () => {
    for (const seed of [1, 2]) {
      const rand = seededRandom(seed);
      const ids = Array.from({ length: 6 }, (_, i) => String(i));
      const pick = (): string => ids.splice(Math.floor(rand() * ids.length), 1)[0]!;
      const mine = [
        label('img1', pick(), 1, 100 + seed),
        { op: 'delete', image: 'img1', label: pick() },
        label('img3', 'n1', 3, 7),
      ];
      const theirs = [
        label('img1', pick(), 2, 50),
        label('img2', '1', 2, 9, { review: { status: 'approved', reviewer: 'r1' } }),
        label('img4', 'n2', 4, 0),
      ];
      const a = edits(`a${seed}`, mine);
      const b = edits(`b${seed}`, theirs);
      const tag = `s${seed}`;
      await repo.ok(['branch', 'create', `${tag}-ours`, '--from', 'main']);
      await repo.ok(['branch', 'create', `${tag}-theirs`, '--from', 'main']);
      await repo.ok(['branch', 'create', `${tag}-both`, '--from', 'main']);
      await repo.apply(a, `${tag}-ours`);
      await repo.apply(b, `${tag}-theirs`);
      await repo.apply(a, `${tag}-both`);
      await repo.apply(b, `${tag}-both`);
      await repo.ok(['branch', 'create', `${tag}-swap`, '--from', `${tag}-theirs`]);
      await repo.ok(['merge', `${tag}-theirs`, '--into', `${tag}-ours`]);
      await repo.ok(['merge', `${tag}-ours~1`, '--into', `${tag}-swap`]);
      const expected = (await repo.show(`${tag}-both`)).snapshot;
      expect((await repo.show(`${tag}-ours`)).snapshot).toBe(expected);
      expect((await repo.show(`${tag}-swap`)).snapshot).toBe(expected);
    }
  });

  it('stops on each conflict kind with nothing moved, listing base/ours/theirs', async () => {
    await repo.apply(
      edits('o', [label('img1', '0', 1, 1), label('img1', '1', 1, 1), label('img9', 'x', 1, 0)]),
      'main',
    );
    writeJsonLines(join(dir, 'o2.jsonl'), [{ op: 'delete', image: 'img1', label: '2' }]);
    await repo.apply(join(dir, 'o2.jsonl'), 'main');
    await repo.apply(
      edits('t', [label('img1', '0', 1, 2), label('img1', '2', 1, 2), label('img9', 'x', 2, 0)]),
      'dev',
    );
    writeJsonLines(join(dir, 't2.jsonl'), [{ op: 'delete', image: 'img1', label: '1' }]);
    await repo.apply(join(dir, 't2.jsonl'), 'dev');
    const s = await stoppedMerge(repo, '4 conflicts');
    const byId = Object.fromEntries(s.conflicts.map((c) => [c.id, c]));
    expect(byId['labels/img1/0']).toMatchObject({
      kind: 'modify/modify',
      base: { bbox: [0, 0, 10, 10] },
      ours: { bbox: [1, 0, 10, 10] },
      theirs: { bbox: [2, 0, 10, 10] },
    });
    expect(byId['labels/img1/1']).toMatchObject({ kind: 'modify/delete' });
    expect(byId['labels/img1/1']!.theirs).toBeUndefined();
    expect(byId['labels/img1/2']).toMatchObject({ kind: 'delete/modify' });
    expect(byId['labels/img9/x']).toMatchObject({
      kind: 'add/add',
      ours: { category_id: 1 },
      theirs: { category_id: 2 },
    });
    expect(s.undecided).toBe(4);
    expectFailure(await repo.run(['merge', 'dev', '--into', 'main']), 1, 'is pending');
    expectFailure(await repo.run(['merge', 'main~1', '--into', 'main']), 1, 'is pending');
    expectFailure(
      await repo.run(['merge', 'commit', '--into', 'main']),
      1,
      '4 undecided conflicts',
    );
  });

  it('records each decision and commits the decided snapshot with both parents', async () => {
    await repo.apply(
      edits('o', [label('img1', '0', 1, 1), label('img1', '1', 1, 1), label('img1', '3', 1, 1)]),
      'main',
    );
    await repo.apply(
      edits('t', [
        label('img1', '0', 1, 2),
        label('img1', '1', 1, 2),
        label('img1', '3', 1, 2),
        label('img1', '4', 1, 9),
      ]),
      'dev',
    );
    const ours = await repo.head('main');
    const theirs = await repo.head('dev');
    expectFailure(await repo.run(['merge', 'dev', '--into', 'main', '-m', 'bring dev in']), 1);
    await repo.ok(['merge', 'resolve', 'labels/img1/0', '--theirs', '--into', 'main']);
    await repo.ok(['merge', 'resolve', 'img1/1', '--ours']);
    writeFileSync(
      join(dir, 'v.json'),
      JSON.stringify({
        category_id: 7,
        category: 'c7',
        bbox: [5, 5, 5, 5],
        review: { status: 'approved', reviewer: 'lead' },
      }),
    );
    await repo.ok(['merge', 'resolve', 'labels/img1/3', '--value', join(dir, 'v.json')]);
    expectFailure(
      await repo.run(['merge', 'resolve', 'labels/nope/1', '--ours']),
      1,
      "no conflict 'labels/nope/1'",
    );
    const c = await repo.json<{ commit: string }>(['merge', 'commit']);
    const show = await repo.show('main');
    expect(show.commit).toBe(c.commit);
    expect(show.parents).toEqual([ours, theirs]);
    expect(show.message).toBe('bring dev in');
    const ops = show.operations as {
      op: string;
      resolutions: { id: string; choice: string; by: string }[];
    };
    expect(ops.op).toBe('merge');
    expect(ops.resolutions.map((r) => [r.id, r.choice])).toEqual([
      ['labels/img1/0', 'theirs'],
      ['labels/img1/1', 'ours'],
      ['labels/img1/3', 'value'],
    ]);
    expect(ops.resolutions.every((r) => r.by === 'e2e-tester <e2e@example.test>')).toBe(true);
    expect(await repo.ok(['show', 'main'])).toContain(
      'resolved labels/img1/0 (modify/modify): theirs by e2e-tester <e2e@example.test> at ',
    );
    const labels = new Map((await repo.cat('main')).map((r) => [key(r), r]));
    expect(labels.get('img1/0')!['bbox']).toEqual([2, 0, 10, 10]);
    expect(labels.get('img1/1')!['bbox']).toEqual([1, 0, 10, 10]);
    expect(labels.get('img1/3')).toMatchObject({
      category_id: 7,
      review: { status: 'approved', reviewer: 'lead' },
    });
    expect(labels.get('img1/4')!['bbox']).toEqual([9, 0, 10, 10]);
    expectFailure(await repo.run(['merge', 'status']), 1, 'no merge into');
    await repo.verify();
  });

  it('a pending merge survives gc: its auto-merged trees are kept until merge commit', async () => {
    await repo.apply(edits('o', [label('img1', '0', 1, 1)]), 'main');
    await repo.apply(edits('t', [label('img1', '0', 1, 2), label('img5', 'new', 3, 4)]), 'dev');
    expectFailure(await repo.run(['merge', 'dev']), 1, 'stopped');
    await repo.ok(['branch', 'delete', 'dev']);
    await repo.ok(['gc']);
    await repo.verify();
    await repo.ok(['merge', 'resolve', '--all', '--theirs']);
    await repo.ok(['merge', 'commit']);
    await repo.verify();
    const labels = new Map((await repo.cat('main')).map((r) => [key(r), r]));
    expect(labels.get('img1/0')!['bbox']).toEqual([2, 0, 10, 10]);
    expect(labels.get('img5/new')!['category_id']).toBe(3);
  });

  it('resolve --all, and abort drops the pending merge without moving anything (pending merges are per branch)', async () => {
    await repo.apply(edits('o', [label('img1', '0', 1, 1), label('img1', '1', 1, 1)]), 'main');
    await repo.apply(edits('t', [label('img1', '0', 1, 2), label('img1', '1', 1, 2)]), 'dev');
    const before = await repo.head('dev');
    expectFailure(
      await repo.run(['merge', 'main', '--into', 'dev']),
      1,
      "merge into 'dev' stopped",
    );
    expectFailure(await repo.run(['merge', 'status']), 1, "no merge into 'main'");
    const r = await repo.json<{ resolved: string[]; undecided: number }>([
      'merge',
      'resolve',
      '--all',
      '--theirs',
      '--into',
      'dev',
    ]);
    expect(r).toEqual({
      resolved: ['labels/img1/0', 'labels/img1/1'],
      undecided: 0,
      dropped: {},
    });
    await repo.ok(['merge', 'abort', '--into', 'dev']);
    expect(await repo.head('dev')).toBe(before);
    expectFailure(await repo.run(['merge', 'commit', '--into', 'dev']), 1, "no merge into 'dev'");
    expectFailure(await repo.run(['merge', 'main', '--into', 'dev']), 1, 'stopped');
    await repo.ok(['merge', 'resolve', '--all', '--theirs', '--into', 'dev']);
    await repo.ok(['merge', 'commit', '--into', 'dev']);
    expect((await repo.cat('dev')).find((x) => key(x) === 'img1/1')!['bbox']).toEqual([
      1, 0, 10, 10,
    ]);
    expect((await repo.show('dev')).parents).toEqual([before, await repo.head('main')]);
  });

  it('refuses to commit a pending merge after the destination moved (compare-and-swap)', async () => {
    await repo.apply(edits('o', [label('img1', '0', 1, 1)]), 'main');
    await repo.apply(edits('t', [label('img1', '0', 1, 2)]), 'dev');
    expectFailure(await repo.run(['merge', 'dev']), 1);
    await repo.ok(['merge', 'resolve', '--all', '--theirs']);
    await repo.apply(edits('o2', [label('img1', '5', 1, 77)]), 'main');
    const moved = await repo.head('main');
    expectFailure(
      await repo.run(['merge', 'commit']),
      1,
      "branch 'main' moved while its merge was pending",
    );
    expect(await repo.head('main')).toBe(moved);
  });

  it('blocks possible duplicates unless allowed; --ours keeps one drawing', async () => {
    await repo.apply(
      edits('o', [label('img2', 'a', 5, 100, { review: { status: 'pending' } })]),
      'main',
    );
    await repo.apply(
      edits('t', [
        label('img2', 'b', 5, 100.5, { review: { status: 'approved' } }),
        label('img2', 'c', 6, 100),
      ]),
      'dev',
    );
    await repo.ok(['branch', 'create', 'main2', '--from', 'main']);
    expectFailure(await repo.run(['merge', 'dev']), 1, '1 possible duplicate');
    const s = await repo.json<MergeStatusJson>(['merge', 'status']);
    expect(s.conflicts.map((c) => c.id)).toEqual(['duplicate/img2/a+b']);
    expectFailure(
      await repo.run(['merge', 'resolve', 'duplicate/img2/a+b', '--value', join(dir, 'x.json')]),
      1,
    );
    await repo.ok(['merge', 'resolve', 'duplicate/img2/a+b', '--ours']);
    await repo.ok(['merge', 'commit']);
    const img2 = (await repo.cat('main')).filter((r) => r.image === 'img2').map((r) => r.label);
    expect(img2).toEqual(['1', 'a', 'c']);

    const r = await repo.json<{ status: string; duplicates_allowed: number }>([
      'merge',
      'dev',
      '--into',
      'main2',
      '--allow-duplicates',
    ]);
    expect(r).toMatchObject({ status: 'merged', duplicates_allowed: 1 });
    const ops = (await repo.show('main2')).operations as { possible_duplicates_allowed: unknown[] };
    expect(ops.possible_duplicates_allowed).toEqual([{ image: 'img2', ours: 'a', theirs: 'b' }]);
    expect((await repo.cat('main2')).filter((x) => x.image === 'img2').map((x) => x.label)).toEqual(
      ['1', 'a', 'b', 'c'],
    );
  });

  it('merges a criss-cross history against a virtual base', async () => {
    await repo.apply(edits('o', [label('img1', '0', 1, 1)]), 'main');
    await repo.apply(edits('t', [label('img1', '1', 1, 2)]), 'dev');
    await repo.ok(['branch', 'create', 'main-before', '--from', 'main']);
    await repo.ok(['merge', 'dev', '--into', 'main', '--no-ff']);
    await repo.ok(['merge', 'main-before', '--into', 'dev', '--no-ff']);
    await repo.apply(edits('o3', [label('img1', '2', 1, 3)]), 'main');
    await repo.apply(edits('t3', [label('img1', '3', 1, 4)]), 'dev');
    const r = await repo.json<{ status: string; bases: string[] }>([
      'merge',
      'dev',
      '--into',
      'main',
    ]);
    expect(r.status).toBe('merged');
    expect(r.bases).toHaveLength(2);
    const bbox = new Map((await repo.cat('main')).map((x) => [key(x), (x['bbox'] as number[])[0]]));
    expect([0, 1, 2, 3].map((i) => bbox.get(`img1/${i}`))).toEqual([1, 2, 3, 4]);
  });
});

describe('verso merge of category lists', () => {
  /** A COCO file with one image, no annotations and the given categories. */
  const coco = (dir: string, name: string, names: readonly string[]) => {
    const file = join(dir, `${name}.json`);
    writeFileSync(
      file,
      JSON.stringify({
        images: [{ id: 1, file_name: 'a.jpg', width: 10, height: 10 }],
        annotations: [],
        categories: names.map((n, i) => ({ id: i + 1, name: n })),
      }),
    );
    return file;
  };

  it('takes a one-sided change; both changed differently is a categories conflict decided with --theirs', async () => {
    const dir = tmp.dir(`case-${n++}`);
    const repo = await initRepo(dir);
    await repo.ok(['import', 'coco', coco(dir, 'base', ['cat'])]);
    await repo.ok(['branch', 'create', 'dev']);
    await repo.ok(['branch', 'create', 'side']);
    await repo.ok(['import', 'coco', coco(dir, 'dev', ['cat', 'bird']), '--branch', 'dev']);
    await repo.ok(['import', 'coco', coco(dir, 'main', ['cat', 'dog']), '--branch', 'main']);
    const devList = (await repo.show('dev')).categories!;
    expect(devList.count).toBe(2);
    // side changes nothing in the list: merging dev into it takes dev's list.
    await repo.ok(['merge', 'dev', '--into', 'side', '--no-ff']);
    expect((await repo.show('side')).categories).toEqual(devList);

    const s = await stoppedMerge(repo, '1 conflict');
    expect(s.conflicts).toEqual([
      {
        id: 'categories',
        kind: 'modify/modify',
        ours: (await repo.show('main')).categories!.id,
        theirs: devList.id,
      },
    ]);
    expectFailure(
      await repo.run(['merge', 'resolve', 'categories', '--both', '--into', 'main']),
      1,
      'applies to possible duplicates',
    );
    await repo.ok(['merge', 'resolve', 'categories', '--theirs', '--into', 'main']);
    await repo.ok(['merge', 'commit', '--into', 'main']);
    expect((await repo.show('main')).categories).toEqual(devList);
    const out = join(dir, 'out.json');
    await repo.ok(['export', 'main', '--format', 'coco', '--out', out]);
    const exported = JSON.parse(readFileSync(out, 'utf8')) as { categories: { name: string }[] };
    expect(exported.categories.map((c) => c.name)).toEqual(['cat', 'bird']);
    await repo.verify();
  });
});

/**
 * The active-learning loop end to end through the CLI (issue 17), on the real Pascal VOC 2012
 * ground truth and its 452 real detector predictions (COCO format): model det@1's predictions
 * -> `select` -> a slice -> a relabeling branch merged back -> `run start --slice` on main ->
 * model det@2. `lineage up` of the later run reaches the slice and the model that chose its
 * data; `lineage down` of det@1 (or of its prediction set, or of the slice) reaches the later
 * run and its model. `predict promote --expected-head` refuses a moved branch. Bad input
 * (no dataset nor slice, an unknown slice, an unknown ref) records no run.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, expectFailure, initRepo, useTempRoot, type TestRepo } from './helpers.js';

const DATA = join(
  REPO_ROOT,
  '../shared/data/real/coco/review_object_detection_metrics/data/database',
);
const GT = join(DATA, 'gts/coco_format_v1/instances_default.json');
const DETS = join(DATA, 'dets/coco_format/coco_dets.json');

const tmp = useTempRoot('active-learning-loop');
let repo: TestRepo;
let data: string;
let selection: { slice: string; images: string[] };
let laterRun: { id: string; slice: string | null; example_count: number; commit: string };

interface RunJson {
  readonly run: { id: string; slice: string | null; example_count: number; commit: string };
}

beforeAll(async () => {
  repo = await initRepo(tmp.root());
  data = tmp.dir('data');
  await repo.ok(['import', 'coco', GT, '--branch', 'main']);
  const { run } = await repo.json<RunJson>(['run', 'start', '--dataset', 'main']);
  await repo.ok(['model', 'register', '--run', run.id, '--name', 'det', '--version', '1']);
  const results = join(data, 'results.json');
  const dets = JSON.parse(readFileSync(DETS, 'utf8')) as { annotations: unknown[] };
  writeFileSync(results, JSON.stringify(dets.annotations));
  await repo.ok(['predict', 'import', '--model', 'det@1', '--coco', DETS, results]);
  selection = await repo.json(
    ['select', '--dataset', 'main', '--predictions', 'det@1', '--strategy', 'margin'].concat([
      '--top',
      '4',
      '--name',
      'hard-4',
    ]),
  );
  // Relabel one chosen image on a branch made from the slice, and merge it back.
  await repo.ok(['slice', 'branch', selection.slice, '--name', 'relabel']);
  const target = (await repo.cat('relabel')).find((l) => l.image === selection.images[0])!;
  const fix = join(data, 'fix.jsonl');
  const op = { op: 'patch', image: target.image, label: target.label, attributes: { fixed: true } };
  writeFileSync(fix, JSON.stringify(op) + '\n');
  await repo.apply(fix, 'relabel');
  await repo.ok(['merge', 'relabel', '--into', 'main']);
  laterRun = (await repo.json<RunJson>(['run', 'start', '--dataset', 'main', '--slice', 'hard-4']))
    .run;
  await repo.ok(['model', 'register', '--run', laterRun.id, '--name', 'det', '--version', '2']);
}, 180_000);

describe('a run on a slice', () => {
  it("trains on the slice's images as they are at the dataset ref", async () => {
    expect(laterRun.slice).toBe(selection.slice);
    expect(laterRun.commit).toBe(await repo.head('main'));
    const mine = (await repo.cat('main')).filter((l) => selection.images.includes(l.image));
    expect(laterRun.example_count).toBe(mine.length);
    const out = join(data, 'examples.jsonl');
    await repo.ok([
      'export',
      laterRun.commit,
      '--format',
      'jsonl',
      '--out',
      out,
      '--where',
      `image in (${selection.images.map((i) => JSON.stringify(i)).join(', ')})`,
    ]);
    const exported = readFileSync(out, 'utf8').trim().split('\n');
    expect(exported).toHaveLength(laterRun.example_count);
    expect(
      exported.some(
        (l) => (JSON.parse(l) as { attributes?: { fixed?: boolean } }).attributes?.fixed,
      ),
    ).toBe(true);
  });

  it('defaults to the slice commit without --dataset, and narrows by --where', async () => {
    const shown = await repo.json<{ commit: string }>(['slice', 'show', 'hard-4']);
    const { run } = await repo.json<RunJson>(['run', 'start', '--slice', selection.slice]);
    expect(run.commit).toBe(shown.commit);
    expect(run.slice).toBe(selection.slice);
    const one = selection.images[0]!;
    const narrowed = (
      await repo.json<RunJson>([
        'run',
        'start',
        '--slice',
        'hard-4',
        '--where',
        `image = ${JSON.stringify(one)}`,
      ])
    ).run;
    const onOne = (await repo.cat('main')).filter((l) => l.image === one).length;
    expect(narrowed.example_count).toBe(onOne);
  });
});

describe('lineage through the loop', () => {
  it('goes up from the later run to the slice and the model that chose its data', async () => {
    const up = await repo.json<{
      run: { id: string };
      trained_on: {
        slice: { id: string; name: string };
        selected_by: {
          model: { name: string; version: string };
          strategy: string;
          prediction_set: { id: string };
        };
      };
    }>(['lineage', 'up', laterRun.id]);
    expect(up.run.id).toBe(laterRun.id);
    expect(up.trained_on.slice).toMatchObject({ id: selection.slice, name: 'hard-4' });
    expect(up.trained_on.selected_by.model).toMatchObject({ name: 'det', version: '1' });
    expect(up.trained_on.selected_by.strategy).toBe('margin');
    expect(up.trained_on.selected_by.prediction_set.id).toMatch(/^pset-/);
    const text = await repo.ok(['lineage', 'up', laterRun.id]);
    expect(text).toContain(`slice      ${selection.slice} hard-4`);
    expect(text).toMatch(/chosen by {2}margin on prediction set pset-\w+ of model \S+ det@1/);
  });

  it('goes down from the first model through its set and slice to the later run and model', async () => {
    interface Down {
      runs: {
        models: {
          name: string;
          version: string;
          prediction_sets: {
            id: string;
            slices: {
              id: string;
              runs: { id: string; models: { name: string; version: string }[] }[];
            }[];
          }[];
        }[];
      }[];
    }
    const down = await repo.json<Down>(['lineage', 'down', 'det@1']);
    const det1 = down.runs[0]!.models[0]!;
    expect([det1.name, det1.version]).toEqual(['det', '1']);
    expect(det1.prediction_sets).toHaveLength(1);
    const [chosen] = det1.prediction_sets[0]!.slices;
    expect(chosen!.id).toBe(selection.slice);
    const runIds = chosen!.runs.map((r) => r.id);
    expect(runIds).toContain(laterRun.id);
    const later = chosen!.runs.find((r) => r.id === laterRun.id)!;
    expect(later.models.map((m) => `${m.name}@${m.version}`)).toEqual(['det@2']);
    const text = await repo.ok(['lineage', 'down', 'det@1']);
    expect(text).toMatch(/prediction set pset-\w+ \(452 predictions/);
    expect(text).toContain(`trained run ${laterRun.id}`);
    expect(text).toContain('-> model');

    const setId = det1.prediction_sets[0]!.id;
    const fromSet = await repo.json<{ prediction_set: { id: string; slices: { id: string }[] } }>([
      'lineage',
      'down',
      setId,
    ]);
    expect(fromSet.prediction_set.slices.map((s) => s.id)).toEqual([selection.slice]);
    const fromSlice = await repo.json<{ slice: { id: string; runs: { id: string }[] } }>([
      'lineage',
      'down',
      selection.slice,
    ]);
    expect(fromSlice.slice.runs.map((r) => r.id)).toEqual(runIds);
  });

  it('a run without a slice has no trained_on, and a model without sets lists none', async () => {
    const plain = (await repo.json<RunJson>(['run', 'start', '--dataset', 'main'])).run;
    const up = await repo.json<Record<string, unknown>>(['lineage', 'up', plain.id]);
    expect(up['trained_on']).toBeUndefined();
    const down = await repo.json<{ runs: { models: { prediction_sets: unknown[] }[] }[] }>([
      'lineage',
      'down',
      'det@2',
    ]);
    expect(down.runs[0]!.models[0]!.prediction_sets).toEqual([]);
  });
});

describe('promote --expected-head', () => {
  it('refuses a branch that moved and writes nothing; promotes at the head it names', async () => {
    await repo.ok(['branch', 'create', 'drafts', '--from', 'main']);
    const stale = await repo.head('drafts');
    const fix = join(data, 'move.jsonl');
    const one = (await repo.cat('drafts'))[0]!;
    const op = { op: 'patch', image: one.image, label: one.label, attributes: { moved: true } };
    writeFileSync(fix, JSON.stringify(op) + '\n');
    await repo.apply(fix, 'drafts');
    const moved = await repo.head('drafts');
    const refused = await repo.run(
      ['predict', 'promote', 'det@1', '--branch', 'drafts', '--where', 'score >= 0.8'].concat([
        '--expected-head',
        stale,
      ]),
    );
    expectFailure(refused, 1, 'drafts');
    expect(await repo.head('drafts')).toBe(moved);
    const r = await repo.json<{ committed: boolean; promoted: number }>(
      ['predict', 'promote', 'det@1', '--branch', 'drafts', '--where', 'score >= 0.8'].concat([
        '--expected-head',
        moved,
      ]),
    );
    expect(r.committed).toBe(true);
    expect(r.promoted).toBeGreaterThan(0);
  });
});

describe('select --diversity', () => {
  it('chooses among the hardest by embedding, recorded in the slice; bad input writes nothing', async () => {
    const images = [...new Set((await repo.cat('main')).map((l) => l.image))];
    const vectors = join(data, 'embeddings.jsonl');
    const line = (image: string, i: number) => JSON.stringify({ image, vector: [Math.cos(i), Math.sin(i), (i % 7) / 7] });
    writeFileSync(vectors, images.map(line).join('\n') + '\n');
    const args = ['select', '--dataset', 'main', '--predictions', 'det@1', '--strategy', 'entropy', '--top', '5'];
    const plain = await repo.json<{ slice: string; images: string[] }>(args);
    const diverse = await repo.json<{ slice: string; images: string[] }>([...args, '--diversity', `embedding:${vectors}`]);
    expect(diverse.images).toHaveLength(5);
    expect(diverse.images[0]).toBe(plain.images[0]);
    expect(diverse.slice).not.toBe(plain.slice);
    const shown = await repo.json<{ selection: { params: Record<string, unknown> } }>(['slice', 'show', diverse.slice]);
    expect(shown.selection.params).toMatchObject({ diversity: 'embedding', diversity_pool: 50 });
    const slices = (await repo.ok(['lineage', 'down', 'det@1', '--json'])).length;
    expectFailure(await repo.run([...args, '--diversity', vectors]), 2, 'expected embedding:FILE');
    expectFailure(await repo.run([...args, '--diversity', 'embedding:/no/such/file.jsonl']), 1, '/no/such/file.jsonl');
    const partial = join(data, 'partial.jsonl');
    writeFileSync(partial, images.slice(0, 3).map(line).join('\n') + '\n');
    expectFailure(await repo.run([...args, '--diversity', `embedding:${partial}`]), 1, 'no vector for image');
    expect((await repo.ok(['lineage', 'down', 'det@1', '--json'])).length).toBe(slices);
  }); // prettier-ignore
});

describe('a run on a saved slice with a schema', () => {
  it("trains in the slice's schema and refuses another", async () => {
    const gt = JSON.parse(readFileSync(GT, 'utf8')) as { categories: { id: number; name: string }[] };
    const classes = gt.categories.map(({ id, name }) => ({ id, name }));
    const v1 = join(data, 'v1.json');
    const v2 = join(data, 'v2.json');
    writeFileSync(v1, JSON.stringify({ classes }));
    writeFileSync(v2, JSON.stringify({ classes: [...classes, { id: 99, name: 'kite' }] }));
    await repo.ok(['schema', 'create', '1.0', '--from', v1]);
    await repo.ok(['schema', 'create', '2.0', '--from', v2, '--parent', '1.0']);
    await repo.ok(['branch', 'create', 'typed', '--from', 'main']);
    await repo.ok(['migrate', '--branch', 'typed', '--to', '1.0']);
    await repo.ok(['slice', 'save', 'dogs', '--dataset', 'typed', '--schema', '1.0', '--where', 'class = dog']);
    const { run } = await repo.json<RunJson & { run: { schema: string | null; filter: string } }>(['run', 'start', '--slice', 'dogs']);
    expect([run.schema, run.filter]).toEqual(['1.0', 'class = dog']);
    const before = (await repo.jsonLines<{ id: string }>(['run', 'list'])).length;
    expectFailure(await repo.run(['run', 'start', '--slice', 'dogs', '--schema', '2.0']), 1, 'was saved in schema 1.0');
    expect(await repo.jsonLines<{ id: string }>(['run', 'list'])).toHaveLength(before);
  }); // prettier-ignore
});

describe('bad input records no run', () => {
  it.each([
    [['run', 'start'], 2, 'give --dataset REF, --slice S, or both'],
    [['run', 'start', '--slice', 'no-such-slice'], 1, "no slice 'no-such-slice'"],
    [['run', 'start', '--dataset', 'nope', '--slice', 'hard-4'], 1, 'nope'],
  ] as const)('%j', async (args, code, message) => {
    const before = (await repo.jsonLines<{ id: string }>(['run', 'list'])).length;
    expectFailure(await repo.run(args), code, message);
    expect(await repo.jsonLines<{ id: string }>(['run', 'list'])).toHaveLength(before);
  });
});

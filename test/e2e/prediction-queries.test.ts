/**
 * Predictions next to labels through the CLI (issue 17), on the real Pascal VOC 2012 ground
 * truth and the 452 real detector predictions shipped with it (COCO format): `pred(M)` terms
 * in `count`, `cat --explain` and `export --where`; `select --strategy disagreement`; `predict
 * disagreements`; `predict promote` with `blame` and `lineage up` of a promoted label; `slice
 * show/export/branch`. Bad input (unknown model, set or slice, a threshold outside [0, 1], a
 * label filter where a prediction filter belongs, an unknown branch) exits non-zero with a clear
 * message and writes nothing.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, expectFailure, initRepo, useTempRoot, type TestRepo } from './helpers.js';

const DATA = join(
  REPO_ROOT,
  '../shared/data/real/coco/review_object_detection_metrics/data/database',
);
const GT = join(DATA, 'gts/coco_format_v1/instances_default.json');
const DETS = join(DATA, 'dets/coco_format/coco_dets.json');

const tmp = useTempRoot('prediction-queries');
let repo: TestRepo;
let data: string;

beforeAll(async () => {
  repo = await initRepo(tmp.root());
  data = tmp.dir('data');
  await repo.ok(['import', 'coco', GT, '--branch', 'main']);
  const { run } = await repo.json<{ run: { id: string } }>(['run', 'start', '--dataset', 'main']);
  await repo.ok(['model', 'register', '--run', run.id, '--name', 'det', '--version', '1']);
  const results = join(data, 'results.json');
  writeFileSync(
    results,
    JSON.stringify(
      (JSON.parse(readFileSync(DETS, 'utf8')) as { annotations: unknown[] }).annotations,
    ),
  );
  await repo.ok(['predict', 'import', '--model', 'det@1', '--coco', DETS, results]);
  const approve = (await repo.cat('main')).map((l) =>
    JSON.stringify({
      op: 'patch',
      image: l.image,
      label: l.label,
      review: { status: 'approved', reviewer: 'rita' },
    }),
  );
  writeFileSync(join(data, 'approve.jsonl'), approve.join('\n') + '\n');
  await repo.apply(join(data, 'approve.jsonl'), 'main');
  await repo.ok(['branch', 'create', 'prelabel']);
}, 120_000);

const count = async (where: string) =>
  (await repo.json<{ labels: number }>(['count', 'main', '--where', where])).labels;

describe('pred(M) in count, cat and export', () => {
  it('counts what cat lists, explains the join, exports the matching labels', async () => {
    const fn = await count('not matched(pred(det@1))');
    const wrong = await count('pred(det@1).class != class');
    expect(fn).toBeGreaterThan(0);
    expect(wrong).toBeGreaterThan(0);
    expect(fn + (await count('matched(pred(det@1))'))).toBe(273);
    const listed = (await repo.ok(['cat', 'main', '--where', 'not matched(pred(det@1))']))
      .trim()
      .split('\n');
    expect(listed).toHaveLength(fn);
    const plan = await repo.json<{ steps: string[] }>([
      'count',
      'main',
      '--where',
      'iou(pred(det@1), label) < 0.5',
      '--explain',
    ]);
    expect(plan.steps[0]).toMatch(/^pred\(det@1\): prediction set pset-\w+ \(452 predictions/);
    const out = join(data, 'wrong.json');
    await repo.ok([
      'export',
      'main',
      '--format',
      'coco',
      '--out',
      out,
      '--where',
      'pred(det@1).class != class',
    ]);
    expect(
      (JSON.parse(readFileSync(out, 'utf8')) as { annotations: unknown[] }).annotations,
    ).toHaveLength(wrong);
  });
});

describe('disagreements, promote, slices', () => {
  it('lists confident disagreements with the reviewer, and selects by them', async () => {
    const d = await repo.json<{
      disagreements: { score: number; reviewer: string; class: string; predicted_class: string }[];
    }>([
      'predict',
      'disagreements',
      '--dataset',
      'main',
      '--predictions',
      'det@1',
      '--min-score',
      '0.3',
    ]);
    expect(d.disagreements.length).toBeGreaterThan(0);
    expect(d.disagreements.length).toBeLessThanOrEqual(await count('pred(det@1).class != class'));
    for (const x of d.disagreements)
      expect([x.reviewer, x.class !== x.predicted_class, x.score >= 0.3]).toEqual([
        'rita',
        true,
        true,
      ]);
    const scores = d.disagreements.map((x) => x.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    const sel = await repo.json<{ slice: string; images: string[] }>([
      'select',
      '--dataset',
      'main',
      '--predictions',
      'det@1',
      '--strategy',
      'disagreement',
      '--top',
      '3',
      '--name',
      'confused',
    ]);
    expect(sel.images).toHaveLength(3);
    const shown = await repo.json<{ images: { image: string }[] }>(['slice', 'show', 'confused']);
    expect(shown.images.map((i) => i.image)).toEqual(sel.images);
    const out = join(data, 'confused.jsonl');
    await repo.ok(['slice', 'export', sel.slice, '--format', 'jsonl', '--out', out]);
    const images = new Set(
      readFileSync(out, 'utf8')
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as { image: string }).image),
    );
    expect([...images].sort()).toEqual([...sel.images].sort());
    await repo.ok(['slice', 'branch', sel.slice, '--name', 'relabel-7']);
    expect(await repo.head('relabel-7')).toBe(await repo.head('main'));
  });

  it('promotes confident predictions to pending labels that blame and lineage up trace to the model', async () => {
    const r = await repo.json<{ promoted: number; committed: boolean }>([
      'predict',
      'promote',
      'det@1',
      '--branch',
      'prelabel',
      '--where',
      'score >= 0.8',
    ]);
    expect(r.committed).toBe(true);
    expect(r.promoted).toBeGreaterThan(0);
    const pending = await repo.json<{ labels: number }>([
      'count',
      'prelabel',
      '--where',
      'review.status = pending',
    ]);
    expect(pending.labels).toBe(r.promoted);
    const one = (await repo.cat('prelabel')).find((l) => String(l.label).startsWith('pred-'))!;
    const [b] = await repo.json<{ proposed_by: { model_name: string } }[]>([
      'blame',
      one.image,
      one.label,
      '--ref',
      'prelabel',
    ]);
    expect(b!.proposed_by.model_name).toBe('det@1');
    expect(await repo.ok(['blame', one.image, one.label, '--ref', 'prelabel'])).toContain(
      'proposed by model det@1',
    );
    const up = await repo.json<{ model: { name: string }; prediction_set: { id: string } }>([
      'lineage',
      'up',
      `${one.image}/${one.label}`,
      '--at',
      'prelabel',
    ]);
    expect(up.model.name).toBe('det');
    expect(up.prediction_set.id).toMatch(/^pset-/);
  });
});

describe('bad input writes nothing', () => {
  it.each([
    [
      'count',
      ['count', 'main', '--where', 'pred(nobody@1).score < 0.5'],
      1,
      "no prediction set 'nobody@1'",
    ],
    [
      'count',
      ['count', 'main', '--where', 'pred(det@1).colour < 0.5'],
      1,
      'expected a prediction field',
    ],
    [
      'disagreements',
      ['predict', 'disagreements', '--dataset', 'main', '--predictions', 'nobody@1'],
      1,
      'nobody@1',
    ],
    [
      'disagreements',
      [
        'predict',
        'disagreements',
        '--dataset',
        'main',
        '--predictions',
        'det@1',
        '--min-score',
        '1.5',
      ],
      2,
      'expected a number in [0, 1]',
    ],
    ['promote', ['predict', 'promote', 'nobody@1', '--branch', 'prelabel'], 1, 'nobody@1'],
    [
      'promote',
      [
        'predict',
        'promote',
        'det@1',
        '--branch',
        'prelabel',
        '--where',
        'review.status = approved',
      ],
      1,
      'prediction filter',
    ],
    ['promote', ['predict', 'promote', 'det@1', '--branch', 'nope'], 1, 'nope'],
    [
      'select',
      [
        'select',
        '--dataset',
        'main',
        '--predictions',
        'nobody@1',
        '--strategy',
        'disagreement',
        '--top',
        '3',
      ],
      1,
      'nobody@1',
    ],
    ['slice show', ['slice', 'show', 'no-such-slice'], 1, "no slice 'no-such-slice'"],
    [
      'slice export',
      ['slice', 'export', 'no-such-slice', '--format', 'coco', '--out', 'OUT'],
      1,
      "no slice 'no-such-slice'",
    ],
    [
      'slice branch',
      ['slice', 'branch', 'no-such-slice', '--name', 'never'],
      1,
      "no slice 'no-such-slice'",
    ],
  ] as const)('%s: %j', async (_what, args, code, message) => {
    const heads = [await repo.head('main'), await repo.head('prelabel')];
    const slices = (await repo.ok(['lineage', 'down', 'main', '--json'])).length;
    const out = join(data, 'never.json');
    const r = await repo.run(args.map((a) => (a === 'OUT' ? out : a)));
    expectFailure(r, code, message);
    expect([await repo.head('main'), await repo.head('prelabel')]).toEqual(heads);
    expect((await repo.ok(['lineage', 'down', 'main', '--json'])).length).toBe(slices);
    expect(existsSync(out)).toBe(false);
    expect((await repo.refs('branch')).map((b) => b.name)).not.toContain('never');
    expect((await repo.refs('branch')).map((b) => b.name)).not.toContain('nope');
  });
});

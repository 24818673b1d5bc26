/**
 * Lineage end to end: `run start` on a tag is reproducible (same example-set hash) and keeps
 * its exact commit when the branch moves; models and predictions (single and batch) are
 * recorded; `explain` returns the training examples whose vectors were built to win (one-hot
 * directions), with annotator and reviewer resolved through the run's commit; `lineage up`
 * and `down` walk the chain; bad input exits 1 with a clear message.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { encodeVectorFile } from '../../src/influence/vector-file.js';
import {
  expectFailure,
  generateProjectData,
  initRepo,
  readJsonLines,
  useTempRoot,
  writeJsonLines,
  type LabelRecord,
  type TestRepo,
} from './helpers.js';

const tmp = useTempRoot('lineage');
const WHERE = 'review.status = approved';
const DIM = 8;

interface RunJson {
  id: string;
  commit: string;
  example_set: string;
  example_count: number;
  dataset_ref: string;
  status: string;
}
interface UpJson {
  prediction?: { id: string; image: string; external_id: string | null };
  model?: { id: string; name: string };
  run?: RunJson;
  commit: { id: string };
  examples?: { count: number; root: string; reviewers?: string[]; annotators?: string[] };
}
interface DownJson {
  commit?: { id: string };
  runs: (RunJson & { models: { id: string; predictions: { total: number } }[] })[];
}
interface ExplainJson {
  kind: string;
  examples: {
    rank: number;
    score: number;
    image: string;
    label: string;
    annotator: unknown;
    annotated_at: unknown;
    reviewer: unknown;
    reviewed_at: unknown;
  }[];
}

let repo: TestRepo;
let data: string;
let records: LabelRecord[];
let approved: LabelRecord[];
let tagCommit: string;
let run1: RunJson;
let modelId: string;
let predictions: string[];

const slashKey = (r: { readonly image: unknown; readonly label?: unknown }): string =>
  `${String(r.image)}/${String(r.label)}`;
const startRun = async (...args: string[]) =>
  (await repo.json<{ run: RunJson }>(['run', 'start', ...args])).run;

beforeAll(async () => {
  const ds = await generateProjectData(tmp.dir('data'), 1500, 7, [300]);
  data = tmp.dir('files');
  repo = await initRepo(tmp.root());
  await repo.importLabels(ds.labelsFile);
  await repo.ok(['tag', 'create', 'production-v4', 'main']);
  tagCommit = await repo.head('production-v4');
  records = readJsonLines(ds.labelsFile);
  approved = records.filter((r) => r.review?.['status'] === 'approved');
  expect(approved.length).toBeGreaterThan(20);
  run1 = await startRun('--dataset', 'production-v4', '--where', WHERE, '--param', 'lr=0.1');
  await repo.apply(ds.editFiles[0]!.file, 'main');
}, 120_000);

describe('run start', () => {
  it('records the exact commit and a reproducible example-set hash', async () => {
    expect(run1).toMatchObject({
      dataset_ref: 'production-v4',
      commit: tagCommit,
      status: 'running',
    });
    expect(run1.example_count).toBe(approved.length);
    const again = await startRun('--dataset', 'production-v4', '--where', WHERE);
    expect(again.id).not.toBe(run1.id);
    expect(again.example_set).toBe(run1.example_set);
    expect(again.commit).toBe(tagCommit);
  });

  it('keeps what it recorded when the branch moves; a new run on main differs', async () => {
    const up = await repo.json<UpJson>(['lineage', 'up', run1.id]);
    expect(up.run?.commit).toBe(tagCommit);
    expect(up.run?.example_set).toBe(run1.example_set);
    const onMain = await startRun('--dataset', 'main', '--where', WHERE);
    expect(onMain.commit).toBe(await repo.head('main'));
    expect(onMain.commit).not.toBe(tagCommit);
    expect(onMain.example_set).not.toBe(run1.example_set);
  });

  it('saves a slice under its content hash, found from its commit', async () => {
    const save = () =>
      repo.json<{ id: string; example_count: number; commit: string }>([
        'slice',
        'save',
        'approved',
        '--dataset',
        'production-v4',
        '--where',
        WHERE,
      ]);
    const slice = await save();
    expect(slice).toMatchObject({
      id: run1.example_set,
      example_count: approved.length,
      commit: tagCommit,
    });
    expect((await save()).id).toBe(slice.id);
    const down = await repo.json<DownJson & { slices: { id: string }[] }>([
      'lineage',
      'down',
      'production-v4',
    ]);
    expect(down.slices.map((x) => x.id)).toEqual([slice.id]);
  });

  it('exports the example set in the same step', async () => {
    const out = join(data, 'train.jsonl');
    const r = await repo.json<{ run: RunJson; export: { labels: number } }>([
      'run',
      'start',
      '--dataset',
      'production-v4',
      '--where',
      WHERE,
      '--export',
      'jsonl',
      '--out',
      out,
    ]);
    expect(r.export.labels).toBe(approved.length);
    expect(readJsonLines(out).map(slashKey).sort()).toEqual(approved.map(slashKey).sort());
    expect(r.run.example_set).toBe(run1.example_set);
  });
});

describe('models, predictions, explain', () => {
  const winners = () => approved.slice(0, 10);

  beforeAll(async () => {
    // Gradient vectors: example i of the first ten points along e0 with length i + 1, the rest
    // along e1; a query along e0 ranks examples 9, 8, 7 first with scores 10, 9, 8.
    const lines = approved.slice(0, 40).map((r, i) => {
      const v = new Array<number>(DIM).fill(0);
      if (i < 10) v[0] = i + 1;
      else v[1] = 1;
      return { image: r.image, label: r.label, vector: v };
    });
    writeJsonLines(join(data, 'vectors.jsonl'), lines);
    await repo.ok(['run', 'add-vectors', run1.id, join(data, 'vectors.jsonl')]);
    modelId = (
      await repo.ok([
        'model',
        'register',
        '--run',
        run1.id,
        '--name',
        'det',
        '--version',
        '1',
        '--metric',
        'map=0.5',
      ])
    ).trim();
    writeFileSync(join(data, 'query.json'), JSON.stringify([1, 0, 0, 0, 0, 0, 0, 0]));
    const single = (
      await repo.ok([
        'predict',
        'record',
        '--model',
        'det@1',
        '--image',
        'img-a',
        '--output',
        '{"class":"cat"}',
        '--id',
        'ext-1',
        '--vector',
        join(data, 'query.json'),
      ])
    ).trim();
    const batch = writeJsonLines(join(data, 'preds.jsonl'), [
      { id: 'ext-2', image: 'img-b', output: { class: 'dog' }, vector: [0, 1, 0, 0, 0, 0, 0, 0] },
      { image: 'img-c', output: { class: 'car' }, time: '2026-01-01T00:00:00Z' },
    ]);
    predictions = [
      single,
      ...(await repo.ok(['predict', 'record', '--model', modelId, '--file', batch]))
        .trim()
        .split('\n'),
    ];
  });

  it('returns the constructed top examples with annotator and reviewer times', async () => {
    const r = await repo.json<ExplainJson>(['explain', predictions[0]!, '--top', '3']);
    expect(r.kind).toBe('gradient');
    const expected = [9, 8, 7].map((i) => winners()[i]!);
    expect(r.examples.map((e) => `${e.image}/${e.label}`)).toEqual(expected.map(slashKey));
    expect(r.examples.map((e) => e.score)).toEqual([10, 9, 8]);
    for (const [i, e] of r.examples.entries()) {
      const src = expected[i]!;
      expect(e.annotator).toBe(src['annotator'] ?? null);
      expect(e.annotated_at).toBe(src['annotated_at'] ?? null);
      expect(e.reviewer).toBe(src.review?.['reviewer'] ?? null);
      expect(e.reviewed_at).toBe(src.review?.['reviewed_at'] ?? null);
    }
    // The serving system's id finds the same prediction.
    expect(await repo.json<ExplainJson>(['explain', 'ext-1', '--top', '3'])).toEqual(r);
  });

  it('scores embeddings by cosine, from the binary vector file', async () => {
    const keys = approved.slice(0, 10).map(slashKey);
    const flat = new Float32Array(10 * DIM);
    keys.forEach((_, i) => flat.set([1, i], i * DIM));
    writeFileSync(join(data, 'emb.vvec'), encodeVectorFile('embedding', DIM, keys, flat));
    const run = await startRun('--dataset', 'production-v4', '--where', WHERE);
    await repo.ok(['run', 'add-vectors', run.id, join(data, 'emb.vvec')]);
    await repo.ok(['model', 'register', '--run', run.id, '--name', 'emb', '--version', '1']);
    const pred = (
      await repo.ok([
        'predict',
        'record',
        '--model',
        'emb@1',
        '--image',
        'img-a',
        '--output',
        '1',
        '--vector',
        join(data, 'query.json'),
      ])
    ).trim();
    const r = await repo.json<ExplainJson>(['explain', pred, '--top', '3']);
    expect(r.kind).toBe('embedding');
    expect(r.examples.map((e) => `${e.image}/${e.label}`)).toEqual(keys.slice(0, 3));
    expect(r.examples[1]!.score).toBeCloseTo(1 / Math.SQRT2, 6);
  });

  it('walks up from a prediction to the run, its commit and reviewers', async () => {
    const up = await repo.json<UpJson>(['lineage', 'up', predictions[1]!]);
    expect(up.prediction).toMatchObject({
      id: predictions[1],
      image: 'img-b',
      external_id: 'ext-2',
    });
    expect(up.model?.id).toBe(modelId);
    expect(up.run?.id).toBe(run1.id);
    expect(up.commit.id).toBe(tagCommit);
    expect(up.examples?.count).toBe(approved.length);
    const reviewers = new Set(
      approved.map((r) => r.review?.['reviewer']).filter((x) => typeof x === 'string'),
    );
    expect(up.examples?.reviewers).toEqual([...reviewers].sort());
  });

  it('walks down from a commit and from a label', async () => {
    const down = await repo.json<DownJson>(['lineage', 'down', 'production-v4']);
    expect(down.commit?.id).toBe(tagCommit);
    const first = down.runs.find((r) => r.id === run1.id)!;
    expect(first.models.map((m) => [m.id, m.predictions.total])).toEqual([[modelId, 3]]);
    expect(down.runs.every((r) => r.commit === tagCommit)).toBe(true);
    const inSet = await repo.json<DownJson>(['lineage', 'down', slashKey(approved[0]!)]);
    expect(inSet.runs.map((r) => r.id)).toContain(run1.id);
    const other = records.find((r) => r.review?.['status'] !== 'approved')!;
    const notInSet = await repo.json<DownJson>(['lineage', 'down', slashKey(other)]);
    expect(notInSet.runs.map((r) => r.id)).not.toContain(run1.id);
  });
});

describe('gc', () => {
  it('keeps what runs need: the commit of a deleted branch and the example set', async () => {
    await repo.ok(['branch', 'create', 'scratch', '--from', 'main']);
    const gone = records[0]!;
    const edits = writeJsonLines(join(data, 'scratch-edit.jsonl'), [
      { op: 'delete', image: gone.image, label: gone.label },
    ]);
    await repo.ok(['apply', edits, '--branch', 'scratch']);
    const scratchHead = await repo.head('scratch');
    const run = await startRun('--dataset', 'scratch');
    await repo.ok(['branch', 'delete', 'scratch']);
    const gc = await repo.json<{ deleted: number }>(['gc']);
    expect(gc.deleted).toBeGreaterThanOrEqual(0);
    await repo.verify();
    expect((await repo.json<UpJson>(['lineage', 'up', run.id])).commit.id).toBe(scratchHead);
    const down = await repo.json<DownJson>(['lineage', 'down', slashKey(records[1]!)]);
    expect(down.runs.map((r) => r.id)).toContain(run.id);
  });
});

describe('bad input', () => {
  it('refuses unknown runs and models', async () => {
    expectFailure(
      await repo.run([
        'model',
        'register',
        '--run',
        'run-000000000000',
        '--name',
        'x',
        '--version',
        '1',
      ]),
      1,
      "no run 'run-000000000000'",
    );
    expectFailure(
      await repo.run(['predict', 'record', '--model', 'nope@1', '--image', 'a', '--output', '1']),
      1,
      "no model 'nope@1'",
    );
    expectFailure(await repo.run(['run', 'finish', 'run-000000000000']), 1, 'no run');
    expectFailure(await repo.run(['explain', 'pred-0000000000000000']), 1, 'no prediction');
  });

  it('refuses a --top that is not a positive integer (a usage error)', async () => {
    expectFailure(
      await repo.run(['explain', predictions[0]!, '--top', '0']),
      2,
      "option '--top <k>' argument '0' is invalid",
      'positive integer',
    );
  });

  it('refuses a prediction vector of the wrong dimension', async () => {
    writeFileSync(join(data, 'short.json'), '[1, 2, 3]');
    expectFailure(
      await repo.run([
        'predict',
        'record',
        '--model',
        'det@1',
        '--image',
        'a',
        '--output',
        '1',
        '--vector',
        join(data, 'short.json'),
      ]),
      1,
      'dimension 8',
    );
  });

  it('refuses training vectors for keys outside the set, or of mixed dimensions', async () => {
    const fresh = await startRun('--dataset', 'production-v4', '--where', WHERE);
    const outside = records.find((r) => r.review?.['status'] !== 'approved')!;
    const file = writeJsonLines(join(data, 'bad-vectors.jsonl'), [
      { image: approved[0]!.image, label: approved[0]!.label, vector: [1, 2] },
      { image: outside.image, label: outside.label, vector: [1, 2] },
    ]);
    expectFailure(
      await repo.run(['run', 'add-vectors', fresh.id, file]),
      1,
      `${file}:2 field 'key'`,
      slashKey(outside),
      'not in the example set',
    );
    const mixed = writeJsonLines(join(data, 'mixed.jsonl'), [
      { image: approved[0]!.image, label: approved[0]!.label, vector: [1, 2] },
      { image: approved[1]!.image, label: approved[1]!.label, vector: [1, 2, 3] },
    ]);
    expectFailure(
      await repo.run(['run', 'add-vectors', fresh.id, mixed]),
      1,
      `${mixed}:2 field 'vector'`,
    );
  });

  it('finishes a run once', async () => {
    expect(await repo.ok(['run', 'finish', run1.id])).toContain(`${run1.id} ok`);
    expectFailure(await repo.run(['run', 'finish', run1.id]), 1, 'already finished');
  });
});

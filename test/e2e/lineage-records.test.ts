/**
 * Lineage records others depend on (issue 10, items 4, 12 and 18):
 * - a run's vectors attach once, to a running run: replacing them, or adding them after `run
 *   finish`, is refused (exit 1) and past `explain` answers stay as they were; vectors for only
 *   some examples are accepted with "K of N examples", and `explain` lists the examples it could
 *   not score;
 * - `lineage up` says when it did not list annotators and reviewers (over 10,000 examples) and
 *   how to get them (`--all`); its text and `lineage down`'s list names, slices and prediction
 *   ids, saying how many more there are;
 * - `run list`, `model list`, `predict list [--model M]`, with `--json` (snake_case).
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { encodeVectorFile } from '../../src/influence/vector-file.js';
import {
  expectFailure,
  generateProjectData,
  initRepo,
  parseJsonLines,
  readJsonLines,
  useTempRoot,
  writeJsonLines,
  type LabelRecord,
  type TestRepo,
} from './helpers.js';

const tmp = useTempRoot('lineage-records');
const WHERE = 'review.status = rejected';
const LABELS = 10_200;
const DIM = 4;

interface RunJson {
  id: string;
  exampleCount: number;
}
interface ExplainJson {
  scored: number;
  examples: { image: string; label: string; score: number }[];
  unscored: string[];
}
interface UpJson {
  examples: {
    count: number;
    people: string;
    scan_limit: number;
    annotators?: string[];
    reviewers?: string[];
  };
}

let repo: TestRepo;
let files: string;
let records: LabelRecord[];
let rejected: LabelRecord[];
let small: RunJson;
let whole: RunJson;
let prediction: string;

const slashKey = (r: { readonly image: unknown; readonly label?: unknown }): string =>
  `${String(r.image)}/${String(r.label)}`;
const startRun = async (...args: string[]) =>
  (await repo.json<{ run: RunJson }>(['run', 'start', ...args])).run;
const distinct = (rs: readonly LabelRecord[], pick: (r: LabelRecord) => unknown) =>
  [...new Set(rs.map(pick).filter((x): x is string => typeof x === 'string'))].sort();

beforeAll(async () => {
  const ds = await generateProjectData(tmp.dir('data'), LABELS, 11);
  files = tmp.dir('files');
  repo = await initRepo(tmp.root());
  await repo.importLabels(ds.labelsFile);
  await repo.ok(['tag', 'create', 'v1', 'main']);
  records = readJsonLines(ds.labelsFile);
  rejected = records.filter((r) => r.review?.['status'] === 'rejected');
  expect(rejected.length).toBeGreaterThan(20);
  expect(rejected.length).toBeLessThan(10_000);
  small = await startRun('--dataset', 'v1', '--where', WHERE);
  whole = await startRun('--dataset', 'v1');
}, 120_000);

describe('vectors: once, while running; partial coverage is said (item 4)', () => {
  it('accepts vectors for some examples, saying how many of how many', async () => {
    // Five examples, example i along e0 with length i + 1.
    const lines = rejected.slice(0, 5).map((r, i) => ({
      image: r.image,
      label: r.label,
      vector: [i + 1, 0, 0, 0],
    }));
    const file = writeJsonLines(join(files, 'five.jsonl'), lines);
    const out = await repo.ok(['run', 'add-vectors', small.id, file]);
    expect(out).toContain(
      `5 vectors of dimension 4 (gradient) for 5 of ${rejected.length} examples`,
    );
    expect(out).toContain(`${rejected.length - 5} examples have no vector`);
    await repo.ok(['model', 'register', '--run', small.id, '--name', 'det', '--version', '1']);
    writeFileSync(join(files, 'query.json'), JSON.stringify([1, 0, 0, 0]));
    prediction = (
      await repo.ok([
        'predict',
        'record',
        '--model',
        'det@1',
        '--image',
        'img-q',
        '--output',
        '{"class":"cat"}',
        '--vector',
        join(files, 'query.json'),
      ])
    ).trim();
  });

  it('explain ranks the scored examples and lists every example it could not score', async () => {
    const r = await repo.json<ExplainJson>(['explain', prediction, '--top', '3']);
    expect(r.examples.map((e) => e.score)).toEqual([5, 4, 3]);
    expect(r.scored).toBe(5);
    const expected = rejected
      .slice(5)
      .map(slashKey)
      .sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    expect([...r.unscored].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)))).toEqual(
      expected,
    );
    expect(r.unscored.length).toBe(rejected.length - 5);
    const text = await repo.ok(['explain', prediction, '--top', '3']);
    expect(text).toContain(
      `unscored: ${rejected.length - 5} of ${rejected.length} examples have no vector`,
    );
    expect(text).toContain(`… and ${rejected.length - 5 - 10} more; use --json`);
  });

  it('refuses to replace the vectors of a run, and past explain answers stay', async () => {
    const before = await repo.ok(['explain', prediction, '--top', '3', '--json']);
    const keys = rejected.slice(0, 5).map(slashKey);
    const flat = new Float32Array(5 * DIM).fill(1);
    const swap = join(files, 'swap.vvec');
    writeFileSync(swap, encodeVectorFile('embedding', DIM, keys, flat));
    expectFailure(
      await repo.run(['run', 'add-vectors', small.id, swap]),
      1,
      `run '${small.id}' already has vectors (5 x 4, gradient)`,
      'lineage records are immutable',
      'a correction is a new run',
    );
    expect(await repo.ok(['explain', prediction, '--top', '3', '--json'])).toBe(before);
  });

  it('refuses vectors for a finished run', async () => {
    await repo.ok(['run', 'finish', small.id]);
    const late = await startRun('--dataset', 'v1', '--where', WHERE);
    await repo.ok(['run', 'finish', late.id]);
    const file = writeJsonLines(join(files, 'late.jsonl'), [
      { image: rejected[0]!.image, label: rejected[0]!.label, vector: [1, 0, 0, 0] },
    ]);
    expectFailure(
      await repo.run(['run', 'add-vectors', late.id, file]),
      1,
      `run '${late.id}' has finished (ok)`,
      'lineage records are immutable',
    );
    const listed = await repo.jsonLines<{ id: string; vectors: unknown }>(['run', 'list']);
    expect(listed.find((x) => x.id === late.id)?.vectors).toBeNull();
  });
});

describe('lineage up/down say what they leave out (item 12)', () => {
  it('says that people were not listed over 10,000 examples, and --all lists them', async () => {
    const up = await repo.json<UpJson>(['lineage', 'up', whole.id]);
    expect(up.examples).toMatchObject({ count: LABELS, people: 'over_limit', scan_limit: 10_000 });
    expect(up.examples.reviewers).toBeUndefined();
    const text = await repo.ok(['lineage', 'up', whole.id]);
    expect(text).toContain(
      'reviewers  not listed: the set has 10,200 examples, over the 10,000 read by default; use --all',
    );
    const all = await repo.json<UpJson>(['lineage', 'up', whole.id, '--all']);
    expect(all.examples.people).toBe('listed');
    expect(all.examples.reviewers).toEqual(distinct(records, (r) => r.review?.['reviewer']));
    expect(all.examples.annotators).toEqual(distinct(records, (r) => r['annotator']));
    const allText = await repo.ok(['lineage', 'up', whole.id, '--all']);
    for (const name of all.examples.annotators!) expect(allText).toContain(name);
  });

  it('lists annotators and reviewers in text, saying how many more', async () => {
    const annotators = distinct(rejected, (r) => r['annotator']);
    expect(annotators.length).toBeGreaterThan(10);
    const text = await repo.ok(['lineage', 'up', small.id]);
    expect(text).toContain(`annotators ${annotators.slice(0, 10).join(', ')}, … and`);
    expect(text).toContain(`… and ${annotators.length - 10} more; use --all or --json`);
    const up = await repo.json<UpJson>(['lineage', 'up', small.id]);
    expect(up.examples.annotators).toEqual(annotators);
  });

  it('lineage down prints slices and prediction ids, and how many more', async () => {
    const second = (
      await repo.ok(['predict', 'record', '--model', 'det@1', '--image', 'img-r', '--output', '2'])
    ).trim();
    const slice = await repo.json<{ id: string }>(['slice', 'save', 'hard', '--dataset', 'v1']);
    const text = await repo.ok(['lineage', 'down', 'v1', '--limit', '1']);
    expect(text).toContain(`slice ${slice.id} hard (10,200 examples)`);
    const first = [prediction, second].sort()[0]!;
    expect(text).toContain(`prediction ${first} image`);
    expect(text).toContain('… and 1 more; use --limit N');
    expect(await repo.ok(['lineage', 'down', 'v1'])).toContain(`prediction ${second} image img-r`);
  });
});

describe('list commands (item 18)', () => {
  it('run list, model list, predict list, as text and JSON', async () => {
    const runs = await repo.jsonLines<Record<string, unknown>>(['run', 'list']);
    expect(runs.map((r) => r['id'])).toEqual(expect.arrayContaining([small.id, whole.id]));
    const mine = runs.find((r) => r['id'] === small.id)!;
    expect(mine).toMatchObject({
      dataset_ref: 'v1',
      example_count: rejected.length,
      status: 'ok',
      filter: WHERE,
    });
    expect(mine['vectors']).toMatchObject({ count: 5, dim: 4, kind: 'gradient' });
    expect(await repo.ok(['run', 'list'])).toContain(`${small.id} ok`);

    const models = await repo.jsonLines<Record<string, unknown>>(['model', 'list']);
    expect(models).toEqual([
      expect.objectContaining({
        name: 'det',
        version: '1',
        run: small.id,
        created_at: expect.any(String),
      }),
    ]);
    expect(await repo.jsonLines<unknown>(['model', 'list', '--run', whole.id])).toEqual([]);
    expect(await repo.ok(['model', 'list'])).toContain('det@1');

    const preds = await repo.jsonLines<Record<string, unknown>>(['predict', 'list']);
    expect(preds.map((p) => p['id'])).toContain(prediction);
    const q = preds.find((p) => p['id'] === prediction)!;
    expect(q).toMatchObject({ image: 'img-q', output: { class: 'cat' }, has_vector: true });
    expect(q['external_id']).toBeNull();
    const byModel = await repo.jsonLines<Record<string, unknown>>([
      'predict',
      'list',
      '--model',
      'det@1',
    ]);
    expect(byModel.map((p) => p['id'])).toEqual(preds.map((p) => p['id']));
    expect(await repo.ok(['predict', 'list', '--model', 'det@1'])).toContain(`${prediction} model`);
    expectFailure(await repo.run(['predict', 'list', '--model', 'nope@1']), 1, "no model 'nope@1'");
    expectFailure(await repo.run(['model', 'list', '--run', 'run-000000000000']), 1, 'no run');
  });

  it('lists nothing in an empty repository', async () => {
    const empty = await initRepo(tmp.root(), 'empty');
    expect(await empty.jsonLines<unknown>(['run', 'list'])).toEqual([]);
    expect(await empty.jsonLines<unknown>(['predict', 'list'])).toEqual([]);
    expect((await empty.ok(['predict', 'list'])).trim()).toBe('no predictions');
    expect(parseJsonLines(await empty.ok(['model', 'list', '--json']))).toEqual([]);
  });
});

/**
 * `verso suspects` end to end: a run's examples with gradient vectors from a JSONL file are
 * ranked by the squared norms computed here from the file's numbers (as float32, summed in
 * float64, ties by IMAGE/LABEL), with class, annotator and review as committed; `--by
 * annotator` aggregates the label file's annotators; text output is one line per example; bad
 * input (unknown run, a run without vectors, a bad --top or --by) exits 1 or 2 with a message.
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
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

const tmp = useTempRoot('suspects');
const DIM = 5;

interface SuspectsJson {
  run: string;
  scored: number;
  unscored: number;
  examples: {
    rank: number;
    self_influence: number;
    image: string;
    label: string;
    class: unknown;
    annotator: unknown;
    review_status: unknown;
    reviewer: unknown;
  }[];
  annotators?: { annotator: string | null; examples: number; in_top: number; share: number }[];
}

let repo: TestRepo;
let runId: string;
let bare: string;
let scored: LabelRecord[];
let norms: Map<string, number>;

const keyOf = (r: { image: unknown; label?: unknown }) => `${String(r.image)}/${String(r.label)}`;

beforeAll(async () => {
  const ds = await generateProjectData(tmp.dir('data'), 600, 11);
  repo = await initRepo(tmp.root());
  await repo.importLabels(ds.labelsFile);
  const records = readJsonLines<LabelRecord>(ds.labelsFile);
  runId = (await repo.json<{ run: { id: string } }>(['run', 'start', '--dataset', 'main'])).run.id;
  bare = (await repo.json<{ run: { id: string } }>(['run', 'start', '--dataset', 'main'])).run.id;
  // Vectors for every other example; small integers so that several norms tie.
  let seed = 7;
  const next = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % 9) - 4;
  scored = records.filter((_, i) => i % 2 === 0);
  const lines = scored.map((r) => ({
    image: r.image,
    label: r.label,
    vector: Array.from({ length: DIM }, () => next() * 0.37),
  }));
  norms = new Map(
    lines.map((l) => [keyOf(l), l.vector.reduce((s, x) => s + Math.fround(x) * Math.fround(x), 0)]),
  );
  const file = writeJsonLines(join(tmp.dir('vectors'), 'v.jsonl'), lines);
  await repo.ok(['run', 'add-vectors', runId, file]);
}, 120_000);

describe('verso suspects', () => {
  it('ranks by squared norm with class, annotator and review, as a brute force does', async () => {
    const r = await repo.json<SuspectsJson>(['suspects', runId, '--top', '40']);
    const expected = [...norms.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    expect(r.scored).toBe(scored.length);
    expect(r.examples.map((e) => [keyOf(e), e.self_influence])).toEqual(expected.slice(0, 40));
    const byKey = new Map(scored.map((s) => [keyOf(s), s]));
    for (const e of r.examples) {
      const l = byKey.get(keyOf(e))!;
      expect([e.class, e.annotator, e.review_status, e.reviewer]).toEqual([
        l['category'] ?? null,
        l['annotator'] ?? null,
        l.review?.['status'] ?? null,
        l.review?.['reviewer'] ?? null,
      ]);
    }
  });

  it('--by annotator aggregates every scored example per annotator', async () => {
    const r = await repo.json<SuspectsJson>(['suspects', runId, '--by', 'annotator']);
    const counts = new Map<string | null, number>();
    for (const s of scored) {
      const a = typeof s['annotator'] === 'string' ? s['annotator'] : null;
      counts.set(a, (counts.get(a) ?? 0) + 1);
    }
    expect(new Map(r.annotators!.map((a) => [a.annotator, a.examples]))).toEqual(counts);
    expect(r.annotators!.reduce((n, a) => n + a.in_top, 0)).toBe(50);
    const text = await repo.ok(['suspects', runId, '--by', 'annotator']);
    expect(text.split('\n')[0]).toBe('annotator\texamples\tmean self-influence\tin top 50\tshare');
  });

  it('prints one line per example without --json', async () => {
    const r = await repo.json<SuspectsJson>(['suspects', runId, '--top', '3']);
    const lines = (await repo.ok(['suspects', runId, '--top', '3'])).trimEnd().split('\n');
    expect(lines.filter((l) => /^\d+\t/.test(l))).toHaveLength(3);
    expect(lines[0]!.split('\t').slice(0, 3)).toEqual([
      '1',
      r.examples[0]!.self_influence.toPrecision(6),
      keyOf(r.examples[0]!),
    ]);
    expect(lines.at(-1)).toMatch(/^unscored: 300 of the run's examples have no vector$/);
  });

  it('refuses bad input with a clear message', async () => {
    expectFailure(await repo.run(['suspects', 'run-nope']), 1, "no run 'run-nope'");
    expectFailure(await repo.run(['suspects', bare]), 1, 'has no vectors');
    expectFailure(await repo.run(['suspects', runId, '--top', '0']), 2, 'positive integer');
    expectFailure(await repo.run(['suspects', runId, '--top', 'x']), 2, 'positive integer');
    expectFailure(
      await repo.run(['suspects', runId, '--by', 'reviewer']),
      2,
      'Allowed choices are annotator',
    );
  });
});

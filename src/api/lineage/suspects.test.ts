/**
 * `suspects` against brute force: for any vectors attached to a run (any subset of its examples,
 * in any row order, with ties), the ranking equals a plain sort of the squared norms computed
 * from the raw floats (float64, ties by IMAGE/LABEL), the examples carry their label, class,
 * annotator and review as committed, and the per-annotator aggregate equals one computed from
 * the label file. The chunked file reader visits the same rows as the whole-blob one, cut at any
 * row. Bad input (unknown run, no vectors, embeddings, a bad top or by) is refused.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LineageRecordNotFoundError } from '../../catalog/catalog-errors.js';
import { InvalidArgumentError } from '../../core/errors.js';
import { encodeVectorFile } from '../../influence/vector-file.js';
import { importLabels } from '../ingest/import-labels.js';
import { initRepository } from '../repository/init-repository.js';
import { openRepository } from '../repository/compose.js';
import type { Repository } from '../repository/repository.js';
import { SuspectsUnavailableError } from './lineage-errors.js';
import { startRun } from './run-start.js';
import { addRunVectors } from './run-vectors.js';
import { rankSuspects } from './suspects.js';
import { visitVectorRows } from './vector-rows.js';

const ANNOTATORS = ['ann_a', 'ann_b', 'ann_c', undefined];
const CLASSES = ['cat', 'dog', 'bird'];

interface LabelLine {
  image: string;
  label: string;
  category: string;
  bbox: number[];
  annotator?: string;
  annotated_at: string;
  review?: { status: string; reviewer: string; reviewed_at: string };
}

const labels: LabelLine[] = Array.from({ length: 40 }, (_, i) => {
  const annotator = ANNOTATORS[i % ANNOTATORS.length];
  return {
    image: `img${String(i).padStart(3, '0')}`,
    label: String(1 + (i % 2)),
    category: CLASSES[i % 3]!,
    bbox: [1, 2, 10, 10],
    ...(annotator ? { annotator } : {}),
    annotated_at: `2026-03-${String(1 + (i % 28)).padStart(2, '0')}T10:00:00Z`,
    ...(i % 5 !== 0
      ? {
          review: {
            status: i % 7 === 0 ? 'rejected' : 'approved',
            reviewer: i % 2 ? 'rev_kim' : 'rev_lee',
            reviewed_at: '2026-04-01T10:00:00Z',
          },
        }
      : {}),
  };
});
const keyOf = (l: LabelLine) => `${l.image}/${l.label}`;

let dir: string;
let repo: Repository;
let file = 0;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'verso-suspects-'));
  await initRepository(join(dir, 'repo'), { identity: { author: 'ann' } });
  repo = await openRepository(join(dir, 'repo'), { identity: { author: 'ann' } });
  const path = join(dir, 'labels.jsonl');
  writeFileSync(path, labels.map((l) => JSON.stringify(l)).join('\n') + '\n');
  await importLabels(repo, { file: path, branch: 'main' });
}, 60_000);
afterAll(async () => {
  await repo.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A new run on main with `rows` (indexes into `labels`) given vectors `flat`. */
async function runWith(
  rows: readonly number[],
  dim: number,
  flat: Float32Array,
  kind: 'gradient' | 'embedding' = 'gradient',
): Promise<string> {
  const { run } = await startRun(repo, { dataset: 'main' });
  const path = join(dir, `v${file++}.bin`);
  writeFileSync(
    path,
    encodeVectorFile(
      kind,
      dim,
      rows.map((r) => keyOf(labels[r]!)),
      flat,
    ),
  );
  await addRunVectors(repo, run.id, path);
  return run.id;
}

/** The brute-force ranking: float64 squared norms of the raw floats, ties by key. */
function bruteForce(rows: readonly number[], dim: number, flat: Float32Array) {
  return rows
    .map((r, i) => {
      let score = 0;
      for (let j = 0; j < dim; j++) score += flat[i * dim + j]! * flat[i * dim + j]!;
      return { label: labels[r]!, key: keyOf(labels[r]!), score };
    })
    .sort((a, b) => b.score - a.score || (a.key < b.key ? -1 : 1));
}

const float = fc.oneof(
  fc.constantFrom(0, 1, -1, 0.5, 2),
  fc.float({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }),
);

describe('suspects', () => {
  it('ranks like a brute-force sort of squared norms, with label, annotator and review', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.shuffledSubarray([...labels.keys()], { minLength: 1 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 45 }),
        fc.infiniteStream(float),
        async (rows, dim, top, floats) => {
          const flat = Float32Array.from(floats.take(rows.length * dim));
          const runId = await runWith(rows, dim, flat);
          const r = await rankSuspects(repo, runId, { top, by: 'annotator' });
          const expected = bruteForce(rows, dim, flat);
          expect(r.scored).toBe(rows.length);
          expect(r.unscored).toBe(labels.length - rows.length);
          const want = expected.slice(0, top);
          expect(r.examples.map((e) => [`${e.image}/${e.label}`, e.self_influence])).toEqual(
            want.map((e) => [e.key, e.score]),
          );
          for (const [i, e] of r.examples.entries()) {
            const l = want[i]!.label;
            expect(e).toEqual({
              rank: i + 1,
              self_influence: want[i]!.score,
              image: l.image,
              label: l.label,
              class: l.category,
              annotator: l.annotator ?? null,
              annotated_at: l.annotated_at,
              review_status: l.review?.status ?? null,
              reviewer: l.review?.reviewer ?? null,
              reviewed_at: l.review?.reviewed_at ?? null,
            });
          }
          const groups = new Map<string | null, { n: number; sum: number; top: number }>();
          for (const [i, e] of expected.entries()) {
            const a = e.label.annotator ?? null;
            const g = groups.get(a) ?? { n: 0, sum: 0, top: 0 };
            groups.set(a, { n: g.n + 1, sum: g.sum + e.score, top: g.top + (i < top ? 1 : 0) });
          }
          const aggregate = new Map(r.annotators!.map((a) => [a.annotator, a]));
          expect(aggregate.size).toBe(groups.size);
          for (const [a, g] of groups) {
            const got = aggregate.get(a)!;
            expect(got.examples).toBe(g.n);
            expect(got.in_top).toBe(g.top);
            expect(got.share).toBe(g.top / want.length);
            // summed in another order: equal up to float64 rounding
            const mean = g.sum / g.n;
            expect(Math.abs(got.mean_self_influence - mean)).toBeLessThanOrEqual(1e-12 * mean);
          }
          expect(r.annotators!.map((a) => a.in_top)).toEqual(
            [...r.annotators!.map((a) => a.in_top)].sort((x, y) => y - x),
          );
        },
      ),
      { numRuns: 30, seed: 17 },
    );
  }, 120_000);

  it('reads the same rows whole or in chunks cut at any row', async () => {
    const rows = [...labels.keys()].reverse();
    const dim = 3;
    const flat = Float32Array.from({ length: rows.length * dim }, (_, i) => ((i * 37) % 11) - 5);
    const runId = await runWith(rows, dim, flat);
    const run = (await repo.catalog.lineage.getRun(runId))!;
    const read = async (r: Repository, chunkRows?: number) => {
      const seen: string[] = [];
      await visitVectorRows(
        r,
        run,
        (row, v, base, key) => seen.push(`${row} ${key()} ${[...v.subarray(base, base + dim)]}`),
        chunkRows === undefined ? {} : { chunkRows },
      );
      return seen;
    };
    const whole = Object.create(repo, {
      blobs: { value: { get: (h: never) => repo.blobs.get(h), localPath: async () => undefined } },
    }) as Repository;
    const reference = await read(whole);
    expect(reference).toHaveLength(rows.length);
    expect(reference[0]).toBe(`0 ${keyOf(labels[39]!)} ${[...flat.subarray(0, 3)]}`);
    for (const chunkRows of [1, 3, 7, 40, 100])
      expect(await read(repo, chunkRows)).toEqual(reference);
  });

  it('refuses bad input', async () => {
    const flat = Float32Array.from([1, 2]);
    const gradient = await runWith([0, 1], 1, flat);
    await expect(rankSuspects(repo, 'no-such-run', { top: 5 })).rejects.toThrow(
      LineageRecordNotFoundError,
    );
    const { run } = await startRun(repo, { dataset: 'main' });
    await expect(rankSuspects(repo, run.id, { top: 5 })).rejects.toThrow(SuspectsUnavailableError);
    const embedding = await runWith([0, 1], 1, flat, 'embedding');
    await expect(rankSuspects(repo, embedding, { top: 5 })).rejects.toThrow(/gradient vectors/);
    for (const top of [0, -1, 1.5, Number.NaN])
      await expect(rankSuspects(repo, gradient, { top })).rejects.toThrow(InvalidArgumentError);
    await expect(rankSuspects(repo, gradient, { top: 5, by: 'reviewer' })).rejects.toThrow(
      /invalid by 'reviewer': expected annotator/,
    );
  });
});

/**
 * The LineageCatalog contract suite (layer: catalog, tests only): runs, models, predictions and
 * slices stored and found through their indexes; immutability (a taken id keeps its first
 * record, a finished run is frozen, vectors are set once, a batch is stored whole or not at
 * all); durability across reopen. Every backend runs it (on `catalog.lineage`).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  LineageRecordExistsError,
  LineageRecordImmutableError,
  LineageRecordNotFoundError,
  RunFinishedError,
} from './catalog-errors.js';
import { sha256Hex, type ChunkHash } from '../core/hash.js';
import type { LineageCatalog, PredictionRecord, RunRecord } from './lineage-catalog.js';
import { A, B, C, rejection, reopened } from './testing.js';
import type { ContractHarness, HarnessFactory } from './testing.js';

function run(runId: string, at: ChunkHash): RunRecord {
  return {
    id: runId,
    datasetRef: 'v1',
    commit: at,
    filter: 'class = cat',
    schema: null,
    exampleSet: B,
    exampleCount: 3,
    slice: null,
    params: { lr: '0.1' },
    author: 'ann',
    startedAt: '2024-01-02T03:04:05.000Z',
    finishedAt: null,
    status: 'running',
    vectors: null,
  };
}

function prediction(
  predId: string,
  model: string,
  vector: Uint8Array | null = null,
): PredictionRecord {
  const time = '2024-01-03T00:00:00.000Z';
  return { id: predId, model, image: 'img1', output: '{"c":1}', time, externalId: null, vector };
}

const model = {
  id: 'model-1',
  run: 'run-1',
  name: 'det',
  version: '1',
  metrics: { map: 0.5 },
  createdAt: '2024-01-02T04:00:00.000Z',
};

export function describeLineageCatalogContract(
  name: string,
  create: HarnessFactory<LineageCatalog>,
): void {
  describe(`LineageCatalog contract: ${name}`, () => {
    let h: ContractHarness<LineageCatalog>;
    let cat: LineageCatalog;
    beforeEach(async () => {
      h = await create();
      cat = h.catalog;
    });
    afterEach(async () => {
      await h.cleanup();
    });

    describe('lineage', () => {
      it('stores runs, finds them by commit, finishes a run once', async () => {
        await cat.insertRun(run('run-1', A));
        await cat.insertRun(run('run-2', C));
        expect(await cat.getRun('run-1')).toEqual(run('run-1', A));
        expect((await cat.runsByCommit(A)).map((r) => r.id)).toEqual(['run-1']);
        expect(await rejection(cat.insertRun(run('run-1', A)))).toBeInstanceOf(
          LineageRecordExistsError,
        );
        const done = await cat.finishRun('run-1', 'ok', '2024-01-02T05:00:00.000Z');
        expect(done).toMatchObject({ status: 'ok', finishedAt: '2024-01-02T05:00:00.000Z' });
        expect(await rejection(cat.finishRun('run-1', 'failed', 'x'))).toBeInstanceOf(
          RunFinishedError,
        );
        expect(await rejection(cat.finishRun('nope', 'ok', 'x'))).toBeInstanceOf(
          LineageRecordNotFoundError,
        );
        expect((await cat.listRuns()).length).toBe(2);
      });

      it('attaches vectors once, to a running run only: finished runs are immutable', async () => {
        const vectors = { blob: C, dim: 4, count: 3, kind: 'gradient' as const };
        const other = { blob: A, dim: 2, count: 1, kind: 'embedding' as const };
        await cat.insertRun(run('run-1', A));
        await cat.insertRun(run('run-2', A));
        await cat.setRunVectors('run-1', vectors);
        expect((await cat.getRun('run-1'))?.vectors).toEqual(vectors);
        const swap = await rejection(cat.setRunVectors('run-1', other));
        expect(swap).toBeInstanceOf(LineageRecordImmutableError);
        expect((swap as Error).message).toContain('already has vectors');
        await cat.finishRun('run-1', 'ok', '2024-01-02T05:00:00.000Z');
        await cat.finishRun('run-2', 'ok', '2024-01-02T05:00:00.000Z');
        const late = await rejection(cat.setRunVectors('run-2', other));
        expect(late).toBeInstanceOf(LineageRecordImmutableError);
        expect((late as Error).message).toContain('has finished (ok)');
        expect(await rejection(cat.setRunVectors('nope', other))).toBeInstanceOf(
          LineageRecordNotFoundError,
        );
        expect((await cat.getRun('run-1'))?.vectors).toEqual(vectors);
        expect((await cat.getRun('run-2'))?.vectors).toBeNull();
      });

      it('lists models and pages through predictions, of all models or one', async () => {
        await cat.insertRun(run('run-1', A));
        await cat.insertModel(model);
        const second = { ...model, id: 'model-2', version: '2', createdAt: '2024-01-02T06:00:00Z' };
        await cat.insertModel(second);
        expect((await cat.listModels()).map((m) => m.id)).toEqual(['model-1', 'model-2']);
        await cat.insertPredictions([
          prediction('p1', 'model-1'),
          prediction('p2', 'model-2'),
          prediction('p3', 'model-1'),
        ]);
        const ids = async (page: { model?: string; after?: string; limit: number }) =>
          (await cat.listPredictions(page)).map((p) => p.id);
        expect(await ids({ limit: 2 })).toEqual(['p1', 'p2']);
        expect(await ids({ after: 'p2', limit: 2 })).toEqual(['p3']);
        expect(await ids({ model: 'model-1', limit: 10 })).toEqual(['p1', 'p3']);
        expect(await ids({ model: 'model-1', after: 'p1', limit: 10 })).toEqual(['p3']);
      });

      it('stores models under a run, unique by name and version', async () => {
        expect(await rejection(cat.insertModel(model))).toBeInstanceOf(LineageRecordNotFoundError);
        await cat.insertRun(run('run-1', A));
        await cat.insertModel(model);
        expect(await cat.getModel('model-1')).toEqual(model);
        expect(await cat.findModel('det', '1')).toEqual(model);
        expect(await cat.modelsByRun('run-1')).toEqual([model]);
        expect(await rejection(cat.insertModel({ ...model, id: 'model-2' }))).toBeInstanceOf(
          LineageRecordExistsError,
        );
      });

      it('stores prediction batches whole or not at all, with vectors', async () => {
        await cat.insertRun(run('run-1', A));
        await cat.insertModel(model);
        const vec = new Uint8Array(new Float32Array([1, 2]).buffer);
        await cat.insertPredictions([
          prediction('p1', 'model-1', vec),
          { ...prediction('p2', 'model-1'), externalId: 'ext-2' },
        ]);
        expect(await cat.getPrediction('p1')).toEqual(prediction('p1', 'model-1', vec));
        expect((await cat.findPredictionByExternalId('ext-2'))?.id).toBe('p2');
        const bad = [prediction('p3', 'model-1'), prediction('p4', 'no-model')];
        expect(await rejection(cat.insertPredictions(bad))).toBeInstanceOf(
          LineageRecordNotFoundError,
        );
        expect(await cat.getPrediction('p3')).toBeUndefined();
        const page = await cat.predictionsByModel('model-1', 1);
        expect(page.total).toBe(2);
        expect(page.first.map((p) => p.id)).toEqual(['p1']);
      });

      it('refuses a stored or repeated prediction id, storing nothing of the batch', async () => {
        await cat.insertRun(run('run-1', A));
        await cat.insertModel(model);
        await cat.insertPredictions([prediction('p1', 'model-1')]);
        for (const batch of [
          [prediction('p2', 'model-1'), prediction('p1', 'model-1')],
          [prediction('p3', 'model-1'), prediction('p3', 'model-1')],
        ]) {
          const e = await rejection(cat.insertPredictions(batch));
          expect(e).toBeInstanceOf(LineageRecordExistsError);
          expect((e as Error).message).toContain(batch[1]!.id);
          expect(await cat.getPrediction(batch[0]!.id)).toBeUndefined();
        }
      });

      it('stores slices by content hash and finds them by commit', async () => {
        const slice = {
          id: B,
          name: 'cats',
          commit: A,
          filter: 'class = cat',
          schema: null,
          exampleCount: 3,
          createdAt: '2024-01-02T03:04:05.000Z',
          selection: null,
        };
        await cat.insertSlice(slice);
        expect(await cat.getSlice(B)).toEqual(slice);
        expect(await cat.slicesByCommit(A)).toEqual([slice]);
        expect(await rejection(cat.insertSlice(slice))).toBeInstanceOf(LineageRecordExistsError);
      });
    });

    describe('lineage: prediction sets and selections (issue 17)', () => {
      const set = (setId: string, createdAt: string) => ({
        id: setId,
        model: 'model-1',
        root: C,
        predictionCount: 12,
        imageCount: 5_000_000_000,
        format: 'coco',
        dataset: A,
        createdAt,
        rankings: { margin: B, entropy: A } as Record<string, ChunkHash> | null,
      });

      it('stores prediction sets of a stored model, finds them by model, keeps them immutable and across reopen', async () => {
        await cat.insertRun(run('run-1', A));
        expect(
          await rejection(cat.insertPredictionSet(set('pset-1', '2024-01-04T00:00:00.000Z'))),
        ).toBeInstanceOf(LineageRecordNotFoundError);
        await cat.insertModel(model);
        const first = set('pset-1', '2024-01-04T00:00:00.000Z');
        const second = {
          ...set('pset-0', '2024-01-05T00:00:00.000Z'),
          dataset: null,
          rankings: null,
        };
        await cat.insertPredictionSet(first);
        await cat.insertPredictionSet(second);
        expect(await cat.getPredictionSet('pset-1')).toEqual(first);
        expect(await cat.getPredictionSet('pset-9')).toBeUndefined();
        expect(await cat.predictionSetsByModel('model-1')).toEqual([first, second]);
        expect(await cat.predictionSetsByModel('model-2')).toEqual([]);
        const changed = { ...first, predictionCount: 99 };
        expect(await rejection(cat.insertPredictionSet(changed))).toBeInstanceOf(
          LineageRecordExistsError,
        );
        const again = await reopened(h);
        expect(await again.listPredictionSets()).toEqual([first, second]);
      });

      it('stores the selection a slice was chosen with', async () => {
        const slice = {
          id: C,
          name: 'select-margin',
          commit: A,
          filter: null,
          schema: null,
          exampleCount: 2,
          createdAt: '2024-01-02T03:04:05.000Z',
          selection: {
            predictionSet: 'pset-1',
            strategy: 'margin',
            params: { top: 2, where: null },
          },
        };
        await cat.insertSlice(slice);
        expect(await cat.getSlice(C)).toEqual(slice);
        expect(await (await reopened(h)).listSlices()).toEqual([slice]);
      });

      it('finds the slices chosen from a prediction set and the runs that trained on a slice', async () => {
        const chosen = (id: ChunkHash, set: string, createdAt: string) => ({
          id,
          name: `select-${set}`,
          commit: A,
          filter: null,
          schema: null,
          exampleCount: 1,
          createdAt,
          selection: { predictionSet: set, strategy: 'margin', params: { top: 1 } },
        });
        const later = chosen(B, 'pset-1', '2024-01-03T00:00:00.000Z');
        const earlier = chosen(C, 'pset-1', '2024-01-02T00:00:00.000Z');
        const other = chosen(A, 'pset-2', '2024-01-01T00:00:00.000Z');
        const D = sha256Hex(new TextEncoder().encode('d'));
        const saved = { ...chosen(D, 'x', '2024-01-01T00:00:00.000Z'), selection: null };
        for (const s of [later, earlier, other, saved]) await cat.insertSlice(s);
        expect((await cat.slicesByPredictionSet('pset-1')).map((s) => s.id)).toEqual([C, B]);
        expect(await cat.slicesByPredictionSet('pset-3')).toEqual([]);
        const onSlice = { ...run('run-s', A), slice: C };
        await cat.insertRun(onSlice);
        await cat.insertRun(run('run-plain', A));
        expect(await cat.runsBySlice(C)).toEqual([onSlice]);
        expect(await cat.runsBySlice(B)).toEqual([]);
        const again = await reopened(h);
        expect((await again.runsBySlice(C)).map((r) => r.id)).toEqual(['run-s']);
        expect((await again.getRun('run-s'))?.slice).toBe(C);
      });
    });

    describe('lineage: records are immutable', () => {
      it('keeps the first run when its id is inserted again, and a finished run frozen', async () => {
        await cat.insertRun(run('run-1', A));
        const other = { ...run('run-1', C), datasetRef: 'other', exampleCount: 99 };
        expect(await rejection(cat.insertRun(other))).toBeInstanceOf(LineageRecordExistsError);
        expect(await cat.getRun('run-1')).toEqual(run('run-1', A));
        const done = await cat.finishRun('run-1', 'failed', '2024-01-02T05:00:00.000Z');
        expect(done).toEqual({
          ...run('run-1', A),
          status: 'failed',
          finishedAt: '2024-01-02T05:00:00.000Z',
        });
        expect(
          await rejection(cat.finishRun('run-1', 'ok', '2024-01-02T06:00:00.000Z')),
        ).toBeInstanceOf(RunFinishedError);
        expect(await cat.getRun('run-1')).toEqual(done);
      });

      it('keeps the first model and prediction when an id is inserted again', async () => {
        await cat.insertRun(run('run-1', A));
        await cat.insertModel(model);
        const changed = { ...model, metrics: { map: 0.9 }, version: '2' };
        expect(await rejection(cat.insertModel(changed))).toBeInstanceOf(LineageRecordExistsError);
        expect(await cat.getModel('model-1')).toEqual(model);
        await cat.insertPredictions([prediction('p1', 'model-1')]);
        const again = { ...prediction('p1', 'model-1'), output: '{"c":2}' };
        expect(await rejection(cat.insertPredictions([again]))).toBeInstanceOf(
          LineageRecordExistsError,
        );
        expect(await cat.getPrediction('p1')).toEqual(prediction('p1', 'model-1'));
      });

      it('stores nothing of a batch that repeats a stored prediction id', async () => {
        await cat.insertRun(run('run-1', A));
        await cat.insertModel(model);
        await cat.insertPredictions([prediction('p1', 'model-1')]);
        const batch = [prediction('p2', 'model-1'), prediction('p1', 'model-1')];
        expect(await rejection(cat.insertPredictions(batch))).toBeInstanceOf(
          LineageRecordExistsError,
        );
        expect(await cat.getPrediction('p2')).toBeUndefined();
        expect((await cat.predictionsByModel('model-1', 10)).total).toBe(1);
      });

      it('keeps every record, as inserted, across reopen', async () => {
        const vectors = { blob: C, dim: 4, count: 3, kind: 'embedding' as const };
        await cat.insertRun(run('run-1', A));
        await cat.setRunVectors('run-1', vectors);
        await cat.finishRun('run-1', 'ok', '2024-01-02T05:00:00.000Z');
        await cat.insertModel(model);
        const vec = new Uint8Array(new Float32Array([0.5, -1]).buffer);
        await cat.insertPredictions([prediction('p1', 'model-1', vec)]);
        const again = await reopened(h);
        expect(await again.getRun('run-1')).toMatchObject({ status: 'ok', vectors });
        expect(await again.getModel('model-1')).toEqual(model);
        expect(await again.getPrediction('p1')).toEqual(prediction('p1', 'model-1', vec));
        expect(await rejection(again.setRunVectors('run-1', vectors))).toBeInstanceOf(
          LineageRecordImmutableError,
        );
      });
    });
  });
}

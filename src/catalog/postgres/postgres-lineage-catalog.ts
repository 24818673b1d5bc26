/**
 * PostgresLineageCatalog: the lineage section of `PostgresCatalog` (layer: catalog), on the same
 * pool. Tables and immutability triggers: `postgres-migrations.ts`.
 *
 * Each change is one conditional statement where it can be: `finishRun` and `setRunVectors` are
 * `UPDATE ... WHERE status = 'running' [AND vectors_blob IS NULL]` (row count 0: read the run
 * once to say why); inserts rely on the primary keys, the (name, version) unique constraint and
 * the foreign keys, whose violations become the contract's errors, so racing servers cannot
 * both insert. `insertPredictions` checks the batch with two set queries (models known, ids
 * taken), then inserts it with one `INSERT ... SELECT FROM unnest(...)`, all in one transaction:
 * the whole batch or nothing, no per-row round trips.
 */
import {
  LineageRecordExistsError,
  LineageRecordNotFoundError,
  RunFinishedError,
} from '../catalog-errors.js';
import type { ChunkHash } from '../../core/hash.js';
import type {
  LineageCatalog,
  ModelRecord,
  PredictionPage,
  PredictionRecord,
  PredictionSetRecord,
  RunRecord,
  RunStatus,
  RunVectors,
  SliceRecord,
} from '../lineage-catalog.js';
import { vectorRefusal } from '../lineage-catalog.js';
import type { PgDatabase } from './postgres-pool.js';
import {
  toModel,
  toPrediction,
  toPredictionSet,
  toRun,
  toSlice,
  type ModelRow,
  type PredictionRow,
  type PredictionSetRow,
  type RunRow,
  type SliceRow,
} from '../lineage-rows.js';

const UNIQUE_VIOLATION = '23505';
const FOREIGN_KEY_VIOLATION = '23503';

function violation(error: unknown, state: string): string | undefined {
  const e = (error as { cause?: unknown } | null)?.cause ?? error;
  const { code, constraint } = (e ?? {}) as { code?: unknown; constraint?: unknown };
  return code === state && typeof constraint === 'string' ? constraint : undefined;
}

export class PostgresLineageCatalog implements LineageCatalog {
  constructor(private readonly db: PgDatabase) {}

  async insertRun(r: RunRecord): Promise<void> {
    const v = r.vectors;
    const { rowCount } = await this.db.write('insertRun', {
      text: `INSERT INTO runs (id, dataset_ref, commit_id, filter, schema, example_set, example_count,
               params, author, started_at, finished_at, status,
               vectors_blob, vectors_dim, vectors_count, vectors_kind, slice)
             VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17)
             ON CONFLICT (id) DO NOTHING`,
      values: [
        r.id,
        r.datasetRef,
        r.commit,
        r.filter,
        r.schema,
        r.exampleSet,
        r.exampleCount,
        JSON.stringify(r.params),
        r.author,
        r.startedAt,
        r.finishedAt,
        r.status,
        v?.blob ?? null,
        v?.dim ?? null,
        v?.count ?? null,
        v?.kind ?? null,
        r.slice,
      ],
    });
    if (rowCount !== 1) throw new LineageRecordExistsError('run', r.id);
  }

  async getRun(id: string): Promise<RunRecord | undefined> {
    const [row] = await this.db.read<RunRow>('getRun', {
      name: 'verso_get_run',
      text: 'SELECT * FROM runs WHERE id = $1',
      values: [id],
    });
    return row && toRun(row);
  }

  async finishRun(id: string, status: RunStatus, finishedAt: string): Promise<RunRecord> {
    const { rows } = await this.db.write<RunRow>('finishRun', {
      text: `UPDATE runs SET status = $2, finished_at = $3 WHERE id = $1 AND status = 'running' RETURNING *`,
      values: [id, status, finishedAt],
    });
    if (rows[0]) return toRun(rows[0]);
    const run = await this.getRun(id);
    if (!run) throw new LineageRecordNotFoundError('run', id);
    throw new RunFinishedError(id, run.status);
  }

  async setRunVectors(id: string, v: RunVectors): Promise<void> {
    const { rowCount } = await this.db.write('setRunVectors', {
      text: `UPDATE runs SET vectors_blob = $2, vectors_dim = $3, vectors_count = $4, vectors_kind = $5
             WHERE id = $1 AND status = 'running' AND vectors_blob IS NULL`,
      values: [id, v.blob, v.dim, v.count, v.kind],
    });
    if (rowCount === 1) return;
    const run = await this.getRun(id);
    if (!run) throw new LineageRecordNotFoundError('run', id);
    throw vectorRefusal(run) ?? new LineageRecordNotFoundError('run', id);
  }

  async runsByCommit(commit: ChunkHash): Promise<RunRecord[]> {
    const rows = await this.db.read<RunRow>('runsByCommit', {
      text: 'SELECT * FROM runs WHERE commit_id = $1 ORDER BY started_at, id',
      values: [commit],
    });
    return rows.map(toRun);
  }

  async runsBySlice(slice: string): Promise<RunRecord[]> {
    const rows = await this.db.read<RunRow>('runsBySlice', {
      text: 'SELECT * FROM runs WHERE slice = $1 ORDER BY started_at, id',
      values: [slice],
    });
    return rows.map(toRun);
  }

  async listRuns(): Promise<RunRecord[]> {
    const rows = await this.db.read<RunRow>('listRuns', {
      text: 'SELECT * FROM runs ORDER BY started_at, id',
    });
    return rows.map(toRun);
  }

  async listModels(): Promise<ModelRecord[]> {
    const rows = await this.db.read<ModelRow>('listModels', {
      text: 'SELECT * FROM models ORDER BY created_at, id',
    });
    return rows.map(toModel);
  }

  async listPredictions(page: PredictionPage): Promise<PredictionRecord[]> {
    const after = page.after ?? '';
    const rows = await this.db.read<PredictionRow>(
      'listPredictions',
      page.model === undefined
        ? {
            text: 'SELECT * FROM predictions WHERE id > $1 ORDER BY id LIMIT $2',
            values: [after, page.limit],
          }
        : {
            text: 'SELECT * FROM predictions WHERE model = $1 AND id > $2 ORDER BY id LIMIT $3',
            values: [page.model, after, page.limit],
          },
    );
    return rows.map(toPrediction);
  }

  async insertModel(m: ModelRecord): Promise<void> {
    // The contract's order of refusals: unknown run, then a taken id, then a taken name@version.
    if (!(await this.getRun(m.run))) throw new LineageRecordNotFoundError('run', m.run);
    try {
      await this.db.write('insertModel', {
        text: 'INSERT INTO models (id, run, name, version, metrics, created_at) VALUES ($1,$2,$3,$4,$5,$6)',
        values: [m.id, m.run, m.name, m.version, JSON.stringify(m.metrics), m.createdAt],
      });
    } catch (error) {
      const unique = violation(error, UNIQUE_VIOLATION);
      if (unique === 'models_pkey') throw new LineageRecordExistsError('model', m.id);
      if (unique !== undefined)
        throw new LineageRecordExistsError('model', `${m.name}@${m.version}`);
      if (violation(error, FOREIGN_KEY_VIOLATION))
        throw new LineageRecordNotFoundError('run', m.run);
      throw error;
    }
  }

  async getModel(id: string): Promise<ModelRecord | undefined> {
    const [row] = await this.db.read<ModelRow>('getModel', {
      text: 'SELECT * FROM models WHERE id = $1',
      values: [id],
    });
    return row && toModel(row);
  }

  async findModel(name: string, version: string): Promise<ModelRecord | undefined> {
    const [row] = await this.db.read<ModelRow>('findModel', {
      text: 'SELECT * FROM models WHERE name = $1 AND version = $2',
      values: [name, version],
    });
    return row && toModel(row);
  }

  async modelsByRun(run: string): Promise<ModelRecord[]> {
    const rows = await this.db.read<ModelRow>('modelsByRun', {
      text: 'SELECT * FROM models WHERE run = $1 ORDER BY created_at, id',
      values: [run],
    });
    return rows.map(toModel);
  }

  async insertPredictions(predictions: readonly PredictionRecord[]): Promise<void> {
    if (predictions.length === 0) return;
    const models = [...new Set(predictions.map((p) => p.model))];
    const ids = predictions.map((p) => p.id);
    try {
      await this.db.transaction('insertPredictions', async (client) => {
        const known = await client.query<{ id: string }>(
          'SELECT id FROM models WHERE id = ANY($1)',
          [models],
        );
        const taken = await client.query<{ id: string }>(
          'SELECT id FROM predictions WHERE id = ANY($1)',
          [ids],
        );
        const knownModels = new Set(known.rows.map((r) => r.id));
        const takenIds = new Set(taken.rows.map((r) => r.id));
        for (const p of predictions) {
          if (!knownModels.has(p.model)) throw new LineageRecordNotFoundError('model', p.model);
          if (takenIds.has(p.id)) throw new LineageRecordExistsError('prediction', p.id);
          takenIds.add(p.id);
        }
        await client.query(
          `INSERT INTO predictions (id, model, image, output, time, external_id, vector)
           SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[],
                                $6::text[], $7::bytea[])`,
          [
            ids,
            predictions.map((p) => p.model),
            predictions.map((p) => p.image),
            predictions.map((p) => p.output),
            predictions.map((p) => p.time),
            predictions.map((p) => p.externalId),
            predictions.map((p) => (p.vector ? Buffer.from(p.vector) : null)),
          ],
        );
      });
    } catch (error) {
      // A racing server inserted one of these ids between our check and our insert.
      if (violation(error, UNIQUE_VIOLATION) === 'predictions_pkey')
        throw new LineageRecordExistsError('prediction', ids.join(', '));
      throw error;
    }
  }

  async getPrediction(id: string): Promise<PredictionRecord | undefined> {
    const [row] = await this.db.read<PredictionRow>('getPrediction', {
      text: 'SELECT * FROM predictions WHERE id = $1',
      values: [id],
    });
    return row && toPrediction(row);
  }

  async findPredictionByExternalId(externalId: string): Promise<PredictionRecord | undefined> {
    const [row] = await this.db.read<PredictionRow>('findPredictionByExternalId', {
      text: 'SELECT * FROM predictions WHERE external_id = $1 ORDER BY id LIMIT 1',
      values: [externalId],
    });
    return row && toPrediction(row);
  }

  async predictionsByModel(
    model: string,
    limit: number,
  ): Promise<{ total: number; first: PredictionRecord[] }> {
    const [count] = await this.db.read<{ n: string }>('predictionsByModel', {
      text: 'SELECT count(*) AS n FROM predictions WHERE model = $1',
      values: [model],
    });
    const rows = await this.db.read<PredictionRow>('predictionsByModel', {
      text: 'SELECT * FROM predictions WHERE model = $1 ORDER BY id LIMIT $2',
      values: [model, limit],
    });
    return { total: Number(count?.n ?? 0), first: rows.map(toPrediction) };
  }

  async insertSlice(s: SliceRecord): Promise<void> {
    const { rowCount } = await this.db.write('insertSlice', {
      text: `INSERT INTO slices (id, name, commit_id, filter, schema, example_count, created_at,
               selection)
             VALUES ($1,$2,$3,$4,$5,$6,$7,$8) ON CONFLICT (id) DO NOTHING`,
      values: [
        s.id,
        s.name,
        s.commit,
        s.filter,
        s.schema,
        s.exampleCount,
        s.createdAt,
        s.selection === null ? null : JSON.stringify(s.selection),
      ],
    });
    if (rowCount !== 1) throw new LineageRecordExistsError('slice', s.id);
  }

  async getSlice(id: string): Promise<SliceRecord | undefined> {
    const [row] = await this.db.read<SliceRow>('getSlice', {
      text: 'SELECT * FROM slices WHERE id = $1',
      values: [id],
    });
    return row && toSlice(row);
  }

  async listSlices(): Promise<SliceRecord[]> {
    const rows = await this.db.read<SliceRow>('listSlices', {
      text: 'SELECT * FROM slices ORDER BY id',
    });
    return rows.map(toSlice);
  }

  async slicesByPredictionSet(set: string): Promise<SliceRecord[]> {
    const rows = await this.db.read<SliceRow>('slicesByPredictionSet', {
      text: `SELECT * FROM slices WHERE ((selection::jsonb) ->> 'predictionSet') = $1
             ORDER BY created_at, id`,
      values: [set],
    });
    return rows.map(toSlice);
  }

  async slicesByCommit(commit: ChunkHash): Promise<SliceRecord[]> {
    const rows = await this.db.read<SliceRow>('slicesByCommit', {
      text: 'SELECT * FROM slices WHERE commit_id = $1 ORDER BY id',
      values: [commit],
    });
    return rows.map(toSlice);
  }

  async insertPredictionSet(p: PredictionSetRecord): Promise<void> {
    try {
      const { rowCount } = await this.db.write('insertPredictionSet', {
        text: `INSERT INTO prediction_sets (id, model, root, prediction_count, image_count, format,
                 dataset, created_at, rankings)
               VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9) ON CONFLICT (id) DO NOTHING`,
        values: [
          p.id,
          p.model,
          p.root,
          p.predictionCount,
          p.imageCount,
          p.format,
          p.dataset,
          p.createdAt,
          p.rankings === null ? null : JSON.stringify(p.rankings),
        ],
      });
      if (rowCount !== 1) throw new LineageRecordExistsError('prediction set', p.id);
    } catch (e) {
      if (violation(e, FOREIGN_KEY_VIOLATION) !== undefined)
        throw new LineageRecordNotFoundError('model', p.model);
      throw e;
    }
  }

  async getPredictionSet(id: string): Promise<PredictionSetRecord | undefined> {
    const [row] = await this.db.read<PredictionSetRow>('getPredictionSet', {
      text: 'SELECT * FROM prediction_sets WHERE id = $1',
      values: [id],
    });
    return row && toPredictionSet(row);
  }

  async predictionSetsByModel(model: string): Promise<PredictionSetRecord[]> {
    const rows = await this.db.read<PredictionSetRow>('predictionSetsByModel', {
      text: 'SELECT * FROM prediction_sets WHERE model = $1 ORDER BY created_at, id',
      values: [model],
    });
    return rows.map(toPredictionSet);
  }

  async listPredictionSets(): Promise<PredictionSetRecord[]> {
    const rows = await this.db.read<PredictionSetRow>('listPredictionSets', {
      text: 'SELECT * FROM prediction_sets ORDER BY created_at, id',
    });
    return rows.map(toPredictionSet);
  }
}

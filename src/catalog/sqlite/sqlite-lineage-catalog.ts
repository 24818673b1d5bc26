/**
 * SqliteLineageCatalog: the lineage section of `SqliteCatalog` (layer: catalog), on the same
 * database handle. `LINEAGE_MIGRATION` is one step of SqliteCatalog's MIGRATIONS.
 *
 * Indexes, one per direction of a walk: predictions by model (and by external id), models by
 * run, runs by commit, slices by commit. Walking up uses primary keys only.
 */
import type Database from 'better-sqlite3';
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

export const LINEAGE_MIGRATION = `
  CREATE TABLE runs (
    id TEXT PRIMARY KEY, dataset_ref TEXT NOT NULL, commit_id TEXT NOT NULL,
    filter TEXT, schema TEXT, example_set TEXT NOT NULL, example_count INTEGER NOT NULL,
    params TEXT NOT NULL, author TEXT NOT NULL, started_at TEXT NOT NULL, finished_at TEXT,
    status TEXT NOT NULL CHECK (status IN ('running', 'ok', 'failed')),
    vectors_blob TEXT, vectors_dim INTEGER, vectors_count INTEGER, vectors_kind TEXT
  ) WITHOUT ROWID;
  CREATE INDEX runs_by_commit ON runs (commit_id);
  CREATE TABLE models (
    id TEXT PRIMARY KEY, run TEXT NOT NULL REFERENCES runs (id), name TEXT NOT NULL,
    version TEXT NOT NULL, metrics TEXT NOT NULL, created_at TEXT NOT NULL,
    UNIQUE (name, version)
  ) WITHOUT ROWID;
  CREATE INDEX models_by_run ON models (run);
  CREATE TABLE predictions (
    id TEXT PRIMARY KEY, model TEXT NOT NULL REFERENCES models (id), image TEXT NOT NULL,
    output TEXT NOT NULL, time TEXT NOT NULL, external_id TEXT, vector BLOB
  );
  CREATE INDEX predictions_by_model ON predictions (model, id);
  CREATE INDEX predictions_by_external_id ON predictions (external_id) WHERE external_id IS NOT NULL;
  CREATE TABLE slices (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, commit_id TEXT NOT NULL, filter TEXT, schema TEXT,
    example_count INTEGER NOT NULL, created_at TEXT NOT NULL
  ) WITHOUT ROWID;
  CREATE INDEX slices_by_commit ON slices (commit_id);`;

/**
 * Immutability in the database itself (an appended MIGRATIONS step, so its text never changes),
 * so no code path, however written, rewrites a record others depend on: a run changes only while
 * it is running, and then only its end (once, by `finishRun`) and its vectors (once, from none);
 * a model, prediction or slice never changes; no lineage record is deleted.
 */
export const LINEAGE_IMMUTABILITY_MIGRATION = `
  CREATE TRIGGER runs_immutable BEFORE UPDATE ON runs
    WHEN OLD.status <> 'running'
      OR NEW.id IS NOT OLD.id OR NEW.dataset_ref IS NOT OLD.dataset_ref
      OR NEW.commit_id IS NOT OLD.commit_id OR NEW.filter IS NOT OLD.filter
      OR NEW.schema IS NOT OLD.schema OR NEW.example_set IS NOT OLD.example_set
      OR NEW.example_count IS NOT OLD.example_count OR NEW.params IS NOT OLD.params
      OR NEW.author IS NOT OLD.author OR NEW.started_at IS NOT OLD.started_at
      OR (OLD.vectors_blob IS NOT NULL AND (
        NEW.vectors_blob IS NOT OLD.vectors_blob OR NEW.vectors_dim IS NOT OLD.vectors_dim
        OR NEW.vectors_count IS NOT OLD.vectors_count OR NEW.vectors_kind IS NOT OLD.vectors_kind))
    BEGIN SELECT RAISE(ABORT, 'lineage records are immutable'); END;
  CREATE TRIGGER runs_never_deleted BEFORE DELETE ON runs
    BEGIN SELECT RAISE(ABORT, 'lineage records are immutable'); END;
  CREATE TRIGGER models_immutable BEFORE UPDATE ON models
    BEGIN SELECT RAISE(ABORT, 'lineage records are immutable'); END;
  CREATE TRIGGER models_never_deleted BEFORE DELETE ON models
    BEGIN SELECT RAISE(ABORT, 'lineage records are immutable'); END;
  CREATE TRIGGER predictions_immutable BEFORE UPDATE ON predictions
    BEGIN SELECT RAISE(ABORT, 'lineage records are immutable'); END;
  CREATE TRIGGER predictions_never_deleted BEFORE DELETE ON predictions
    BEGIN SELECT RAISE(ABORT, 'lineage records are immutable'); END;
  CREATE TRIGGER slices_immutable BEFORE UPDATE ON slices
    BEGIN SELECT RAISE(ABORT, 'lineage records are immutable'); END;
  CREATE TRIGGER slices_never_deleted BEFORE DELETE ON slices
    BEGIN SELECT RAISE(ABORT, 'lineage records are immutable'); END;`;

/**
 * Prediction sets (issue 17), immutable like every lineage record, and the selection a slice
 * chosen by `verso select` was made with (null for a `slice save` slice).
 */
export const PREDICTION_SETS_MIGRATION = `
  ALTER TABLE slices ADD COLUMN selection TEXT;
  CREATE TABLE prediction_sets (
    id TEXT PRIMARY KEY, model TEXT NOT NULL REFERENCES models (id), root TEXT NOT NULL,
    prediction_count INTEGER NOT NULL, image_count INTEGER NOT NULL, format TEXT NOT NULL,
    dataset TEXT, created_at TEXT NOT NULL
  ) WITHOUT ROWID;
  CREATE INDEX prediction_sets_by_model ON prediction_sets (model, created_at, id);
  CREATE TRIGGER prediction_sets_immutable BEFORE UPDATE ON prediction_sets
    BEGIN SELECT RAISE(ABORT, 'lineage records are immutable'); END;
  CREATE TRIGGER prediction_sets_never_deleted BEFORE DELETE ON prediction_sets
    BEGIN SELECT RAISE(ABORT, 'lineage records are immutable'); END;`;

/**
 * The active-learning loop (issue 17): the slice a run trained on (`run start --slice`), kept
 * as immutable as the rest of the run; the index from a prediction set to the slices `select`
 * chose from it; a set's ranking trees (JSON: strategy -> root).
 */
export const RUN_SLICE_MIGRATION = `
  ALTER TABLE prediction_sets ADD COLUMN rankings TEXT;
  ALTER TABLE runs ADD COLUMN slice TEXT;
  CREATE INDEX runs_by_slice ON runs (slice) WHERE slice IS NOT NULL;
  CREATE TRIGGER runs_slice_immutable BEFORE UPDATE OF slice ON runs
    WHEN NEW.slice IS NOT OLD.slice
    BEGIN SELECT RAISE(ABORT, 'lineage records are immutable'); END;
  CREATE INDEX slices_by_prediction_set
    ON slices (json_extract(selection, '$.predictionSet'), created_at, id);`;

type Statements = ReturnType<typeof prepare>;
type Param = string | number | null | Buffer;

function prepare(db: Database.Database) {
  const q = <R>(sql: string) => db.prepare<Param[], R>(sql);
  return {
    insertRun: q(
      `INSERT INTO runs (id, dataset_ref, commit_id, filter, schema, example_set, example_count,
         slice, params, author, started_at, finished_at, status) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)`,
    ),
    getRun: q<RunRow>('SELECT * FROM runs WHERE id = ?'),
    finishRun: q('UPDATE runs SET status = ?, finished_at = ? WHERE id = ?'),
    setVectors: q(
      'UPDATE runs SET vectors_blob = ?, vectors_dim = ?, vectors_count = ?, vectors_kind = ? WHERE id = ?',
    ),
    runsByCommit: q<RunRow>('SELECT * FROM runs WHERE commit_id = ? ORDER BY started_at, id'),
    runsBySlice: q<RunRow>('SELECT * FROM runs WHERE slice = ? ORDER BY started_at, id'),
    listRuns: q<RunRow>('SELECT * FROM runs ORDER BY started_at, id'),
    listModels: q<ModelRow>('SELECT * FROM models ORDER BY created_at, id'),
    predictionsAfter: q<PredictionRow>(
      'SELECT * FROM predictions WHERE id > ? ORDER BY id LIMIT ?',
    ),
    modelPredictionsAfter: q<PredictionRow>(
      'SELECT * FROM predictions WHERE model = ? AND id > ? ORDER BY id LIMIT ?',
    ),
    insertModel: q(
      'INSERT INTO models (id, run, name, version, metrics, created_at) VALUES (?,?,?,?,?,?)',
    ),
    getModel: q<ModelRow>('SELECT * FROM models WHERE id = ?'),
    findModel: q<ModelRow>('SELECT * FROM models WHERE name = ? AND version = ?'),
    modelsByRun: q<ModelRow>('SELECT * FROM models WHERE run = ? ORDER BY created_at, id'),
    insertPrediction: q(
      'INSERT INTO predictions (id, model, image, output, time, external_id, vector) VALUES (?,?,?,?,?,?,?)',
    ),
    getPrediction: q<PredictionRow>('SELECT * FROM predictions WHERE id = ?'),
    predictionByExternalId: q<PredictionRow>(
      'SELECT * FROM predictions WHERE external_id = ? ORDER BY id LIMIT 1',
    ),
    predictionsByModel: q<PredictionRow>(
      'SELECT * FROM predictions WHERE model = ? ORDER BY id LIMIT ?',
    ),
    countByModel: q<{ n: number }>('SELECT count(*) AS n FROM predictions WHERE model = ?'),
    insertSlice: q(
      `INSERT INTO slices (id, name, commit_id, filter, schema, example_count, created_at,
         selection) VALUES (?,?,?,?,?,?,?,?)`,
    ),
    getSlice: q<SliceRow>('SELECT * FROM slices WHERE id = ?'),
    slicesByCommit: q<SliceRow>('SELECT * FROM slices WHERE commit_id = ? ORDER BY id'),
    slicesByPredictionSet: q<SliceRow>(
      `SELECT * FROM slices WHERE json_extract(selection, '$.predictionSet') = ?
       ORDER BY created_at, id`,
    ),
    listSlices: q<SliceRow>('SELECT * FROM slices ORDER BY id'),
    insertPredictionSet: q(
      `INSERT INTO prediction_sets (id, model, root, prediction_count, image_count, format,
         dataset, created_at, rankings) VALUES (?,?,?,?,?,?,?,?,?)`,
    ),
    getPredictionSet: q<PredictionSetRow>('SELECT * FROM prediction_sets WHERE id = ?'),
    predictionSetsByModel: q<PredictionSetRow>(
      'SELECT * FROM prediction_sets WHERE model = ? ORDER BY created_at, id',
    ),
    listPredictionSets: q<PredictionSetRow>(
      'SELECT * FROM prediction_sets ORDER BY created_at, id',
    ),
  };
}

export class SqliteLineageCatalog implements LineageCatalog {
  private readonly sql: Statements;

  constructor(private readonly db: Database.Database) {
    this.sql = prepare(db);
  }

  async insertRun(r: RunRecord): Promise<void> {
    this.db
      .transaction(() => {
        if (this.sql.getRun.get(r.id)) throw new LineageRecordExistsError('run', r.id);
        this.sql.insertRun.run(
          r.id,
          r.datasetRef,
          r.commit,
          r.filter,
          r.schema,
          r.exampleSet,
          r.exampleCount,
          r.slice,
          JSON.stringify(r.params),
          r.author,
          r.startedAt,
          r.finishedAt,
          r.status,
        );
        if (r.vectors) this.writeVectors(r.id, r.vectors);
      })
      .immediate();
  }

  async getRun(id: string): Promise<RunRecord | undefined> {
    const row = this.sql.getRun.get(id);
    return row && toRun(row);
  }

  async finishRun(id: string, status: RunStatus, finishedAt: string): Promise<RunRecord> {
    return this.db
      .transaction(() => {
        const row = this.sql.getRun.get(id);
        if (!row) throw new LineageRecordNotFoundError('run', id);
        if (row.status !== 'running') throw new RunFinishedError(id, row.status);
        this.sql.finishRun.run(status, finishedAt, id);
        return toRun(this.sql.getRun.get(id)!);
      })
      .immediate();
  }

  async setRunVectors(id: string, vectors: RunVectors): Promise<void> {
    this.db
      .transaction(() => {
        const row = this.sql.getRun.get(id);
        if (!row) throw new LineageRecordNotFoundError('run', id);
        const refusal = vectorRefusal(toRun(row));
        if (refusal) throw refusal;
        this.writeVectors(id, vectors);
      })
      .immediate();
  }

  private writeVectors(id: string, v: RunVectors): void {
    this.sql.setVectors.run(v.blob, v.dim, v.count, v.kind, id);
  }

  async runsByCommit(commit: ChunkHash): Promise<RunRecord[]> {
    return this.sql.runsByCommit.all(commit).map(toRun);
  }

  async runsBySlice(slice: string): Promise<RunRecord[]> {
    return this.sql.runsBySlice.all(slice).map(toRun);
  }

  async listRuns(): Promise<RunRecord[]> {
    return this.sql.listRuns.all().map(toRun);
  }

  async listModels(): Promise<ModelRecord[]> {
    return this.sql.listModels.all().map(toModel);
  }

  async listPredictions(page: PredictionPage): Promise<PredictionRecord[]> {
    const after = page.after ?? '';
    const rows =
      page.model === undefined
        ? this.sql.predictionsAfter.all(after, page.limit)
        : this.sql.modelPredictionsAfter.all(page.model, after, page.limit);
    return rows.map(toPrediction);
  }

  async insertModel(m: ModelRecord): Promise<void> {
    this.db
      .transaction(() => {
        if (!this.sql.getRun.get(m.run)) throw new LineageRecordNotFoundError('run', m.run);
        if (this.sql.getModel.get(m.id)) throw new LineageRecordExistsError('model', m.id);
        if (this.sql.findModel.get(m.name, m.version))
          throw new LineageRecordExistsError('model', `${m.name}@${m.version}`);
        const metrics = JSON.stringify(m.metrics);
        this.sql.insertModel.run(m.id, m.run, m.name, m.version, metrics, m.createdAt);
      })
      .immediate();
  }

  async getModel(id: string): Promise<ModelRecord | undefined> {
    const row = this.sql.getModel.get(id);
    return row && toModel(row);
  }

  async findModel(name: string, version: string): Promise<ModelRecord | undefined> {
    const row = this.sql.findModel.get(name, version);
    return row && toModel(row);
  }

  async modelsByRun(run: string): Promise<ModelRecord[]> {
    return this.sql.modelsByRun.all(run).map(toModel);
  }

  async insertPredictions(predictions: readonly PredictionRecord[]): Promise<void> {
    this.db
      .transaction(() => {
        const known = new Set<string>();
        for (const p of predictions) {
          if (!known.has(p.model)) {
            if (!this.sql.getModel.get(p.model))
              throw new LineageRecordNotFoundError('model', p.model);
            known.add(p.model);
          }
          const vector = p.vector
            ? Buffer.from(p.vector.buffer, p.vector.byteOffset, p.vector.byteLength)
            : null;
          // No look-up first: the primary key refuses a stored (or repeated) id, in the same
          // b-tree descent as the insert (a serving loop records tens of thousands a second).
          try {
            this.sql.insertPrediction.run(
              p.id,
              p.model,
              p.image,
              p.output,
              p.time,
              p.externalId,
              vector,
            );
          } catch (e) {
            if ((e as { code?: unknown }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY')
              throw new LineageRecordExistsError('prediction', p.id);
            throw e;
          }
        }
      })
      .immediate();
  }

  async getPrediction(id: string): Promise<PredictionRecord | undefined> {
    const row = this.sql.getPrediction.get(id);
    return row && toPrediction(row);
  }

  async findPredictionByExternalId(externalId: string): Promise<PredictionRecord | undefined> {
    const row = this.sql.predictionByExternalId.get(externalId);
    return row && toPrediction(row);
  }

  async predictionsByModel(
    model: string,
    limit: number,
  ): Promise<{ total: number; first: PredictionRecord[] }> {
    const total = this.sql.countByModel.get(model)?.n ?? 0;
    return { total, first: this.sql.predictionsByModel.all(model, limit).map(toPrediction) };
  }

  async insertSlice(s: SliceRecord): Promise<void> {
    this.db
      .transaction(() => {
        if (this.sql.getSlice.get(s.id)) throw new LineageRecordExistsError('slice', s.id);
        const { id, name, commit, filter, schema, exampleCount, createdAt } = s;
        const selection = s.selection === null ? null : JSON.stringify(s.selection);
        this.sql.insertSlice.run(
          id,
          name,
          commit,
          filter,
          schema,
          exampleCount,
          createdAt,
          selection,
        );
      })
      .immediate();
  }

  async getSlice(id: string): Promise<SliceRecord | undefined> {
    const row = this.sql.getSlice.get(id);
    return row && toSlice(row);
  }

  async listSlices(): Promise<SliceRecord[]> {
    return this.sql.listSlices.all().map(toSlice);
  }

  async slicesByCommit(commit: ChunkHash): Promise<SliceRecord[]> {
    return this.sql.slicesByCommit.all(commit).map(toSlice);
  }

  async slicesByPredictionSet(set: string): Promise<SliceRecord[]> {
    return this.sql.slicesByPredictionSet.all(set).map(toSlice);
  }

  async insertPredictionSet(p: PredictionSetRecord): Promise<void> {
    this.db
      .transaction(() => {
        if (!this.sql.getModel.get(p.model)) throw new LineageRecordNotFoundError('model', p.model);
        if (this.sql.getPredictionSet.get(p.id))
          throw new LineageRecordExistsError('prediction set', p.id);
        this.sql.insertPredictionSet.run(
          p.id,
          p.model,
          p.root,
          p.predictionCount,
          p.imageCount,
          p.format,
          p.dataset,
          p.createdAt,
          p.rankings === null ? null : JSON.stringify(p.rankings),
        );
      })
      .immediate();
  }

  async getPredictionSet(id: string): Promise<PredictionSetRecord | undefined> {
    const row = this.sql.getPredictionSet.get(id);
    return row && toPredictionSet(row);
  }

  async predictionSetsByModel(model: string): Promise<PredictionSetRecord[]> {
    return this.sql.predictionSetsByModel.all(model).map(toPredictionSet);
  }

  async listPredictionSets(): Promise<PredictionSetRecord[]> {
    return this.sql.listPredictionSets.all().map(toPredictionSet);
  }
}

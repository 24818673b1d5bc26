/**
 * The lineage section of the Catalog (layer: catalog): training runs, models, predictions and
 * slices, with indexes for walking both directions (prediction -> model -> run -> commit, and
 * commit -> runs -> models -> predictions).
 *
 * Contract (checked for every backend by `lineage-catalog.contract.ts`):
 * - Records are immutable once inserted (others depend on them: a model on its run's example
 *   set, an `explain` answer on the run's vectors), and none is ever deleted. The only changes:
 *   a running run's `finishedAt`/`status`, set once by `finishRun` (which throws
 *   `LineageRecordNotFoundError` for an unknown run and `RunFinishedError` for a finished one),
 *   and a running run's `vectors`, set once from none by `setRunVectors` (which throws
 *   `LineageRecordImmutableError` for a finished run or one that has vectors: a correction is a
 *   new run).
 * - `insert*` throws `LineageRecordExistsError` when the id is taken (and, for models, when the
 *   name + version pair is taken); a model must name a stored run and a prediction a stored
 *   model (else `LineageRecordNotFoundError`).
 * - `insertPredictions` stores the whole batch or nothing.
 * - The `*By*` lookups are index reads: their cost does not grow with unrelated records.
 * - A prediction set (issue 17) names a stored model (else `LineageRecordNotFoundError`); its
 *   predictions live in the chunk store (a Prolly tree, `root`), the record only points at them.
 */
import { LineageRecordImmutableError } from './catalog-errors.js';
import type { ChunkHash } from '../core/hash.js';

export type RunStatus = 'running' | 'ok' | 'failed';
export type VectorKind = 'gradient' | 'embedding';

/** The vectors a run attached: one blob (BlobStore, `docs/formats.md` "Lineage and explain"). */
export interface RunVectors {
  readonly blob: ChunkHash;
  readonly dim: number;
  readonly count: number;
  readonly kind: VectorKind;
}

export interface RunRecord {
  readonly id: string;
  /** The ref expression the user named (`production-v4`, `main~2`). */
  readonly datasetRef: string;
  /** The exact commit the ref resolved to when the run started. */
  readonly commit: ChunkHash;
  readonly filter: string | null;
  readonly schema: string | null;
  /** Root hash of the example-set tree (label key -> content as read). */
  readonly exampleSet: ChunkHash;
  readonly exampleCount: number;
  /**
   * The slice the run trained on (`run start --slice`), or null: a slice chosen by `verso
   * select` links the run to the prediction set, and so the model, whose predictions chose its
   * data (the active-learning loop, issue 17).
   */
  readonly slice: string | null;
  readonly params: Readonly<Record<string, string>>;
  readonly author: string;
  readonly startedAt: string;
  readonly finishedAt: string | null;
  readonly status: RunStatus;
  readonly vectors: RunVectors | null;
}

export interface ModelRecord {
  readonly id: string;
  readonly run: string;
  readonly name: string;
  readonly version: string;
  readonly metrics: Readonly<Record<string, unknown>>;
  readonly createdAt: string;
}

export interface PredictionRecord {
  readonly id: string;
  readonly model: string;
  readonly image: string;
  /** JSON text of the model's output. */
  readonly output: string;
  readonly time: string;
  readonly externalId: string | null;
  /** float32 little-endian, or null. */
  readonly vector: Uint8Array | null;
}

export interface SliceRecord {
  /** The root hash of the slice's tree (content hash of the selection). */
  readonly id: string;
  readonly name: string;
  readonly commit: ChunkHash;
  readonly filter: string | null;
  readonly schema: string | null;
  /** Labels (`slice save`) or images (`select`) in the slice. */
  readonly exampleCount: number;
  readonly createdAt: string;
  /** How `select` chose it from a prediction set; null for a `slice save` of labels. */
  readonly selection: SliceSelection | null;
}

/** The inputs of an active-learning selection (`verso select`), all bound into the slice id. */
export interface SliceSelection {
  readonly predictionSet: string;
  readonly strategy: string;
  readonly params: Readonly<Record<string, string | number | null>>;
}

/**
 * What one model predicted over a set of images (issue 17): the predictions are a Prolly tree
 * keyed (image, prediction) in the chunk store, `root` its content hash (identical predictions,
 * identical root). The id binds the model and the root, so importing the same predictions for
 * the same model again finds the stored set. Immutable, never deleted.
 */
export interface PredictionSetRecord {
  /** `pset-<16 hex>` of (model, root). */
  readonly id: string;
  /** The model's id. */
  readonly model: string;
  readonly root: ChunkHash;
  readonly predictionCount: number;
  readonly imageCount: number;
  /** The input format it was imported from: `jsonl`, `coco` or `yolo`. */
  readonly format: string;
  /** The commit its images (and classes) were checked against, or null. */
  readonly dataset: ChunkHash | null;
  readonly createdAt: string;
  /**
   * Its ranking trees by strategy (`dataset/prediction-ranking.ts`), derived from `root` when it
   * was stored; null for a set stored before they existed (`select` then scans the set).
   */
  readonly rankings: Readonly<Record<string, ChunkHash>> | null;
}

/**
 * Why `run` may not take vectors (undefined: it may): a finished run is frozen, and a run's
 * vectors, once attached, are what its models' `explain` answers were computed from.
 */
export function vectorRefusal(run: RunRecord): LineageRecordImmutableError | undefined {
  if (run.status !== 'running')
    return new LineageRecordImmutableError('run', run.id, `has finished (${run.status})`);
  if (run.vectors)
    return new LineageRecordImmutableError(
      'run',
      run.id,
      `already has vectors (${run.vectors.count} x ${run.vectors.dim}, ${run.vectors.kind})`,
    );
  return undefined;
}

/** One page of `listPredictions`: by id, after `after`, of one model or of all. */
export interface PredictionPage {
  readonly model?: string | undefined;
  readonly after?: string | undefined;
  readonly limit: number;
}

export interface LineageCatalog {
  insertRun(run: RunRecord): Promise<void>;
  getRun(id: string): Promise<RunRecord | undefined>;
  finishRun(id: string, status: RunStatus, finishedAt: string): Promise<RunRecord>;
  setRunVectors(id: string, vectors: RunVectors): Promise<void>;
  runsByCommit(commit: ChunkHash): Promise<RunRecord[]>;
  /** The runs that trained on a slice, oldest first. */
  runsBySlice(slice: string): Promise<RunRecord[]>;
  /** Every run, oldest first (for membership questions that must ask each run's example set). */
  listRuns(): Promise<RunRecord[]>;

  /** Every model, oldest first. */
  listModels(): Promise<ModelRecord[]>;
  /** Predictions by id, one page at a time (keyset pagination: `after` = the last id seen). */
  listPredictions(page: PredictionPage): Promise<PredictionRecord[]>;

  insertModel(model: ModelRecord): Promise<void>;
  getModel(id: string): Promise<ModelRecord | undefined>;
  findModel(name: string, version: string): Promise<ModelRecord | undefined>;
  modelsByRun(run: string): Promise<ModelRecord[]>;

  insertPredictions(predictions: readonly PredictionRecord[]): Promise<void>;
  getPrediction(id: string): Promise<PredictionRecord | undefined>;
  findPredictionByExternalId(externalId: string): Promise<PredictionRecord | undefined>;
  /** The first `limit` predictions of a model (by id) and how many it has. */
  predictionsByModel(
    model: string,
    limit: number,
  ): Promise<{ total: number; first: PredictionRecord[] }>;

  insertSlice(slice: SliceRecord): Promise<void>;
  getSlice(id: string): Promise<SliceRecord | undefined>;
  slicesByCommit(commit: ChunkHash): Promise<SliceRecord[]>;
  /** The slices `verso select` chose from a prediction set, oldest first. */
  slicesByPredictionSet(set: string): Promise<SliceRecord[]>;
  /** Every slice (gc keeps their commits and example sets). */
  listSlices(): Promise<SliceRecord[]>;

  insertPredictionSet(set: PredictionSetRecord): Promise<void>;
  getPredictionSet(id: string): Promise<PredictionSetRecord | undefined>;
  /** The sets of one model, oldest first. */
  predictionSetsByModel(model: string): Promise<PredictionSetRecord[]>;
  /** Every prediction set, oldest first (gc keeps their trees). */
  listPredictionSets(): Promise<PredictionSetRecord[]>;
}

/**
 * Rows of the lineage tables and their mapping to records (layer: catalog), shared by the SQL
 * backends (`sqlite/sqlite-lineage-catalog.ts`, `postgres/postgres-lineage-catalog.ts`), whose
 * columns are named alike.
 */
import type { ChunkHash } from '../core/hash.js';
import type {
  ModelRecord,
  PredictionRecord,
  PredictionSetRecord,
  RunRecord,
  RunStatus,
  SliceRecord,
  VectorKind,
} from './lineage-catalog.js';

export interface RunRow {
  readonly id: string;
  readonly dataset_ref: string;
  readonly commit_id: string;
  readonly filter: string | null;
  readonly schema: string | null;
  readonly example_set: string;
  readonly example_count: number;
  readonly slice: string | null;
  readonly params: string;
  readonly author: string;
  readonly started_at: string;
  readonly finished_at: string | null;
  readonly status: RunStatus;
  readonly vectors_blob: string | null;
  readonly vectors_dim: number | null;
  readonly vectors_count: number | null;
  readonly vectors_kind: string | null;
}
export interface ModelRow {
  readonly id: string;
  readonly run: string;
  readonly name: string;
  readonly version: string;
  readonly metrics: string;
  readonly created_at: string;
}
export interface PredictionRow {
  readonly id: string;
  readonly model: string;
  readonly image: string;
  readonly output: string;
  readonly time: string;
  readonly external_id: string | null;
  readonly vector: Buffer | null;
}
export interface SliceRow {
  readonly id: string;
  readonly name: string;
  readonly commit_id: string;
  readonly filter: string | null;
  readonly schema: string | null;
  readonly example_count: number;
  readonly created_at: string;
  readonly selection: string | null;
}
export interface PredictionSetRow {
  readonly id: string;
  readonly model: string;
  readonly root: string;
  readonly prediction_count: number | string;
  readonly image_count: number | string;
  readonly format: string;
  readonly dataset: string | null;
  readonly created_at: string;
  readonly rankings?: string | null;
}

export function toRun(r: RunRow): RunRecord {
  const vectors =
    r.vectors_blob === null
      ? null
      : {
          blob: r.vectors_blob as ChunkHash,
          dim: r.vectors_dim ?? 0,
          count: r.vectors_count ?? 0,
          kind: r.vectors_kind as VectorKind,
        };
  return {
    id: r.id,
    datasetRef: r.dataset_ref,
    commit: r.commit_id as ChunkHash,
    filter: r.filter,
    schema: r.schema,
    exampleSet: r.example_set as ChunkHash,
    exampleCount: r.example_count,
    slice: r.slice ?? null,
    params: JSON.parse(r.params) as Record<string, string>,
    author: r.author,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    status: r.status,
    vectors,
  };
}

export function toModel(r: ModelRow): ModelRecord {
  const { id, run, name, version } = r;
  const metrics = JSON.parse(r.metrics) as Record<string, unknown>;
  return { id, run, name, version, metrics, createdAt: r.created_at };
}

export function toPrediction(r: PredictionRow): PredictionRecord {
  const { id, model, image, output, time } = r;
  const vector = r.vector ? new Uint8Array(r.vector) : null;
  return { id, model, image, output, time, externalId: r.external_id, vector };
}

export function toSlice(r: SliceRow): SliceRecord {
  const { id, name, filter, schema } = r;
  const commit = r.commit_id as ChunkHash;
  return {
    id,
    name,
    commit,
    filter,
    schema,
    exampleCount: r.example_count,
    createdAt: r.created_at,
    selection: r.selection === null ? null : (JSON.parse(r.selection) as SliceRecord['selection']),
  };
}

export function toPredictionSet(r: PredictionSetRow): PredictionSetRecord {
  return {
    id: r.id,
    model: r.model,
    root: r.root as ChunkHash,
    predictionCount: Number(r.prediction_count),
    imageCount: Number(r.image_count),
    format: r.format,
    dataset: r.dataset as ChunkHash | null,
    createdAt: r.created_at,
    rankings:
      r.rankings === null || r.rankings === undefined
        ? null
        : (JSON.parse(r.rankings) as Record<string, ChunkHash>),
  };
}

/**
 * The JSON shapes of the lineage routes (layer: server): request and response schemas (they
 * validate, serialize and make the OpenAPI document), and the records as JSON with the CLI's
 * `--json` member names (`run list`, `model list`, `predict list`).
 */
import { Type } from 'typebox';
import type { ModelRecord, PredictionSummary, RunRecord } from '../../api/lineage/index.js';
import { snakeCaseJson } from '../../core/json-case.js';
import { AnyObject, Hash } from '../schemas.js';

export const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) =>
  Type.Union([t, Type.Null()]);

export const VectorsSchema = Type.Object({
  blob: Hash,
  dim: Type.Integer(),
  count: Type.Integer(),
  kind: Type.String(),
});

export const RunSchema = Type.Object(
  {
    id: Type.String(),
    dataset_ref: Type.String(),
    commit: Hash,
    filter: Nullable(Type.String()),
    schema: Nullable(Type.String()),
    example_set: Hash,
    example_count: Type.Integer(),
    slice: Nullable(Type.String({ description: 'the slice the run trained on' })),
    params: AnyObject,
    author: Type.String(),
    started_at: Type.String(),
    finished_at: Nullable(Type.String()),
    status: Type.String({ description: 'running, ok or failed' }),
    vectors: Nullable(VectorsSchema),
  },
  { description: 'a training run (as `verso run list --json`)' },
);

export const ModelSchema = Type.Object(
  {
    id: Type.String(),
    run: Type.String(),
    name: Type.String(),
    version: Type.String(),
    metrics: AnyObject,
    created_at: Type.String(),
    artifact: Nullable(Type.String({ description: 'metrics.artifact, as registered' })),
  },
  { description: 'a model (as `verso model list --json`, plus its artifact)' },
);

export const PredictionSchema = Type.Object(
  {
    id: Type.String(),
    model: Type.String(),
    image: Type.String(),
    output: Type.Unknown(),
    time: Type.String(),
    external_id: Nullable(Type.String()),
    has_vector: Type.Boolean(),
  },
  { description: 'a prediction without its vector (as `verso predict list --json`)' },
);

export const StagedSchema = Type.Object({
  chunks: Type.Integer(),
  count: Type.Integer(),
  dim: Nullable(Type.Integer()),
  kind: Nullable(Type.String()),
});

export const AddVectorsSchema = Type.Object({
  run: Type.String(),
  blob: Hash,
  dim: Type.Integer(),
  count: Type.Integer(),
  kind: Type.String(),
  examples: Type.Integer(),
  unscored: Type.Integer(),
});

export const RunParams = Type.Object({ repo: Type.String(), id: Type.String({ minLength: 1 }) });
export const ModelParams = Type.Object({
  repo: Type.String(),
  model: Type.String({ minLength: 1 }),
});
export const VectorBody = {
  description:
    'one chunk of vectors: the binary vector file layout (VVEC header: magic, u32 version 1, u32 dim, u32 count, u32 kind 0 gradient | 1 embedding; count x dim float32 LE; count keys of u32 length + UTF-8 IMAGE/LABEL), all little-endian',
  content: { 'application/octet-stream': { schema: {} } },
};

export function runJson(r: RunRecord): unknown {
  return snakeCaseJson(r);
}

export function modelJson(m: ModelRecord): unknown {
  const artifact = m.metrics['artifact'];
  return {
    ...(snakeCaseJson(m) as object),
    artifact: typeof artifact === 'string' ? artifact : null,
  };
}

export function predictionJson(p: PredictionSummary): unknown {
  return { ...(snakeCaseJson(p) as object), output: JSON.parse(p.output) as unknown };
}

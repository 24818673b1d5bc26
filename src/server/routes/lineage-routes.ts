/**
 * Lineage over HTTP (layer: server): training runs and their examples, run vectors sent in
 * chunks, models, bulk predictions, lineage walks and explain; what a training job and a serving
 * loop call (the Python client, issue 16). Reads need `read`; starting and finishing runs,
 * vectors, models and predictions need `annotate` (the role training and serving tokens get).
 * JSON members are the CLI's `--json` names (`run list`, `model list`, `predict list`,
 * `lineage up|down`, `explain`).
 *
 * Vectors: each `POST /runs/ID/vectors` body is one chunk in the binary vector file layout
 * (`lineage/vector-chunk-reader.ts`), checked as it streams; accepted chunks are staged and
 * attached together by `POST /runs/ID/vectors/seal` or when the run finishes
 * (`lineage/vector-staging.ts`).
 */
import { writeFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { Type } from 'typebox';
import type { ModelRecord, PredictionSummary, RunRecord } from '../../api/lineage/index.js';
import {
  explainPrediction,
  finishRun,
  lineageDown,
  lineageUp,
  listModels,
  listPredictions,
  listRuns,
  recordPredictionFile,
  registerModel,
  runExampleBlocks,
  showPrediction,
  showRun,
  startRun,
} from '../../api/lineage/index.js';
import type { Repository } from '../../api/repository/index.js';
import { snakeCaseJson } from '../../core/json-case.js';
import { HttpRefusal } from '../http-errors.js';
import { NDJSON, sendBlocks, sendRecords } from '../ndjson.js';
import { AnyObject, errors, Hash, ndjson, REPO_ERRORS, RepoParams } from '../schemas.js';
import type { RouteContext, VersoApp } from '../server-types.js';
import { withUploadedFile } from '../upload.js';
import { streamedBody } from '../lineage/streamed-body.js';
import { VectorStaging } from '../lineage/vector-staging.js';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) =>
  Type.Union([t, Type.Null()]);

const VectorsSchema = Type.Object({
  blob: Hash,
  dim: Type.Integer(),
  count: Type.Integer(),
  kind: Type.String(),
});

const RunSchema = Type.Object(
  {
    id: Type.String(),
    dataset_ref: Type.String(),
    commit: Hash,
    filter: Nullable(Type.String()),
    schema: Nullable(Type.String()),
    example_set: Hash,
    example_count: Type.Integer(),
    params: AnyObject,
    author: Type.String(),
    started_at: Type.String(),
    finished_at: Nullable(Type.String()),
    status: Type.String({ description: 'running, ok or failed' }),
    vectors: Nullable(VectorsSchema),
  },
  { description: 'a training run (as `verso run list --json`)' },
);

const ModelSchema = Type.Object(
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

const PredictionSchema = Type.Object(
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

const StagedSchema = Type.Object({
  chunks: Type.Integer(),
  count: Type.Integer(),
  dim: Nullable(Type.Integer()),
  kind: Nullable(Type.String()),
});

const AddVectorsSchema = Type.Object({
  run: Type.String(),
  blob: Hash,
  dim: Type.Integer(),
  count: Type.Integer(),
  kind: Type.String(),
  examples: Type.Integer(),
  unscored: Type.Integer(),
});

const RunParams = Type.Object({ repo: Type.String(), id: Type.String({ minLength: 1 }) });
const ModelParams = Type.Object({ repo: Type.String(), model: Type.String({ minLength: 1 }) });
const VectorBody = {
  description:
    'one chunk of vectors: the binary vector file layout (VVEC header: magic, u32 version 1, u32 dim, u32 count, u32 kind 0 gradient | 1 embedding; count x dim float32 LE; count keys of u32 length + UTF-8 IMAGE/LABEL), all little-endian',
  content: { 'application/octet-stream': { schema: {} } },
};

export function lineageRoutes(app: VersoApp, ctx: RouteContext): void {
  const staging = new VectorStaging();

  app.post(
    '/runs',
    {
      config: { role: 'annotate' },
      schema: {
        summary:
          'start a training run on a dataset selection: its example set is fixed and content-hashed now',
        tags: ['lineage'],
        params: RepoParams,
        body: Type.Object({
          dataset: Type.String({ minLength: 1, description: 'a ref: branch, tag or commit' }),
          where: Type.Optional(Type.String({ description: 'a filter in the --where language' })),
          schema: Type.Optional(Type.String({ description: 'read the labels as this version' })),
          params: Type.Optional(
            Type.Record(Type.String({ minLength: 1 }), Type.Unknown(), {
              description: 'training parameters; values are kept as text (JSON for non-strings)',
            }),
          ),
        }),
        response: { 201: RunSchema, ...errors(...REPO_ERRORS, 409, 422) },
      },
    },
    async (request, reply) => {
      const { dataset, where, schema, params } = request.body;
      const { run } = await startRun(request.repo, {
        dataset,
        where,
        schema,
        params: paramPairs(params ?? {}),
      });
      return reply.status(201).send(runJson(run) as never);
    },
  );

  app.get(
    '/runs',
    {
      config: { role: 'read' },
      schema: {
        summary: 'every training run, oldest first',
        tags: ['lineage'],
        params: RepoParams,
        response: { 200: Type.Object({ runs: Type.Array(RunSchema) }), ...errors(...REPO_ERRORS) },
      },
    },
    async (request) => ({ runs: (await listRuns(request.repo)).map(runJson) as never }),
  );

  app.get(
    '/runs/:id',
    {
      config: { role: 'read' },
      schema: {
        summary: 'one training run',
        tags: ['lineage'],
        params: RunParams,
        response: { 200: RunSchema, ...errors(...REPO_ERRORS) },
      },
    },
    async (request) => runJson(await showRun(request.repo, request.params.id)) as never,
  );

  app.get(
    '/runs/:id/examples',
    {
      config: { role: 'read' },
      schema: {
        summary:
          "the run's examples in its fixed order (NDJSON, the native interchange with reviews, as read when the run started)",
        tags: ['lineage'],
        params: RunParams,
        response: { 200: ndjson('examples'), ...errors(...REPO_ERRORS) },
      },
    },
    async (request, reply) =>
      sendBlocks(reply, await runExampleBlocks(request.repo, request.params.id)),
  );

  app.post(
    '/runs/:id/finish',
    {
      config: { role: 'annotate' },
      schema: {
        summary:
          'finish a run (ok or failed); vectors still staged are attached first, then the run is frozen',
        tags: ['lineage'],
        params: RunParams,
        body: Type.Optional(
          Type.Object({
            status: Type.Optional(Type.Union([Type.Literal('ok'), Type.Literal('failed')])),
          }),
        ),
        response: { 200: RunSchema, ...errors(...REPO_ERRORS, 409, 422) },
      },
    },
    async (request) => {
      const { id } = request.params;
      await staging.seal(request.repo, id);
      return runJson(await finishRun(request.repo, id, request.body?.status ?? 'ok')) as never;
    },
  );

  app.post(
    '/runs/:id/vectors',
    {
      config: { role: 'annotate' },
      bodyLimit: ctx.limits.upload,
      schema: {
        summary:
          "send one chunk of the run's vectors (one per example, float32, any dimension); chunks append until sealed",
        tags: ['lineage'],
        params: RunParams,
        body: VectorBody,
        response: {
          200: Type.Object({ run: Type.String(), accepted: Type.Integer(), staged: StagedSchema }),
          ...errors(...REPO_ERRORS, 409, 413, 415, 422),
        },
      },
    },
    async (request) => {
      const { id } = request.params;
      const body = streamedBody(request, 'application/octet-stream');
      const r = await staging.append(request.repo, id, body, ctx.limits.upload);
      return { run: id, ...r };
    },
  );

  app.get(
    '/runs/:id/vectors',
    {
      config: { role: 'read' },
      schema: {
        summary: "the run's attached vectors (null until sealed) and the chunks staged so far",
        tags: ['lineage'],
        params: RunParams,
        response: {
          200: Type.Object({
            run: Type.String(),
            vectors: Nullable(VectorsSchema),
            staged: StagedSchema,
          }),
          ...errors(...REPO_ERRORS),
        },
      },
    },
    async (request) => {
      const run = await showRun(request.repo, request.params.id);
      return {
        run: run.id,
        vectors: run.vectors as never,
        staged: staging.summary(request.repo, run.id),
      };
    },
  );

  app.delete(
    '/runs/:id/vectors',
    {
      config: { role: 'annotate' },
      schema: {
        summary: 'discard the staged chunks (attached vectors never change)',
        tags: ['lineage'],
        params: RunParams,
        response: {
          200: Type.Object({ run: Type.String(), discarded: StagedSchema }),
          ...errors(...REPO_ERRORS),
        },
      },
    },
    async (request) => {
      const run = await showRun(request.repo, request.params.id);
      return { run: run.id, discarded: await staging.discard(request.repo, run.id) };
    },
  );

  app.post(
    '/runs/:id/vectors/seal',
    {
      config: { role: 'annotate' },
      schema: {
        summary:
          "attach the staged chunks as the run's vectors (once); with count, refuse (409) unless exactly that many are staged",
        tags: ['lineage'],
        params: RunParams,
        body: Type.Optional(Type.Object({ count: Type.Optional(Type.Integer({ minimum: 0 })) })),
        response: { 200: AddVectorsSchema, ...errors(...REPO_ERRORS, 409, 422) },
      },
    },
    async (request) => {
      const { id } = request.params;
      const r = await staging.seal(request.repo, id, request.body?.count);
      if (!r)
        throw new HttpRefusal(
          'BAD_REQUEST',
          400,
          `run ${id} has no staged vectors: send them with POST /runs/${id}/vectors first`,
          { run: id },
        );
      return { run: r.run.id, ...r.vectors, examples: r.examples, unscored: r.unscored };
    },
  );

  app.post(
    '/models',
    {
      config: { role: 'annotate' },
      schema: {
        summary:
          'register a model produced by a run; without a version it gets the next integer version of its name',
        tags: ['lineage'],
        params: RepoParams,
        body: Type.Object({
          name: Type.String({ minLength: 1, maxLength: 255 }),
          run: Type.String({ minLength: 1 }),
          version: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
          artifact: Type.Optional(
            Type.String({
              minLength: 1,
              description: "the model file's SHA-256 or its path/URI (kept as metrics.artifact)",
            }),
          ),
          metrics: Type.Optional(AnyObject),
        }),
        response: { 201: ModelSchema, ...errors(...REPO_ERRORS, 409) },
      },
    },
    async (request, reply) => {
      const model = await registerWithVersion(request.repo, request.body);
      return reply.status(201).send(modelJson(model) as never);
    },
  );

  app.get(
    '/models',
    {
      config: { role: 'read' },
      schema: {
        summary: 'every registered model (of one run with run=), oldest first',
        tags: ['lineage'],
        params: RepoParams,
        querystring: Type.Object({ run: Type.Optional(Type.String({ minLength: 1 })) }),
        response: {
          200: Type.Object({ models: Type.Array(ModelSchema) }),
          ...errors(...REPO_ERRORS),
        },
      },
    },
    async (request) => ({
      models: (await listModels(request.repo, request.query.run)).map(modelJson) as never,
    }),
  );

  app.get(
    '/models/:model',
    {
      config: { role: 'read' },
      schema: {
        summary: 'the versions of a model name, oldest first',
        tags: ['lineage'],
        params: ModelParams,
        response: {
          200: Type.Object({ name: Type.String(), versions: Type.Array(ModelSchema) }),
          ...errors(...REPO_ERRORS),
        },
      },
    },
    async (request) => {
      const name = request.params.model;
      const versions = (await listModels(request.repo)).filter((m) => m.name === name);
      if (versions.length === 0)
        throw new HttpRefusal('LINEAGE_NOT_FOUND', 404, `no model named '${name}'`, {
          kind: 'model',
          id: name,
        });
      return { name, versions: versions.map(modelJson) as never };
    },
  );

  app.post(
    '/models/:model/predictions',
    {
      config: { role: 'annotate' },
      bodyLimit: ctx.limits.upload,
      schema: {
        summary:
          'record predictions of a model (id, NAME@VERSION, or a name: its latest version) in bulk: NDJSON {"id"?, "image", "output", "time"?, "vector"?} per line, stored all or nothing',
        tags: ['lineage'],
        params: ModelParams,
        body: {
          description: 'NDJSON, one prediction a line',
          content: { [NDJSON]: { schema: {} } },
        },
        response: {
          200: Type.Object({
            model: Type.String(),
            count: Type.Integer(),
            predictions: Type.Array(Type.String(), { description: 'ids, in line order' }),
          }),
          ...errors(...REPO_ERRORS, 409, 413, 415, 422),
        },
      },
    },
    async (request) => {
      const body = streamedBody(request, NDJSON);
      const model = await modelRef(request.repo, request.params.model);
      const r = await withUploadedFile(request.repo, body, ctx.limits.upload, (file) =>
        recordPredictionFile(request.repo, model, file),
      );
      return { model: r.model, count: r.predictions.length, predictions: [...r.predictions] };
    },
  );

  app.get(
    '/predictions',
    {
      config: { role: 'read' },
      schema: {
        summary: 'every prediction (of one model with model=), by id (NDJSON)',
        tags: ['lineage'],
        params: RepoParams,
        querystring: Type.Object({ model: Type.Optional(Type.String({ minLength: 1 })) }),
        response: { 200: ndjson('predictions', PredictionSchema), ...errors(...REPO_ERRORS) },
      },
    },
    async (request, reply) => {
      const { model } = request.query;
      const ref = model === undefined ? undefined : await modelRef(request.repo, model);
      const predictions = await listPredictions(request.repo, ref);
      return sendRecords(
        reply,
        (async function* () {
          for await (const p of predictions) yield predictionJson(p);
        })(),
      );
    },
  );

  app.get(
    '/predictions/:id',
    {
      config: { role: 'read' },
      schema: {
        summary: "one prediction, by id or serving system's id",
        tags: ['lineage'],
        params: RunParams,
        response: { 200: PredictionSchema, ...errors(...REPO_ERRORS) },
      },
    },
    async (request) =>
      predictionJson(await showPrediction(request.repo, request.params.id)) as never,
  );

  app.get(
    '/lineage/up/:id',
    {
      config: { role: 'read' },
      schema: {
        summary:
          'prediction -> model -> run -> commit -> example set with its annotators and reviewers (as `verso lineage up --json`)',
        tags: ['lineage'],
        params: RunParams,
        querystring: Type.Object({
          all: Type.Optional(
            Type.Boolean({ description: 'list annotators and reviewers of any example set' }),
          ),
        }),
        response: { 200: AnyObject, ...errors(...REPO_ERRORS) },
      },
    },
    async (request) =>
      snakeCaseJson(
        await lineageUp(request.repo, request.params.id, { all: request.query.all === true }),
      ) as never,
  );

  app.get(
    '/lineage/down/:id',
    {
      config: { role: 'read' },
      schema: {
        summary:
          'a ref, IMAGE/LABEL (URL-encoded), run or model -> runs -> models -> predictions (as `verso lineage down --json`)',
        tags: ['lineage'],
        params: RunParams,
        querystring: Type.Object({
          limit: Type.Optional(Type.Integer({ minimum: 1, default: 10 })),
        }),
        response: { 200: AnyObject, ...errors(...REPO_ERRORS) },
      },
    },
    async (request) =>
      snakeCaseJson(
        await lineageDown(request.repo, request.params.id, request.query.limit ?? 10),
      ) as never,
  );

  app.get(
    '/explain/:prediction',
    {
      config: { role: 'read' },
      schema: {
        summary:
          'the training examples with the highest influence on a prediction, with label, annotator, annotation time, reviewer and review time (as `verso explain --json`)',
        tags: ['lineage'],
        params: Type.Object({ repo: Type.String(), prediction: Type.String({ minLength: 1 }) }),
        querystring: Type.Object({ top: Type.Optional(Type.Integer({ minimum: 1, default: 50 })) }),
        response: {
          200: Type.Object(
            {
              prediction: Type.String(),
              model: Type.String(),
              run: Type.String(),
              commit: Hash,
              kind: Type.String(),
              scored: Type.Integer(),
              examples: Type.Array(AnyObject),
              unscored: Type.Array(Type.String()),
            },
            { additionalProperties: true },
          ),
          ...errors(...REPO_ERRORS),
        },
      },
    },
    async (request) =>
      snakeCaseJson(
        await explainPrediction(request.repo, request.params.prediction, request.query.top ?? 50),
      ) as never,
  );
}

function runJson(r: RunRecord): unknown {
  return snakeCaseJson(r);
}

function modelJson(m: ModelRecord): unknown {
  const artifact = m.metrics['artifact'];
  return {
    ...(snakeCaseJson(m) as object),
    artifact: typeof artifact === 'string' ? artifact : null,
  };
}

function predictionJson(p: PredictionSummary): unknown {
  return { ...(snakeCaseJson(p) as object), output: JSON.parse(p.output) as unknown };
}

/** A run's parameters as the library's `k=v` pairs (non-string values as JSON). */
function paramPairs(params: Record<string, unknown>): string[] {
  return Object.entries(params).map(([k, v]) => {
    if (k.includes('='))
      throw new HttpRefusal('BAD_REQUEST', 400, `run parameter name '${k}' holds '='`, {
        field: 'params',
      });
    return `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`;
  });
}

/** A model given by id, NAME@VERSION, or a bare name (its latest version). */
async function modelRef(repo: Repository, ref: string): Promise<string> {
  if (ref.includes('@')) return ref;
  const named = (await listModels(repo)).filter((m) => m.name === ref);
  return named.length > 0 ? named[named.length - 1]!.id : ref;
}

/** Registrations per repository, one at a time (a version is picked, then taken). */
const registering = new Map<string, Promise<unknown>>();

async function registerWithVersion(
  repo: Repository,
  body: {
    name: string;
    run: string;
    version?: string | undefined;
    artifact?: string | undefined;
    metrics?: object | undefined;
  },
): Promise<ModelRecord> {
  const metrics: Record<string, unknown> = { ...body.metrics };
  if (body.artifact !== undefined) {
    if ('artifact' in metrics)
      throw new HttpRefusal(
        'BAD_REQUEST',
        400,
        "give the artifact once: as 'artifact' or as metrics.artifact, not both",
        { field: 'artifact' },
      );
    metrics['artifact'] = body.artifact;
  }
  const before = registering.get(repo.root) ?? Promise.resolve();
  const mine = before
    .catch(() => undefined)
    .then(async () => {
      const version = body.version ?? (await nextVersion(repo, body.name));
      const file = join(repo.scratchDir(), `metrics-${randomUUID()}.json`);
      await writeFile(file, JSON.stringify(metrics));
      try {
        return await registerModel(repo, {
          run: body.run,
          name: body.name,
          version,
          metricsFile: file,
        });
      } finally {
        await rm(file, { force: true });
      }
    });
  registering.set(repo.root, mine);
  try {
    return await mine;
  } finally {
    if (registering.get(repo.root) === mine) registering.delete(repo.root);
  }
}

async function nextVersion(repo: Repository, name: string): Promise<string> {
  let max = 0;
  for (const m of await listModels(repo))
    if (m.name === name && /^\d+$/.test(m.version)) max = Math.max(max, Number(m.version));
  return String(max + 1);
}

/**
 * Lineage over HTTP (layer: server): training runs and their examples, run vectors sent in
 * chunks, models, bulk predictions, lineage walks and explain; what a training job and a serving
 * loop call (the Python client, issue 16). Reads need `read`; starting and finishing runs,
 * vectors, models and predictions need `annotate` (the role training and serving tokens get).
 * JSON members are the CLI's `--json` names (`run list`, `model list`, `predict list`,
 * `lineage up|down`, `explain`).
 *
 * Runs and their vectors are `lineage/run-routes.ts`; models, predictions, walks and explain
 * are here; prediction sets, disagreements, promote and slices are `lineage/prediction-set-routes.ts`,
 * `lineage/prediction-verb-routes.ts` and `lineage/slice-routes.ts`; suspects is
 * `lineage/suspects-route.ts`. Vectors: each `POST /runs/ID/vectors` body is one chunk in the binary vector file
 * layout (`lineage/vector-chunk-reader.ts`), checked as it streams; accepted chunks are staged
 * and attached together by `POST /runs/ID/vectors/seal` or when the run finishes
 * (`lineage/vector-staging.ts`).
 */
import { Type } from 'typebox';
import {
  explainPrediction,
  lineageDown,
  lineageUp,
  listModels,
  listPredictions,
  recordPredictionStream,
  showPrediction,
} from '../../api/lineage/index.js';
import { snakeCaseJson } from '../../core/json-case.js';
import { HttpRefusal } from '../http-errors.js';
import { NDJSON, sendRecords } from '../ndjson.js';
import { AnyObject, errors, Hash, ndjson, REPO_ERRORS, RepoParams } from '../schemas.js';
import type { RouteContext, VersoApp } from '../server-types.js';
import { limitedBody, REQUEST_BODY } from '../upload.js';
import {
  ModelParams,
  ModelSchema,
  modelJson,
  PredictionSchema,
  predictionJson,
  RunParams,
} from '../lineage/lineage-schemas.js';
import { modelRef, registerWithVersion } from '../lineage/model-registration.js';
import { predictionSetRoutes } from '../lineage/prediction-set-routes.js';
import { predictionVerbRoutes } from '../lineage/prediction-verb-routes.js';
import { sliceRoutes } from '../lineage/slice-routes.js';
import { runRoutes } from '../lineage/run-routes.js';
import { suspectsRoute } from '../lineage/suspects-route.js';
import { streamedBody } from '../streamed-body.js';

export function lineageRoutes(app: VersoApp, ctx: RouteContext): void {
  runRoutes(app, ctx);
  suspectsRoute(app);
  predictionSetRoutes(app, ctx);
  predictionVerbRoutes(app, ctx);
  sliceRoutes(app, ctx);

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
          'record predictions of a model (id, NAME@VERSION, or a name: its latest version) in bulk: NDJSON {"id"?, "image", "output", "time"?, "vector"?} per line (vector: numbers, or base64 of float32 little-endian bytes), stored all or nothing',
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
      // Parsed as it arrives: the client's encoding of a batch and the server's parsing overlap.
      const blocks = limitedBody(body, ctx.limits);
      const r = await recordPredictionStream(request.repo, model, blocks, REQUEST_BODY);
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

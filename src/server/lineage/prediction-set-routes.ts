/**
 * Prediction sets and selection over HTTP (layer: server, issue 17): `POST
 * /models/MODEL/prediction-sets` imports an NDJSON body of native prediction lines
 * (docs/formats.md, "Prediction sets") as the model's set (`dataset=` checks images and classes;
 * 201 when stored, 200 when the model already had exactly this set), `GET /prediction-sets`
 * lists them, `GET /prediction-sets/ID` summarises one, and `POST /select` chooses the hardest
 * images into a slice. Members are the CLI's `--json` names (`predict import`, `predict sets`,
 * `predict show`, `select`). Importing and selecting need `annotate`, reading `read`.
 */
import { Type } from 'typebox';
import {
  importPredictions,
  listPredictionSets,
  predictionSetJson,
  SELECT_STRATEGIES,
  selectImages,
  showPredictionSet,
} from '../../api/lineage/index.js';
import { NDJSON } from '../ndjson.js';
import { BlobNotFoundError } from '../../api/images/index.js';
import type { ChunkHash } from '../../core/hash.js';
import { errors, REPO_ERRORS, RepoParams } from '../schemas.js';
import type { RouteContext, VersoApp } from '../server-types.js';
import { streamedBody } from '../streamed-body.js';
import { withUploadedFile } from '../upload.js';
import { ModelParams } from './lineage-schemas.js';
import { modelRef } from './model-registration.js';

const PredictionSetSchema = Type.Object({
  id: Type.String(),
  model: Type.String(),
  root: Type.String(),
  prediction_count: Type.Integer(),
  image_count: Type.Integer(),
  format: Type.String(),
  dataset: Type.Union([Type.String(), Type.Null()]),
  created_at: Type.String(),
});

export function predictionSetRoutes(app: VersoApp, ctx: RouteContext): void {
  app.post(
    '/models/:model/prediction-sets',
    {
      config: { role: 'annotate' },
      bodyLimit: ctx.limits.upload,
      schema: {
        summary:
          "import a model's predictions as a prediction set: NDJSON, one native prediction line each ({image, prediction, category, geometry, score, scores?}); all or nothing",
        tags: ['lineage'],
        params: ModelParams,
        querystring: Type.Object({
          dataset: Type.Optional(
            Type.String({ minLength: 1, description: 'check images and classes against this ref' }),
          ),
        }),
        body: {
          description: 'NDJSON, one prediction a line',
          content: { [NDJSON]: { schema: {} } },
        },
        response: {
          200: Type.Object({ ...PredictionSetSchema.properties, created: Type.Boolean() }),
          201: Type.Object({ ...PredictionSetSchema.properties, created: Type.Boolean() }),
          ...errors(...REPO_ERRORS, 409, 413, 415, 422),
        },
      },
    },
    async (request, reply) => {
      const body = streamedBody(request, NDJSON);
      const model = await modelRef(request.repo, request.params.model);
      const r = await withUploadedFile(request.repo, body, ctx.limits, (path) =>
        importPredictions(request.repo, {
          model,
          dataset: request.query.dataset,
          format: 'jsonl',
          path,
        }),
      );
      return reply
        .status(r.created ? 201 : 200)
        .send({ ...predictionSetJson(r.set), created: r.created });
    },
  );

  app.get(
    '/prediction-sets',
    {
      config: { role: 'read' },
      schema: {
        summary: 'every prediction set (of one model with model=), oldest first',
        tags: ['lineage'],
        params: RepoParams,
        querystring: Type.Object({ model: Type.Optional(Type.String({ minLength: 1 })) }),
        response: {
          200: Type.Object({ prediction_sets: Type.Array(PredictionSetSchema) }),
          ...errors(...REPO_ERRORS),
        },
      },
    },
    async (request) => ({
      prediction_sets: (await listPredictionSets(request.repo, request.query.model)).map(
        predictionSetJson,
      ),
    }),
  );

  app.get(
    '/prediction-sets/:id',
    {
      config: { role: 'read' },
      schema: {
        summary:
          'a prediction set (id, or a model NAME@VERSION: its newest set) with counts per class',
        tags: ['lineage'],
        params: Type.Object({ repo: Type.String(), id: Type.String({ minLength: 1 }) }),
        response: {
          200: Type.Object({
            ...PredictionSetSchema.properties,
            model_name: Type.String(),
            classes: Type.Array(
              Type.Object({
                category: Type.String(),
                predictions: Type.Integer(),
                mean_score: Type.Number(),
              }),
            ),
          }),
          ...errors(...REPO_ERRORS),
        },
      },
    },
    async (request) => {
      const s = await showPredictionSet(request.repo, request.params.id);
      return {
        ...predictionSetJson(s.set),
        model_name: `${s.model.name}@${s.model.version}`,
        classes: s.classes.map((c) => ({
          category: c.category,
          predictions: c.predictions,
          mean_score: c.meanScore,
        })),
      };
    },
  );

  app.post(
    '/select',
    {
      config: { role: 'annotate' },
      schema: {
        summary:
          'the images a model is least sure about, hardest first, saved as a slice whose id binds snapshot, prediction set, strategy and parameters',
        tags: ['lineage'],
        params: RepoParams,
        body: Type.Object({
          dataset: Type.String({ minLength: 1 }),
          predictions: Type.String({
            minLength: 1,
            description: 'a prediction set id or a model NAME@VERSION',
          }),
          strategy: Type.Union(
            SELECT_STRATEGIES.map((x) => Type.Literal(x)),
            {
              description:
                'disagreement: images whose labels the model most confidently contradicts',
            },
          ),
          top: Type.Integer({ minimum: 1 }),
          per_class: Type.Optional(Type.Integer({ minimum: 1 })),
          where: Type.Optional(Type.String({ minLength: 1 })),
          seed: Type.Optional(Type.String()),
          name: Type.Optional(Type.String({ minLength: 1 })),
          diversity_vectors: Type.Optional(
            Type.String({
              pattern: '^[0-9a-f]{64}$',
              description:
                'the SHA-256 of a stored blob (PUT /blobs/{sha256}) holding one embedding per image (VVEC or JSONL): choose among the 10 x top hardest by farthest-first in embedding space (as `--diversity embedding:FILE`)',
            }),
          ),
        }),
        response: {
          200: Type.Object({ slice: Type.String(), images: Type.Array(Type.String()) }),
          ...errors(...REPO_ERRORS, 422),
        },
      },
    },
    async (request) => {
      const b = request.body;
      const sha = b.diversity_vectors;
      const bytes = sha === undefined ? undefined : await request.repo.blobs.get(sha as ChunkHash);
      if (sha !== undefined && !bytes) throw new BlobNotFoundError(sha);
      const r = await selectImages(request.repo, {
        dataset: b.dataset,
        predictions: b.predictions,
        strategy: b.strategy,
        top: b.top,
        perClass: b.per_class,
        where: b.where,
        seed: b.seed,
        name: b.name,
        ...(bytes ? { diversity: { name: `blob ${sha!}`, bytes } } : {}),
      });
      return { slice: r.slice.id, images: r.images.map((i) => i.image) };
    },
  );
}

/**
 * Training runs over HTTP (layer: server): start (the example set is fixed and content-hashed
 * then), list, show, the examples in the run's order (NDJSON), finish; and the run's vectors,
 * sent as checked chunks, staged, and sealed once (`vector-staging.ts`). Starting and
 * finishing runs and sending vectors need `annotate`, reads `read`.
 */
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import {
  finishRun,
  listRuns,
  runExampleBlocks,
  showRun,
  startRun,
} from '../../api/lineage/index.js';
import { HttpRefusal } from '../http-errors.js';
import { sendBlocks } from '../ndjson.js';
import { errors, ndjson, REPO_ERRORS, RepoParams } from '../schemas.js';
import type { RouteContext, VersoApp } from '../server-types.js';
import {
  AddVectorsSchema,
  Nullable,
  RunParams,
  RunSchema,
  runJson,
  StagedSchema,
  VectorBody,
  VectorsSchema,
} from './lineage-schemas.js';
import { streamedBody } from '../streamed-body.js';
import { VectorStaging } from './vector-staging.js';

export function runRoutes(app: VersoApp, ctx: RouteContext): void {
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
          dataset: Type.Optional(
            Type.String({
              minLength: 1,
              description:
                "a ref: branch, tag or commit (default with `slice`: the slice's commit)",
            }),
          ),
          slice: Type.Optional(
            Type.String({
              minLength: 1,
              description:
                "train on a slice's labels (id, unique prefix or name); the run links to the model whose predictions chose them",
            }),
          ),
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
      const { dataset, slice, where, schema, params } = request.body;
      const { run } = await startRun(request.repo, {
        dataset,
        slice,
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
      await assertRunOwner(request, id);
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
      await assertRunOwner(request, id);
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
      const run = await assertRunOwner(request, request.params.id);
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
      await assertRunOwner(request, id);
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

/**
 * A run is changed (vectors sent, sealed or discarded, finished) only by the identity that
 * started it, or an admin: another job's token must not freeze or empty it (403).
 */
async function assertRunOwner(request: FastifyRequest, id: string) {
  const run = await showRun(request.repo, id);
  if (run.author !== request.actor.identity && request.actor.role !== 'admin')
    throw new HttpRefusal(
      'FORBIDDEN',
      403,
      `run ${id} was started by '${run.author}': only it, or an admin, may change it`,
      { run: id, author: run.author },
    );
  return run;
}

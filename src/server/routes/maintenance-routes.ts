/**
 * Maintenance and query plans over HTTP (layer: server): verify (read), gc (admin), the
 * secondary indexes (show: read; build: admin), the ref log (NDJSON, newest first, as `verso
 * reflog --json`) and the plan of a filter (`cat --explain --json`). gc and index builds take
 * `?async=true` (202 and an operation reporting the verb's progress). Member names are the
 * CLI's `--json` ones.
 *
 * `verify` answers 200 with the problems it found (the CLI exits 1 on them): finding problems
 * is what was asked, not a failed request.
 */
import { Type } from 'typebox';
import { collectGarbage, verifyRepository } from '../../api/maintenance/index.js';
import { buildIndexes, explainQuery, showIndexes } from '../../api/query/index.js';
import { readRefLog } from '../../api/repository/index.js';
import { snakeCaseJson } from '../../core/json-case.js';
import { AsyncFlag, OperationStartedSchema, runOrStart } from '../operations/async-operation.js';
import type { OperationRegistry } from '../operations/operation-registry.js';
import { sendRecords } from '../ndjson.js';
import type { RouteContext, VersoApp } from '../server-types.js';
import { errors, Hash, ndjson, REPO_ERRORS, RepoParams } from '../schemas.js';

const Problem = Type.Object({ id: Type.String(), kind: Type.String(), problem: Type.String() });

const VerifySchema = Type.Object({
  roots: Type.Array(Type.String()),
  chunks: Type.Integer(),
  bytes: Type.Integer(),
  problems: Type.Array(Problem),
  assets: Type.Optional(Type.Object({}, { additionalProperties: true })),
});

const GcSchema = Type.Object({
  reachable: Type.Integer(),
  deleted: Type.Integer(),
  bytes_before: Type.Integer(),
  bytes_after: Type.Integer(),
});

const IndexReportSchema = Type.Object({
  commit: Hash,
  trees: Type.Array(
    Type.Object(
      {
        tree: Type.String(),
        source: Hash,
        fields: Type.Array(Type.String()),
        index: Type.Union([Hash, Type.Null()]),
        entries: Type.Union([Type.Integer(), Type.Null()]),
        built: Type.Optional(Type.Union([Type.Literal('built'), Type.Literal('folded')])),
        delta_entries: Type.Optional(Type.Integer()),
      },
      { additionalProperties: true },
    ),
  ),
});

const ExplanationSchema = Type.Object(
  {
    commit: Hash,
    where: Type.String(),
    schema: Type.Optional(Type.String()),
    access: Type.Union([Type.Literal('scan'), Type.Literal('index')]),
    labels: Type.Integer(),
    candidates: Type.Integer(),
    exact_count: Type.Optional(Type.Integer()),
    steps: Type.Array(Type.String()),
  },
  { additionalProperties: true },
);

export function maintenanceRoutes(
  app: VersoApp,
  _ctx: RouteContext,
  operations: OperationRegistry,
): void {
  app.get(
    '/verify',
    {
      config: { role: 'read' },
      schema: {
        summary:
          'recompute every hash reachable from a ref (default: everything gc keeps) and check tree structure; problems are listed, not refused',
        tags: ['maintenance'],
        params: RepoParams,
        querystring: Type.Object({
          ref: Type.Optional(Type.String({ minLength: 1 })),
          assets: Type.Optional(Type.Boolean({ description: 'also hash the bytes behind assets' })),
        }),
        response: { 200: VerifySchema, ...errors(...REPO_ERRORS) },
      },
    },
    async (request) =>
      snakeCaseJson(
        await verifyRepository(request.repo, request.query.ref, undefined, {
          assets: !!request.query.assets,
        }),
      ) as never,
  );

  app.post(
    '/gc',
    {
      config: { role: 'admin' },
      schema: {
        summary:
          'delete chunks nothing reachable uses (refused while a write runs; blocks writes while it runs)',
        tags: ['maintenance'],
        params: RepoParams,
        querystring: Type.Object({ async: AsyncFlag }),
        response: {
          200: GcSchema,
          202: OperationStartedSchema,
          ...errors(...REPO_ERRORS, 409),
        },
      },
    },
    async (request, reply) =>
      runOrStart(request, reply, operations, {
        kind: 'gc',
        async: request.query.async,
        work: (progress) => collectGarbage(request.repo, progress),
      }) as never,
  );

  app.get(
    '/indexes',
    {
      config: { role: 'read' },
      schema: {
        summary: "which of the snapshot's trees have a secondary index",
        tags: ['query'],
        params: RepoParams,
        querystring: Type.Object({ ref: Type.String({ default: 'main', minLength: 1 }) }),
        response: { 200: IndexReportSchema, ...errors(...REPO_ERRORS) },
      },
    },
    async (request) => snakeCaseJson(await showIndexes(request.repo, request.query.ref)) as never,
  );

  app.post(
    '/indexes/build',
    {
      config: { role: 'admin' },
      schema: {
        summary:
          "index the snapshot's trees that have no index yet, and fold the deltas of the others",
        tags: ['query'],
        params: RepoParams,
        querystring: Type.Object({
          ref: Type.String({ default: 'main', minLength: 1 }),
          async: AsyncFlag,
        }),
        response: {
          200: IndexReportSchema,
          202: OperationStartedSchema,
          ...errors(...REPO_ERRORS, 409),
        },
      },
    },
    async (request, reply) =>
      runOrStart(request, reply, operations, {
        kind: 'index-build',
        async: request.query.async,
        work: (progress) => buildIndexes(request.repo, request.query.ref, progress),
      }) as never,
  );

  app.get(
    '/reflog',
    {
      config: { role: 'read' },
      schema: {
        summary:
          'every move of a ref (deleted ones too) or of all refs, newest first (NDJSON, one entry a line)',
        tags: ['refs'],
        params: RepoParams,
        querystring: Type.Object({
          ref: Type.Optional(Type.String({ minLength: 1 })),
          max_count: Type.Optional(Type.Integer({ minimum: 1 })),
        }),
        response: { 200: ndjson('ref log entries'), ...errors(...REPO_ERRORS) },
      },
    },
    async (request, reply) => {
      const { ref, max_count } = request.query;
      const entries = await readRefLog(request.repo, {
        ...(ref !== undefined ? { ref } : {}),
        ...(max_count !== undefined ? { limit: max_count } : {}),
      });
      return sendRecords(
        reply,
        (async function* () {
          yield* entries;
        })(),
      );
    },
  );

  app.get(
    '/query/explain',
    {
      config: { role: 'read' },
      schema: {
        summary:
          'how a filter would be answered at a ref (index or scan, candidates, steps), as cat --explain --json',
        tags: ['query'],
        params: RepoParams,
        querystring: Type.Object({
          ref: Type.String({ default: 'main', minLength: 1 }),
          where: Type.String({ minLength: 1, description: 'a filter in the --where language' }),
          schema: Type.Optional(Type.String()),
        }),
        response: { 200: ExplanationSchema, ...errors(...REPO_ERRORS) },
      },
    },
    async (request) => {
      const { ref, where, schema } = request.query;
      return snakeCaseJson(await explainQuery(request.repo, ref, where, schema)) as never;
    },
  );
}

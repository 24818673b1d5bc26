/**
 * Schemas and migrations over HTTP (layer: server): create a schema version from a schema
 * document (the JSON the CLI reads from `--from FILE`: `classes` and/or `ops`, optionally
 * `parent` and `message`), show one version (or the newest, or the one in force at a date), the
 * log (NDJSON, newest first), the ops between two versions, migrating a branch to a version,
 * and what a migration left to review. Member names are the CLI's `--json` ones.
 *
 * The schema verbs read files, so a document is written to the repository's scratch space
 * (`upload.ts`) exactly as the client sent it: a problem is reported at its line in the
 * client's own text (`request body:7 field 'classes[2].name'`). Creating versions and migrating
 * need `review` (a schema change is a decision about everyone's labels); reading needs `read`.
 */
import { Readable, Transform } from 'node:stream';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { assertBranchWrite } from '../protected-writes.js';
import {
  createSchemaVersion,
  diffSchemas,
  migrateBranch,
  migrationStatus,
  schemaLog,
  showSchema,
} from '../../api/schema/index.js';
import { snakeCaseJson } from '../../core/json-case.js';
import { HttpRefusal } from '../http-errors.js';
import { sendRecords } from '../ndjson.js';
import type { RouteContext, VersoApp } from '../server-types.js';
import {
  AnyObject,
  BranchParams,
  CommitResultSchema,
  errors,
  ndjson,
  REPO_ERRORS,
  RepoParams,
} from '../schemas.js';
import { withUploadedFile } from '../upload.js';

const VersionParams = Type.Object({ repo: Type.String(), version: Type.String({ minLength: 1 }) });

const ShowSchema = Type.Object(
  {
    version: Type.String(),
    parent: Type.Union([Type.String(), Type.Null()]),
    author: Type.String(),
    created_at: Type.String(),
    message: Type.String(),
    classes: Type.Array(AnyObject),
    delta: Type.Array(AnyObject),
  },
  { additionalProperties: true },
);

/** The request bodies' text as received, for the routes that keep it (see `keepRawBody`). */
const rawBodies = new WeakMap<FastifyRequest, Buffer[]>();

/** A `preParsing` hook that keeps a copy of the body's bytes while Fastify parses them. */
async function keepRawBody(request: FastifyRequest, _reply: unknown, payload: Readable) {
  const chunks: Buffer[] = [];
  rawBodies.set(request, chunks);
  let received = 0;
  const tee = new Transform({
    transform(chunk: Buffer, _enc, done) {
      chunks.push(chunk);
      received += chunk.length;
      (tee as unknown as { receivedEncodedLength: number }).receivedEncodedLength = received;
      done(null, chunk);
    },
  });
  return payload.pipe(tee);
}

/** The body as the client sent it. */
function rawBody(request: FastifyRequest): Buffer {
  return Buffer.concat(rawBodies.get(request) ?? []);
}

export function schemaRoutes(app: VersoApp, ctx: RouteContext): void {
  app.post(
    '/schemas/:version',
    {
      config: { role: 'review' },
      preParsing: keepRawBody,
      schema: {
        summary:
          'store a new immutable schema version from a schema document, as a delta from its parent',
        tags: ['schema'],
        params: VersionParams,
        querystring: Type.Object({
          parent: Type.Optional(
            Type.String({ description: "default: the document's parent, else the newest" }),
          ),
          message: Type.Optional(Type.String()),
        }),
        body: Type.Union([AnyObject, Type.Array(Type.Unknown())], {
          description:
            'the schema document: {classes?, ops?, parent?, message?, version?} or a bare class list (docs/formats.md)',
        }),
        response: {
          201: Type.Object({
            version: Type.String(),
            parent: Type.Union([Type.String(), Type.Null()]),
            classes: Type.Integer(),
            ops: Type.Array(AnyObject),
          }),
          ...errors(...REPO_ERRORS, 409, 422),
        },
      },
    },
    async (request, reply) => {
      // Streamed bodies (NDJSON, octet-stream) reach handlers unread: a document is JSON.
      if (
        !rawBodies.has(request) ||
        !/^application\/json\b/.test(request.headers['content-type'] ?? '')
      )
        throw new HttpRefusal(
          'UNSUPPORTED_MEDIA_TYPE',
          415,
          'a schema document is sent as application/json',
        );
      const { parent, message } = request.query;
      const created = await withUploadedFile(
        request.repo,
        Readable.from([rawBody(request)]),
        { upload: ctx.limits.jsonBody, ndjsonLine: ctx.limits.jsonBody },
        (file) =>
          createSchemaVersion(request.repo, {
            version: request.params.version,
            file,
            ...(parent !== undefined ? { parent } : {}),
            ...(message !== undefined ? { message } : {}),
          }),
      );
      return reply.status(201).send(snakeCaseJson(created) as never);
    },
  );

  app.get(
    '/schemas',
    {
      config: { role: 'read' },
      schema: {
        summary: 'every schema version, newest first (NDJSON, one version a line)',
        tags: ['schema'],
        params: RepoParams,
        response: { 200: ndjson('schema versions'), ...errors(...REPO_ERRORS) },
      },
    },
    async (request, reply) => {
      const versions = await schemaLog(request.repo);
      return sendRecords(
        reply,
        (async function* () {
          yield* versions;
        })(),
      );
    },
  );

  app.get(
    '/schema',
    {
      config: { role: 'read' },
      schema: {
        summary: 'the newest schema version, or the one in force at a date, with its classes',
        tags: ['schema'],
        params: RepoParams,
        querystring: Type.Object({
          at: Type.Optional(
            Type.String({ description: 'a date or instant (YYYY-MM-DD = end of that day, UTC)' }),
          ),
        }),
        response: { 200: ShowSchema, ...errors(...REPO_ERRORS) },
      },
    },
    async (request) => {
      const at = request.query.at;
      return snakeCaseJson(await showSchema(request.repo, at !== undefined ? { at } : {})) as never;
    },
  );

  app.get(
    '/schemas/:version',
    {
      config: { role: 'read' },
      schema: {
        summary: 'a schema version reconstructed from its deltas',
        tags: ['schema'],
        params: VersionParams,
        response: { 200: ShowSchema, ...errors(...REPO_ERRORS) },
      },
    },
    async (request) =>
      snakeCaseJson(await showSchema(request.repo, { version: request.params.version })) as never,
  );

  app.get(
    '/schemas/:version/diff',
    {
      config: { role: 'read' },
      schema: {
        summary: 'the ops from another version to this one',
        tags: ['schema'],
        params: VersionParams,
        querystring: Type.Object({ from: Type.String({ minLength: 1 }) }),
        response: {
          200: Type.Object({
            from: Type.String(),
            to: Type.String(),
            recorded: Type.Boolean(),
            steps: Type.Array(
              Type.Object({ version: Type.String(), op: AnyObject, text: Type.String() }),
            ),
          }),
          ...errors(...REPO_ERRORS),
        },
      },
    },
    async (request) =>
      snakeCaseJson(
        await diffSchemas(request.repo, request.query.from, request.params.version),
      ) as never,
  );

  app.post(
    '/branches/:branch/migrate',
    {
      config: { role: 'review' },
      schema: {
        summary: "move a branch's labels to a schema version (one commit), or count (dry_run)",
        tags: ['schema'],
        params: BranchParams,
        body: Type.Object({
          to: Type.String({ minLength: 1, description: 'the target schema version' }),
          policy: Type.Optional(
            Type.Object(
              {},
              {
                additionalProperties: true,
                description: "op index or op kind -> auto|review (the CLI's --policy file)",
              },
            ),
          ),
          dry_run: Type.Optional(Type.Boolean()),
          message: Type.Optional(Type.String()),
        }),
        response: {
          200: Type.Object(
            {
              branch: Type.String(),
              from: Type.Union([Type.String(), Type.Null()]),
              to: Type.String(),
              dry_run: Type.Boolean(),
              labels: Type.Integer(),
              rewritten: Type.Integer(),
              marked: Type.Integer(),
              ops: Type.Array(AnyObject),
              commit: Type.Optional(CommitResultSchema),
            },
            { additionalProperties: true },
          ),
          ...errors(...REPO_ERRORS, 409, 422),
        },
      },
    },
    async (request) => {
      const { to, policy, dry_run, message } = request.body;
      if (!dry_run) await assertBranchWrite(request, request.params.branch);
      const opts = {
        branch: request.params.branch,
        to,
        ...(dry_run ? { dryRun: true } : {}),
        ...(message !== undefined ? { message } : {}),
      };
      const result =
        policy === undefined
          ? await migrateBranch(request.repo, opts)
          : await withUploadedFile(
              request.repo,
              Readable.from([Buffer.from(JSON.stringify(policy))]),
              { upload: ctx.limits.jsonBody, ndjsonLine: ctx.limits.jsonBody },
              (policyFile) => migrateBranch(request.repo, { ...opts, policyFile }),
            );
      return snakeCaseJson(result) as never;
    },
  );

  app.get(
    '/branches/:branch/migration-status',
    {
      config: { role: 'read' },
      schema: {
        summary: 'labels of a branch marked needs_review by a migration, with the reason',
        tags: ['schema'],
        params: BranchParams,
        response: {
          200: Type.Object({
            branch: Type.String(),
            schema: Type.Union([Type.String(), Type.Null()]),
            needs_review: Type.Array(
              Type.Object({
                image: Type.String(),
                label: Type.String(),
                reason: Type.Union([Type.String(), Type.Null()]),
              }),
            ),
          }),
          ...errors(...REPO_ERRORS),
        },
      },
    },
    async (request) =>
      snakeCaseJson(await migrationStatus(request.repo, request.params.branch)) as never,
  );
}

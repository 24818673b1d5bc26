/**
 * The sync routes (layer: server): the HTTP form of a transfer peer (`api/sync`, `SyncPeer`), as
 * a Fastify plugin the server mounts inside its authenticated scope. Auth, rate limits and the
 * repository cache are the caller's: the plugin only asks `getRepository(request)` for the
 * (open) repository a request names and never closes it.
 *
 *   GET  /repos/:repo/sync/refs      branches and tags: {refs: [{name, kind, target}]}
 *   POST /repos/:repo/sync/refs      move a branch by CAS {name, expected, new, force_with_lease}
 *                                    -> {name, from, to}; 409 SYNC_REF_MOVED / SYNC_NON_FAST_FORWARD
 *                                    with `current` (the branch's head)
 *   POST /repos/:repo/sync/has       {ids} -> {has: [bool]} (at most 4,096 ids)
 *   POST /repos/:repo/sync/fetch     {ids, compress} -> a pack of those chunks (application/octet-stream,
 *                                    streamed); 404 SYNC_CHUNKS_MISSING before any byte if one lacks
 *   POST /repos/:repo/sync/chunks    a pack (application/octet-stream, at most 64 MiB): every
 *                                    chunk's hash verified, all stored or none (422
 *                                    SYNC_BATCH_REFUSED) -> {chunks, bytes, commits}
 *   GET  /repos/:repo/sync/schemas   the schema registry in creation order {versions}
 *   POST /repos/:repo/sync/schemas   {versions} -> {added}; 409 SYNC_SCHEMA_DIVERGED
 *
 * Errors of these routes are answered here as `{code, category, message, data}` with the status
 * of their category (`statusOf`), so the 409 carries the current head whatever error handler
 * the server installs; an error that is no `VersoError` goes on to the server's handler. JSON
 * members are snake_case. The binary body parser is registered in this plugin's scope only.
 */
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { Readable } from 'node:stream';
import type { Repository } from '../../api/repository/index.js';
import {
  addSchemaVersions,
  hasChunks,
  IDS_PER_REQUEST,
  listSyncRefs,
  moveSyncRef,
  packChunks,
  receiveChunks,
  schemaVersions,
} from '../../api/sync/index.js';
import {
  InvalidArgumentError,
  isVersoError,
  type ErrorCategory,
  type VersoError,
} from '../../core/errors.js';

export interface SyncRoutesOptions {
  /** The open repository `request` names (`:repo`); the caller checks access and caches it. */
  getRepository(request: FastifyRequest): Promise<Repository>;
}

/** Largest pushed batch accepted (a client sends at most `BATCH_BYTES` of chunks, plus framing). */
export const MAX_UPLOAD_BYTES = 64 << 20;
/** A streamed pack is written in pieces of about this size. */
const STREAM_PIECE_BYTES = 1 << 20;
/** Ids per `has` or `fetch` request (clients send `IDS_PER_REQUEST`). */
const MAX_IDS = 4 * IDS_PER_REQUEST;

const STATUS: Readonly<Record<ErrorCategory, number>> = {
  NotFound: 404,
  AlreadyExists: 409,
  InvalidInput: 400,
  Conflict: 409,
  Corruption: 500,
  Internal: 500,
};

export function statusOf(e: VersoError): number {
  return e.code === 'SYNC_BATCH_REFUSED' ? 422 : STATUS[e.category];
}

const hash = { type: 'string', pattern: '^[0-9a-f]{64}$' } as const;
const ids = {
  type: 'object',
  required: ['ids'],
  additionalProperties: false,
  properties: { ids: { type: 'array', items: hash, maxItems: MAX_IDS } },
} as const;
const fetchIds = {
  ...ids,
  properties: {
    ...ids.properties,
    compress: { type: 'boolean', description: 'LZ4-compress the records (default true)' },
  },
} as const;
const params = {
  type: 'object',
  required: ['repo'],
  properties: { repo: { type: 'string', minLength: 1, maxLength: 200 } },
} as const;
// Lenient on purpose: the server's own errors (validation, auth) answer through it too.
const errorEnvelope = {
  type: 'object',
  required: ['message'],
  additionalProperties: true,
  properties: {
    code: { type: 'string' },
    category: { type: 'string' },
    message: { type: 'string' },
    data: { type: 'object', additionalProperties: true },
  },
} as const;
const errors = { 400: errorEnvelope, 404: errorEnvelope, 409: errorEnvelope, 422: errorEnvelope };
const schemaVersion = {
  type: 'object',
  required: ['name', 'parent', 'delta', 'author', 'created_at', 'message'],
  additionalProperties: false,
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 200 },
    parent: { type: ['string', 'null'] },
    delta: { type: 'string' },
    author: { type: 'string' },
    created_at: { type: 'string' },
    message: { type: 'string' },
  },
} as const;
const binary = { type: 'string', format: 'binary' } as const;
const TAGS = ['sync'];

interface WireSchemaVersion {
  readonly name: string;
  readonly parent: string | null;
  readonly delta: string;
  readonly author: string;
  readonly created_at: string;
  readonly message: string;
}

/** The plugin; register it in the server's authenticated scope. */
export function syncRoutes(opts: SyncRoutesOptions): FastifyPluginAsync {
  return async (app: FastifyInstance) => {
    app.addContentTypeParser(
      'application/octet-stream',
      { parseAs: 'buffer', bodyLimit: MAX_UPLOAD_BYTES },
      (_request, body, done) => done(null, body),
    );
    const repoOf = (request: FastifyRequest) => opts.getRepository(request);

    app.get(
      '/repos/:repo/sync/refs',
      {
        schema: {
          tags: TAGS,
          summary: 'Branches and tags with their commits',
          params,
          response: {
            200: {
              type: 'object',
              required: ['refs'],
              properties: {
                refs: {
                  type: 'array',
                  items: {
                    type: 'object',
                    required: ['name', 'kind', 'target'],
                    properties: {
                      name: { type: 'string' },
                      kind: { type: 'string', enum: ['branch', 'tag'] },
                      target: hash,
                    },
                  },
                },
              },
            },
            ...errors,
          },
        },
      },
      (request, reply) =>
        answer(reply, async () => ({ refs: await listSyncRefs(await repoOf(request)) })),
    );

    app.post(
      '/repos/:repo/sync/refs',
      {
        schema: {
          tags: TAGS,
          summary: 'Move a branch by compare-and-swap (push); refuses a non-fast-forward',
          params,
          body: {
            type: 'object',
            required: ['name', 'expected', 'new'],
            additionalProperties: false,
            properties: {
              name: { type: 'string', minLength: 1, maxLength: 200 },
              expected: { anyOf: [hash, { type: 'null' }] },
              new: hash,
              force_with_lease: { type: 'boolean' },
            },
          },
          response: {
            200: {
              type: 'object',
              required: ['name', 'from', 'to'],
              properties: {
                name: { type: 'string' },
                from: { anyOf: [hash, { type: 'null' }] },
                to: hash,
              },
            },
            ...errors,
          },
        },
      },
      (request, reply) =>
        answer(reply, async () => {
          const body = request.body as {
            name: string;
            expected: string | null;
            new: string;
            force_with_lease?: boolean;
          };
          return moveSyncRef(await repoOf(request), {
            name: body.name,
            expected: body.expected as never,
            next: body.new as never,
            forceWithLease: body.force_with_lease === true,
          });
        }),
    );

    app.post(
      '/repos/:repo/sync/has',
      {
        schema: {
          tags: TAGS,
          summary: 'Which of these chunks the repository stores (with everything below them)',
          params,
          body: ids,
          response: {
            200: {
              type: 'object',
              required: ['has'],
              properties: { has: { type: 'array', items: { type: 'boolean' } } },
            },
            ...errors,
          },
        },
      },
      (request, reply) =>
        answer(reply, async () => ({
          has: await hasChunks(await repoOf(request), (request.body as { ids: string[] }).ids),
        })),
    );

    app.post(
      '/repos/:repo/sync/fetch',
      {
        schema: {
          tags: TAGS,
          summary: 'A pack of these chunks (the pack format of docs/formats.md), streamed',
          params,
          body: fetchIds,
          response: {
            200: {
              description: 'a pack',
              content: { 'application/octet-stream': { schema: binary } },
            },
            ...errors,
          },
        },
      },
      async (request, reply) => {
        let parts: Iterable<Buffer>;
        try {
          const body = request.body as { ids: string[]; compress?: boolean };
          parts = await packChunks(await repoOf(request), body.ids, body.compress !== false);
        } catch (e) {
          return refuse(reply, e);
        }
        reply.type('application/octet-stream');
        return reply.send(Readable.from(coalesced(parts), { objectMode: false }));
      },
    );

    app.post(
      '/repos/:repo/sync/chunks',
      {
        bodyLimit: MAX_UPLOAD_BYTES,
        schema: {
          tags: TAGS,
          summary: 'Upload a pack of chunks: every hash is verified; all are stored or none',
          params,
          body: { content: { 'application/octet-stream': { schema: binary } } },
          response: {
            200: {
              type: 'object',
              required: ['chunks', 'bytes', 'commits'],
              properties: {
                chunks: { type: 'integer' },
                bytes: { type: 'integer' },
                commits: { type: 'integer' },
              },
            },
            ...errors,
          },
        },
        // The body is the raw pack (a Buffer), checked by the receiver, not by JSON schema.
        validatorCompiler: () => () => true,
      },
      (request, reply) =>
        answer(reply, async () => {
          if (!Buffer.isBuffer(request.body))
            throw new InvalidArgumentError(
              'body',
              typeof request.body,
              'send the pack as application/octet-stream',
            );
          return receiveChunks(await repoOf(request), request.body);
        }),
    );

    app.get(
      '/repos/:repo/sync/schemas',
      {
        schema: {
          tags: TAGS,
          summary: 'The schema registry, in creation order',
          params,
          response: {
            200: {
              type: 'object',
              required: ['versions'],
              properties: { versions: { type: 'array', items: schemaVersion } },
            },
            ...errors,
          },
        },
      },
      (request, reply) =>
        answer(reply, async () => ({
          versions: (await schemaVersions(await repoOf(request))).map((v) => ({
            name: v.name,
            parent: v.parent,
            delta: v.delta,
            author: v.author,
            created_at: v.createdAt,
            message: v.message,
          })),
        })),
    );

    app.post(
      '/repos/:repo/sync/schemas',
      {
        schema: {
          tags: TAGS,
          summary: 'Add the schema versions this registry lacks (parents first)',
          params,
          body: {
            type: 'object',
            required: ['versions'],
            additionalProperties: false,
            properties: { versions: { type: 'array', items: schemaVersion, maxItems: 10_000 } },
          },
          response: {
            200: {
              type: 'object',
              required: ['added'],
              properties: { added: { type: 'integer' } },
            },
            ...errors,
          },
        },
      },
      (request, reply) =>
        answer(reply, async () => {
          const { versions } = request.body as { versions: WireSchemaVersion[] };
          return addSchemaVersions(
            await repoOf(request),
            versions.map((v) => ({
              name: v.name,
              parent: v.parent,
              delta: v.delta,
              author: v.author,
              createdAt: v.created_at,
              message: v.message,
            })),
          );
        }),
    );
  };
}

/** Records joined into writes of about `STREAM_PIECE_BYTES`: one socket write per record is slow. */
function* coalesced(parts: Iterable<Buffer>): Generator<Buffer> {
  let held: Buffer[] = [];
  let size = 0;
  for (const part of parts) {
    held.push(part);
    size += part.length;
    if (size >= STREAM_PIECE_BYTES) {
      yield Buffer.concat(held, size);
      held = [];
      size = 0;
    }
  }
  if (held.length > 0) yield Buffer.concat(held, size);
}

async function answer(reply: FastifyReply, run: () => Promise<unknown>): Promise<unknown> {
  try {
    return await run();
  } catch (e) {
    return refuse(reply, e);
  }
}

function refuse(reply: FastifyReply, e: unknown): FastifyReply {
  if (!isVersoError(e)) throw e;
  return reply.code(statusOf(e)).send({
    code: e.code,
    category: e.category,
    message: e.message,
    data: e.data,
  });
}

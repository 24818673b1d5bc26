/**
 * The sync routes (layer: server): the HTTP form of a transfer peer (`api/sync`, `SyncPeer`),
 * what `verso clone`, `fetch`, `pull` and `push` talk to. Reading (refs, has, fetch, schemas)
 * needs `read`; uploading chunks `annotate`; moving a branch `review`, since a push carries its
 * commits' own authors and reviews (a protected branch moves only by an admin's push, as for any
 * direct write); adding schema versions `review`.
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
 * Errors are the server's JSON errors (`http-errors.ts`; a refused batch is 422, a moved or
 * non-fast-forward branch 409 with `data.current`). JSON members are snake_case. A pushed pack
 * is read from the request stream into memory, at most `MAX_UPLOAD_BYTES` (413 beyond).
 */
import type { Readable as ReadableType } from 'node:stream';
import { Readable } from 'node:stream';
import {
  addSchemaVersions,
  hasChunks,
  IDS_PER_REQUEST,
  listSyncRefs,
  moveSyncRef,
  packChunks,
  receiveChunks,
  schemaVersions,
  fromWireSchemaVersion,
  toWireSchemaVersion,
  type WireSchemaVersion,
} from '../../api/sync/index.js';
import { HttpRefusal } from '../http-errors.js';
import { assertBranchWrite } from '../protected-writes.js';
import { errors, REPO_ERRORS } from '../schemas.js';
import type { RouteContext, VersoApp } from '../server-types.js';
import { streamedBody } from '../streamed-body.js';

/** Largest pushed batch accepted (a client sends at most `BATCH_BYTES` of chunks, plus framing). */
export const MAX_UPLOAD_BYTES = 64 << 20;
/** A streamed pack is written in pieces of about this size. */
const STREAM_PIECE_BYTES = 1 << 20;
/** Ids per `has` or `fetch` request (clients send `IDS_PER_REQUEST`). */
const MAX_IDS = 4 * IDS_PER_REQUEST;

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
const syncErrors = errors(...REPO_ERRORS, 409, 422);
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

export function syncRoutes(app: VersoApp, _ctx: RouteContext): void {
  {
    app.get(
      '/sync/refs',
      {
        config: { role: 'read' },
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
            ...syncErrors,
          },
        },
      },
      async (request) => ({ refs: await listSyncRefs(request.repo) }),
    );

    app.post(
      '/sync/refs',
      {
        // A push carries its commits' own authors and reviews (as a git push does), which the
        // server cannot attribute to the caller: moving a branch by push needs `review`.
        config: { role: 'review' },
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
            ...syncErrors,
          },
        },
      },
      async (request) => {
        const body = request.body as {
          name: string;
          expected: string | null;
          new: string;
          force_with_lease?: boolean;
        };
        await assertBranchWrite(request, body.name);
        return moveSyncRef(request.repo, {
          name: body.name,
          expected: body.expected as never,
          next: body.new as never,
          forceWithLease: body.force_with_lease === true,
        });
      },
    );

    app.post(
      '/sync/has',
      {
        config: { role: 'read' },
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
            ...syncErrors,
          },
        },
      },
      async (request) => ({
        has: await hasChunks(request.repo, (request.body as { ids: string[] }).ids),
      }),
    );

    app.post(
      '/sync/fetch',
      {
        config: { role: 'read' },
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
            ...syncErrors,
          },
        },
      },
      async (request, reply) => {
        const body = request.body as { ids: string[]; compress?: boolean };
        const parts = await packChunks(request.repo, body.ids, body.compress !== false);
        reply.type('application/octet-stream');
        return reply.send(Readable.from(coalesced(parts), { objectMode: false }) as never);
      },
    );

    app.post(
      '/sync/chunks',
      {
        config: { role: 'annotate' },
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
            ...syncErrors,
          },
        },
        // The body is the raw pack (a Buffer), checked by the receiver, not by JSON schema.
        validatorCompiler: () => () => true,
      },
      async (request) => {
        const pack = await packBody(streamedBody(request, 'application/octet-stream'));
        return receiveChunks(request.repo, pack);
      },
    );

    app.get(
      '/sync/schemas',
      {
        config: { role: 'read' },
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
            ...syncErrors,
          },
        },
      },
      async (request) => ({
        versions: (await schemaVersions(request.repo)).map(toWireSchemaVersion),
      }),
    );

    app.post(
      '/sync/schemas',
      {
        config: { role: 'review' },
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
            ...syncErrors,
          },
        },
      },
      async (request) => {
        const { versions } = request.body as { versions: WireSchemaVersion[] };
        return addSchemaVersions(request.repo, versions.map(fromWireSchemaVersion));
      },
    );
  }
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

/** A pushed pack, read whole (at most `MAX_UPLOAD_BYTES`: 413 beyond). */
async function packBody(body: ReadableType): Promise<Buffer> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const part of body as AsyncIterable<Buffer>) {
    size += part.length;
    if (size > MAX_UPLOAD_BYTES)
      throw new HttpRefusal(
        'BODY_TOO_LARGE',
        413,
        `a pushed pack is at most ${MAX_UPLOAD_BYTES} bytes`,
        {
          limit: MAX_UPLOAD_BYTES,
        },
      );
    parts.push(part);
  }
  return Buffer.concat(parts, size);
}

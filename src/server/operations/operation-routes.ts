/**
 * Operations over HTTP (layer: server): the caller's long operations of a repository (admins
 * see everyone's), one operation's state and progress, its progress as server-sent events, and
 * the file it produced (an async export). Reading them needs only `read`; whose they are is
 * checked by the registry (someone else's operation is a 404).
 *
 * Events (`text/event-stream`): `event: progress` with `{phase, done, total?}` for each report
 * (the ones before the subscription first, from the registry's history), then one `event: done`
 * or `event: failed` with the operation's view, and the stream ends. A comment line every
 * `HEARTBEAT_MS` keeps idle proxies from cutting a long operation's stream.
 */
import { PassThrough, Readable } from 'node:stream';
import { Type } from 'typebox';
import { HttpRefusal } from '../http-errors.js';
import type { RouteContext, VersoApp } from '../server-types.js';
import { AnyObject, errors, REPO_ERRORS, RepoParams } from '../schemas.js';
import { OperationRegistry, type OperationEvent } from './operation-registry.js';

const HEARTBEAT_MS = 15_000;

const OperationParams = Type.Object({ repo: Type.String(), id: Type.String({ minLength: 1 }) });

const ProgressSchema = Type.Object({
  phase: Type.String(),
  done: Type.Number(),
  total: Type.Optional(Type.Number()),
});

export const OperationSchema = Type.Object({
  id: Type.String(),
  kind: Type.String({ description: 'gc, index-build, export, merge' }),
  repository: Type.String(),
  started_by: Type.String(),
  started_at: Type.String(),
  finished_at: Type.Optional(Type.String()),
  state: Type.Union([Type.Literal('running'), Type.Literal('done'), Type.Literal('failed')]),
  progress: Type.Union([ProgressSchema, Type.Null()]),
  result: Type.Optional(Type.Unknown({ description: 'what the route answers synchronously' })),
  status: Type.Optional(Type.Integer({ description: 'the HTTP status of the failure' })),
  error: Type.Optional(
    Type.Object(
      { code: Type.String(), message: Type.String(), data: Type.Optional(AnyObject) },
      { additionalProperties: true },
    ),
  ),
});

/**
 * The server's operation registry, its routes, and its closing: the server waits for running
 * operations before it closes the repositories (`preClose` runs before every `onClose` hook,
 * and the repository host closes in one of those).
 */
export function registerOperations(app: VersoApp, ctx: RouteContext): OperationRegistry {
  const operations = new OperationRegistry({ logInternal: (e) => app.log.error(e) });
  app.addHook('preClose', () => operations.close());
  operationRoutes(app, ctx, operations);
  return operations;
}

function operationRoutes(app: VersoApp, _ctx: RouteContext, operations: OperationRegistry): void {
  app.get(
    '/operations',
    {
      config: { role: 'read' },
      schema: {
        summary:
          "the caller's operations in this repository (an admin's: everyone's), newest first",
        tags: ['operations'],
        params: RepoParams,
        response: {
          200: Type.Object({ operations: Type.Array(OperationSchema) }),
          ...errors(...REPO_ERRORS),
        },
      },
    },
    async (request) => ({
      operations: operations.list(request.repoName, request.actor) as never,
    }),
  );

  app.get(
    '/operations/:id',
    {
      config: { role: 'read' },
      schema: {
        summary: 'an operation: state, progress, and its result or error',
        tags: ['operations'],
        params: OperationParams,
        response: { 200: OperationSchema, ...errors(...REPO_ERRORS) },
      },
    },
    async (request) =>
      operations.find(request.repoName, request.params.id, request.actor).view() as never,
  );

  app.get(
    '/operations/:id/events',
    {
      config: { role: 'read' },
      schema: {
        summary:
          'server-sent events: progress (phase, done, total) until a final done or failed event',
        tags: ['operations'],
        params: OperationParams,
        response: {
          200: {
            description: 'event stream',
            content: { 'text/event-stream': { schema: { type: 'string' } } },
          },
          ...errors(...REPO_ERRORS),
        },
      },
    },
    async (request, reply) => {
      const handle = operations.find(request.repoName, request.params.id, request.actor);
      const out = new PassThrough();
      const heartbeat = setInterval(() => out.write(': still running\n\n'), HEARTBEAT_MS);
      heartbeat.unref();
      let unsubscribe = () => {};
      const stop = () => {
        clearInterval(heartbeat);
        unsubscribe();
      };
      out.on('close', stop);
      unsubscribe = handle.subscribe((e) => {
        out.write(eventText(e));
        if (e.type !== 'progress') {
          stop();
          out.end();
        }
      });
      return reply
        .type('text/event-stream')
        .header('cache-control', 'no-cache')
        .header('x-accel-buffering', 'no')
        .send(out as never);
    },
  );

  app.get(
    '/operations/:id/download',
    {
      config: { role: 'read' },
      schema: {
        summary: 'the file a finished operation produced (an async export)',
        tags: ['operations'],
        params: OperationParams,
        response: {
          200: {
            description: 'the file (a tar archive for folder formats)',
            content: { 'application/octet-stream': { schema: { type: 'string' } } },
          },
          ...errors(...REPO_ERRORS, 409),
        },
      },
    },
    async (request, reply) => {
      const handle = operations.find(request.repoName, request.params.id, request.actor);
      const artifact = handle.artifact;
      if (!artifact) {
        const state = handle.view().state;
        throw new HttpRefusal(
          state === 'running' ? 'OPERATION_RUNNING' : 'OPERATION_NOT_FOUND',
          state === 'running' ? 409 : 404,
          state === 'running'
            ? `operation '${request.params.id}' is still running: wait for its done event, then download`
            : `operation '${request.params.id}' produced no file`,
          { operation: request.params.id, state },
        );
      }
      return reply
        .type(artifact.contentType)
        .header('content-disposition', `attachment; filename="${artifact.fileName}"`)
        .send(Readable.from(artifact.bytes(), { objectMode: false }) as never);
    },
  );
}

/** One event in the `text/event-stream` format. */
function eventText(e: OperationEvent): string {
  const data = e.type === 'progress' ? e.progress : e.operation;
  return `event: ${e.type}\ndata: ${JSON.stringify(data)}\n\n`;
}

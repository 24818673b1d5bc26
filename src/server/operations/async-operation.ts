/**
 * `?async=true` on a long route (layer: server): without it the route runs its verb and answers
 * with the result, as always; with it the route answers 202 at once with the operation's id
 * (and its URL in `Location`), and the verb runs in the server's `OperationRegistry`, reporting
 * the verb's progress there. A failure is the operation's `error`, the same JSON error the
 * synchronous request would have answered with.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { ProgressFn } from '../../api/repository/index.js';
import { snakeCaseJson } from '../../core/json-case.js';
import type { OperationOutcome, OperationRegistry } from './operation-registry.js';

export const AsyncFlag = Type.Optional(
  Type.Boolean({
    description:
      'answer 202 with an operation id at once and run in the background (GET .../operations/{id}, .../events)',
  }),
);

export const OperationStartedSchema = Type.Object(
  {
    operation: Type.String({ description: 'the operation id' }),
    url: Type.String({ description: 'where its state is (also the Location header)' }),
  },
  { description: 'the operation was started (async=true)' },
);

/** Runs `work` now (its snake_case result) or as an operation (202 `{operation, url}`). */
export async function runOrStart(
  request: FastifyRequest,
  reply: FastifyReply,
  operations: OperationRegistry,
  opts: {
    readonly kind: string;
    readonly async: boolean | undefined;
    readonly work: (progress: ProgressFn | undefined) => Promise<unknown>;
  },
): Promise<unknown> {
  if (!opts.async) return snakeCaseJson(await opts.work(undefined));
  return startOperation(request, reply, operations, opts.kind, async (progress) => ({
    result: await opts.work(progress),
  }));
}

/** Starts `work` as an operation of the request's repository and caller; answers 202. */
export function startOperation(
  request: FastifyRequest,
  reply: FastifyReply,
  operations: OperationRegistry,
  kind: string,
  work: (progress: ProgressFn, id: string) => Promise<OperationOutcome>,
): FastifyReply {
  const view = operations.start({
    kind,
    repository: request.repoName,
    actor: request.actor,
    work,
  });
  const url = `/repos/${encodeURIComponent(request.repoName)}/operations/${view.id}`;
  return reply.status(202).header('location', url).send({ operation: view.id, url });
}

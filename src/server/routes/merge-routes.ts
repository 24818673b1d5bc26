/**
 * Merges over HTTP (layer: server): start a merge of a ref into a branch, and the pending merge
 * of a branch (status, resolve, commit, abort), as `verso merge` and its subcommands. A merge
 * that stops on conflicts answers 409 `MERGE_CONFLICT` whose `data.merge` is the pending merge
 * as `merge status --json` shows it (each conflict with base/ours/theirs; the first 1,000, with
 * `truncated` set when there are more), so a client needs no second request to show them.
 * Decisions and commits are authored by the caller's identity.
 *
 * Roles: reading a pending merge needs `read`; starting, resolving, committing and aborting
 * need `annotate`; on a protected branch all four need the rule's role (`protected-writes.ts`),
 * and its gates run before the branch moves. A resolution value that carries a review needs the
 * `review` role and names the caller as reviewer, as an apply does.
 */
import { Readable } from 'node:stream';
import { Type, type Static } from 'typebox';
import {
  abortMerge,
  commitMerge,
  merge,
  mergeStatus,
  resolveConflicts,
  type MergeOptions,
} from '../../api/merge/index.js';
import type { Repository } from '../../api/repository/index.js';
import { isVersoError, VersoError } from '../../core/errors.js';
import { snakeCaseJson } from '../../core/json-case.js';
import { HttpRefusal } from '../http-errors.js';
import { assertMergeAllowed, mergeGateFor } from '../protected-writes.js';
import { assertValueReview } from '../review-stamp.js';
import { AsyncFlag, OperationStartedSchema, runOrStart } from '../operations/async-operation.js';
import type { OperationRegistry } from '../operations/operation-registry.js';
import type { RouteContext, VersoApp } from '../server-types.js';
import {
  AnyObject,
  BranchParams,
  CommitResultSchema,
  errors,
  Hash,
  REPO_ERRORS,
  RepoParams,
} from '../schemas.js';
import { withUploadedFile } from '../upload.js';

const MergeResultSchema = Type.Object(
  {
    status: Type.Union([
      Type.Literal('up-to-date'),
      Type.Literal('fast-forward'),
      Type.Literal('merged'),
    ]),
    head: Type.Optional(Hash),
    from: Type.Optional(Hash),
    commit: Type.Optional(Hash),
    snapshot: Type.Optional(Hash),
    bases: Type.Optional(Type.Array(Hash)),
    applied: Type.Optional(AnyObject),
    duplicates_allowed: Type.Optional(Type.Integer()),
  },
  { additionalProperties: true },
);

const ConflictSchema = Type.Object(
  {
    id: Type.String(),
    kind: Type.String(),
    tree: Type.Optional(Type.String()),
    base: Type.Optional(Type.Unknown()),
    ours: Type.Optional(Type.Unknown()),
    theirs: Type.Optional(Type.Unknown()),
    review: Type.Optional(AnyObject),
    resolution: Type.Optional(AnyObject),
  },
  { additionalProperties: true },
);

const MergeStatusSchema = Type.Object({
  into: Type.String(),
  source: Type.String(),
  ours: Hash,
  theirs: Hash,
  bases: Type.Array(Hash),
  started_by: Type.String(),
  started_at: Type.String(),
  undecided: Type.Integer(),
  conflicts: Type.Array(ConflictSchema),
});

const ResolveBody = Type.Object({
  id: Type.Optional(
    Type.String({ minLength: 1, description: 'a conflict id as status lists it, or IMAGE/LABEL' }),
  ),
  all: Type.Optional(Type.Boolean({ description: 'every undecided conflict' })),
  choice: Type.Union(
    [Type.Literal('ours'), Type.Literal('theirs'), Type.Literal('both'), Type.Literal('value')],
    { description: "ours, theirs, both (possible duplicates) or value (the body's value)" },
  ),
  value: Type.Optional(
    Type.Unknown({
      description:
        'with choice=value: the record to store (a label: its content, optionally with review); null deletes it',
    }),
  ),
});

export function mergeRoutes(app: VersoApp, ctx: RouteContext, operations: OperationRegistry) {
  app.post(
    '/merges',
    {
      config: { role: 'annotate' },
      schema: {
        summary:
          'merge a ref into a branch: up to date, fast-forward or a merge commit; 409 MERGE_CONFLICT with the pending merge when it stops',
        tags: ['merge'],
        params: RepoParams,
        querystring: Type.Object({ async: AsyncFlag }),
        body: Type.Object({
          into: Type.String({ minLength: 1, description: 'the destination branch' }),
          from: Type.String({ minLength: 1, description: 'the branch, tag or commit merged' }),
          message: Type.Optional(Type.String()),
          no_ff: Type.Optional(Type.Boolean({ description: 'a merge commit even when FF works' })),
          allow_duplicates: Type.Optional(Type.Boolean()),
        }),
        response: {
          200: MergeResultSchema,
          202: OperationStartedSchema,
          ...errors(...REPO_ERRORS, 409),
        },
      },
    },
    async (request, reply) => {
      const b = request.body;
      const opts: MergeOptions = {
        source: b.from,
        into: b.into,
        ...(b.message !== undefined ? { message: b.message } : {}),
        noFastForward: !!b.no_ff,
        allowDuplicates: !!b.allow_duplicates,
      };
      const gate = await mergeGateFor(request, b.into);
      return runOrStart(request, reply, operations, {
        kind: 'merge',
        async: request.query.async,
        work: () => mergeOrPending(request.repo, { ...opts, gate }),
      }) as never;
    },
  );

  app.get(
    '/merges/:branch',
    {
      config: { role: 'read' },
      schema: {
        summary: 'the pending merge of a branch: each conflict with base/ours/theirs',
        tags: ['merge'],
        params: BranchParams,
        response: { 200: MergeStatusSchema, ...errors(...REPO_ERRORS) },
      },
    },
    async (request) =>
      snakeCaseJson(await mergeStatus(request.repo, request.params.branch)) as never,
  );

  app.post(
    '/merges/:branch/resolve',
    {
      config: { role: 'annotate' },
      schema: {
        summary: 'decide one conflict (its id, or IMAGE/LABEL), or all undecided ones',
        tags: ['merge'],
        params: BranchParams,
        body: ResolveBody,
        response: {
          200: Type.Object({
            resolved: Type.Array(Type.String()),
            undecided: Type.Integer(),
            dropped: AnyObject,
          }),
          ...errors(...REPO_ERRORS, 409, 422),
        },
      },
    },
    async (request) => {
      const body = request.body;
      checkResolve(body);
      await assertMergeAllowed(request, request.params.branch);
      if (body.choice === 'value') assertValueReview(request, body.value);
      const base = {
        into: request.params.branch,
        ...(body.id !== undefined ? { id: body.id } : {}),
        all: !!body.all,
        choice: body.choice,
      };
      const result =
        body.choice !== 'value'
          ? await resolveConflicts(request.repo, base)
          : await withUploadedFile(
              request.repo,
              Readable.from([Buffer.from(JSON.stringify(body.value))]),
              { upload: ctx.limits.jsonBody, ndjsonLine: ctx.limits.jsonBody },
              (valueFile) => resolveConflicts(request.repo, { ...base, valueFile }),
            );
      return snakeCaseJson(result) as never;
    },
  );

  app.post(
    '/merges/:branch/commit',
    {
      config: { role: 'annotate' },
      schema: {
        summary: 'make the merge commit once every conflict is decided',
        tags: ['merge'],
        params: BranchParams,
        querystring: Type.Object({ message: Type.Optional(Type.String()) }),
        response: { 200: CommitResultSchema, ...errors(...REPO_ERRORS, 409) },
      },
    },
    async (request) => {
      const branch = request.params.branch;
      const gate = await mergeGateFor(request, branch);
      return snakeCaseJson(
        await commitMerge(request.repo, branch, request.query.message, gate),
      ) as never;
    },
  );

  app.post(
    '/merges/:branch/abort',
    {
      config: { role: 'annotate' },
      schema: {
        summary: 'drop the pending merge (the branch never moved)',
        tags: ['merge'],
        params: BranchParams,
        response: { 200: Type.Object({ conflicts: Type.Integer() }), ...errors(...REPO_ERRORS) },
      },
    },
    async (request) => {
      await assertMergeAllowed(request, request.params.branch);
      return abortMerge(request.repo, request.params.branch);
    },
  );
}

/**
 * Conflicts a 409 lists at most (`data.merge.truncated` says when there are more); `GET
 * /merges/:branch` lists them all.
 */
const CONFLICTS_IN_ERROR = 1000;

/** The merge, or its MERGE_CONFLICT error carrying the pending merge (`data.merge`). */
async function mergeOrPending(repo: Repository, opts: MergeOptions) {
  try {
    return await merge(repo, opts);
  } catch (e) {
    if (!isVersoError(e) || e.code !== 'MERGE_CONFLICT') throw e;
    const pending = await mergeStatus(repo, opts.into);
    const shown = {
      ...pending,
      conflicts: pending.conflicts.slice(0, CONFLICTS_IN_ERROR),
      truncated: pending.conflicts.length > CONFLICTS_IN_ERROR,
    };
    throw new VersoError(e.category, e.code, e.message, { ...e.data, merge: shown }, { cause: e });
  }
}

/** The combinations `verso merge resolve` refuses as usage errors. */
function checkResolve(body: Static<typeof ResolveBody>): void {
  const refuse = (message: string) => new HttpRefusal('BAD_REQUEST', 400, message);
  if (body.all && body.id !== undefined) throw refuse("give either 'id' or 'all', not both");
  if (!body.all && body.id === undefined) throw refuse("name a conflict 'id' or set 'all': true");
  if (body.choice === 'value' && !('value' in body))
    throw refuse("choice 'value' needs a 'value' member (the record as JSON; null deletes it)");
  if (body.choice !== 'value' && 'value' in body)
    throw refuse(`'value' goes with choice 'value', not '${body.choice}'`);
  if (body.all && body.choice === 'value')
    throw refuse("choice 'value' decides one record conflict: name its 'id' instead of 'all'");
}

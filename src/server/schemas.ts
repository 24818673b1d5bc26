/**
 * JSON Schemas the routes share (layer: server): the error body, refs, commits, commit results.
 * They validate requests, shape the OpenAPI document and (for responses) serialize replies, so a
 * member missing here is missing on the wire: objects whose members are user data say
 * `additionalProperties: true`.
 */
import { Type } from 'typebox';

export const ErrorSchema = Type.Object(
  {
    error: Type.Object({
      code: Type.String({ description: 'stable error code (e.g. REF_NOT_FOUND)' }),
      category: Type.Optional(
        Type.String({ description: 'NotFound, AlreadyExists, InvalidInput, Conflict, ...' }),
      ),
      message: Type.String({ description: 'what happened and what to do' }),
      data: Type.Optional(Type.Object({}, { additionalProperties: true })),
    }),
  },
  { description: 'an error' },
);

/** The error responses a route may give, by status. */
export function errors(...statuses: number[]): Record<number, unknown> {
  const out: Record<number, unknown> = {};
  for (const s of statuses) out[s] = { $ref: 'Error#' };
  return out;
}

/** Statuses every repository route may answer with (413/415: a body too large or of a type it does not take). */
export const REPO_ERRORS = [400, 401, 403, 404, 413, 415, 429] as const;

/** Statuses a route with a request body may answer with besides `REPO_ERRORS`. */
export const BODY_ERRORS = [413, 415] as const;

export const Hash = Type.String({ pattern: '^[0-9a-f]{64}$', description: 'a SHA-256 hash, hex' });

export const RepoParams = Type.Object({ repo: Type.String({ description: 'repository name' }) });

/** The parameters of a route on one branch: `/repos/:repo/branches/:branch/...`. */
export const BranchParams = Type.Object({
  repo: Type.String(),
  branch: Type.String({ minLength: 1 }),
});

export const AnyObject = Type.Object({}, { additionalProperties: true });

export const RefSchema = Type.Object({
  name: Type.String(),
  kind: Type.Union([Type.Literal('branch'), Type.Literal('tag')]),
  target: Hash,
  updated_at: Type.String(),
});

export const CommitSchema = Type.Object({
  id: Hash,
  snapshot: Hash,
  parents: Type.Array(Hash),
  author: Type.String(),
  time: Type.String(),
  message: Type.String(),
  operations: AnyObject,
});

/** What a commit-making write answers (its own counts are extra members). */
export const CommitResultSchema = Type.Object(
  {
    commit: Hash,
    snapshot: Hash,
    committed: Type.Boolean({ description: 'false when nothing changed and no commit was made' }),
  },
  { additionalProperties: true },
);

/** An NDJSON response in the OpenAPI document (the stream is not validated by Fastify). */
export function ndjson(description: string, item: unknown = AnyObject): unknown {
  return { description, content: { 'application/x-ndjson': { schema: item } } };
}

/** The `ref` query parameter: a branch, tag, commit id or prefix, `main~2`; default `main`. */
export const RefQuery = Type.Optional(
  Type.String({
    minLength: 1,
    default: 'main',
    description: 'branch, tag, commit (prefix), main~2',
  }),
);

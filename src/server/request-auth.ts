/**
 * Who is asking, and may they (layer: server). Every route under `/repos/:repo/` names the
 * least role it needs (`config.role`); before the handler runs, the bearer token is checked
 * against that repository's tokens (tokens belong to the repository they were created in), and
 * the request gets its `actor` and its repository *view*: the open repository with the token's
 * identity as the author of whatever the request writes. The identity comes from the token, never
 * from the request body, so a client cannot commit or review under another name.
 *
 * Roles are ordered read < annotate < review < admin. Without a token a request is refused with
 * 401, unless the server allows anonymous reads (`--allow-anonymous-read`) and the route only
 * reads.
 */
import type { FastifyRequest } from 'fastify';
import { roleAllows, type Role } from '../api/access/index.js';
import type { Repository } from '../api/repository/index.js';
import { HttpRefusal } from './http-errors.js';
import { mediaCookieSecret } from './media-cookie.js';

export { ROLES, roleAllows, type Role } from '../api/access/index.js';

/** The caller of a request, as its token says. */
export interface Actor {
  readonly identity: string;
  /** The token's name (null for anonymous reads). */
  readonly tokenName: string | null;
  readonly role: Role;
}

/** Checks a bearer secret against a repository's tokens: the actor, or a `VersoError` (401). */
export type TokenCheck = (repo: Repository, secret: string) => Promise<Actor>;

export const ANONYMOUS: Actor = { identity: 'anonymous', tokenName: null, role: 'read' };

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The least role the route needs; routes outside `/repos/:repo/` have none. */
    role?: Role;
  }
  interface FastifyRequest {
    actor: Actor;
    /** The repository view of this request (identity = the actor's). */
    repo: Repository;
    /** The repository's name in the URL. */
    repoName: string;
  }
}

/** The bearer secret of a request, or undefined. A malformed header is refused. */
export function bearerSecret(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (header === undefined) return undefined;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!m)
    throw new HttpRefusal(
      'UNAUTHENTICATED',
      401,
      "malformed Authorization header: send 'Authorization: Bearer <token>'",
    );
  return m[1];
}

/**
 * Who sends a request to `repo` that needs `need`: the token's actor (401 for a missing, unknown,
 * revoked or expired token), or anonymous for a read when the server allows it. The role is
 * checked apart (`assertRole`), after the request is known to be this actor's.
 */
export async function authenticate(
  request: FastifyRequest,
  repo: Repository,
  need: Role,
  opts: { readonly checkToken: TokenCheck; readonly allowAnonymousRead: boolean },
): Promise<Actor> {
  const secret = credentialsOf(request, need, opts.allowAnonymousRead);
  return secret === undefined ? ANONYMOUS : opts.checkToken(repo, secret);
}

/**
 * The bearer secret a request needing `need` brings (or, on an image read, its media cookie:
 * `media-cookie.ts`), or undefined for an anonymous read the
 * server allows; 401 when it brings none and needs one. Checked before the repository is even
 * opened, so requests without credentials open nothing.
 */
export function credentialsOf(
  request: FastifyRequest,
  need: Role,
  allowAnonymousRead: boolean,
): string | undefined {
  const secret = bearerSecret(request) ?? mediaCookieSecret(request);
  if (secret === undefined && !(allowAnonymousRead && need === 'read'))
    throw new HttpRefusal(
      'UNAUTHENTICATED',
      401,
      "this server needs a token: send 'Authorization: Bearer <token>' (a repository admin creates tokens)",
    );
  return secret;
}

/** Refuses (403) an actor whose role is below `need`. */
export function assertRole(actor: Actor, need: Role): void {
  if (!roleAllows(actor.role, need))
    throw new HttpRefusal(
      'FORBIDDEN',
      403,
      `token '${actor.tokenName ?? 'anonymous'}' has role '${actor.role}'; this needs '${need}' or above`,
      { role: actor.role, needs: need },
    );
}

/** The repository with the actor as its identity: what the request's writes are authored by. */
export function repositoryView(repo: Repository, actor: Actor): Repository {
  return { ...repo, identity: { author: actor.identity } };
}

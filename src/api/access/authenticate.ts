/**
 * Who a bearer token is (layer: api): `authenticateToken(repo, secret, now)` looks the secret's
 * hash up in the repository's catalog and gives the token's name, identity and role, or a typed
 * error: `TOKEN_UNKNOWN` (no such token, or not a token at all), `TOKEN_REVOKED`,
 * `TOKEN_EXPIRED` (a server answers 401 to each). `requireRole` is the check a route makes.
 *
 * Last use: a successful authentication stamps the token's `lastUsedAt` at most once a minute
 * (`LAST_USED_RESOLUTION_MS`), so a busy server does not write per request. The stamp is best
 * effort: when the catalog cannot take the write (a full disk, a lock held elsewhere, a
 * read-only file) authentication still succeeds, because reads must keep working there.
 */
import { isVersoError } from '../../core/errors.js';
import type { Repository } from '../repository/repository.js';
import {
  AccessDeniedError,
  TokenExpiredError,
  TokenRevokedError,
  TokenUnknownError,
} from './access-errors.js';
import { roleAllows, type Role } from './roles.js';
import { hashTokenSecret, looksLikeToken } from './token-secret.js';

export const LAST_USED_RESOLUTION_MS = 60_000;

export interface AuthenticatedToken {
  readonly tokenName: string;
  /** Who the request's writes are attributed to (commit author, reviewer, audit). */
  readonly identity: string;
  readonly role: Role;
}

export async function authenticateToken(
  repo: Repository,
  secret: string,
  now: Date = repo.clock.now(),
): Promise<AuthenticatedToken> {
  if (!looksLikeToken(secret)) throw new TokenUnknownError();
  const hash = hashTokenSecret(secret);
  const token = await repo.catalog.access.getTokenByHash(hash);
  if (!token) throw new TokenUnknownError();
  const at = now.toISOString();
  if (token.revokedAt !== null) throw new TokenRevokedError(token.name, token.revokedAt);
  if (token.expiresAt !== null && token.expiresAt <= at)
    throw new TokenExpiredError(token.name, token.expiresAt);
  const ifBefore = new Date(now.getTime() - LAST_USED_RESOLUTION_MS).toISOString();
  try {
    await repo.catalog.access.markTokenUsed(hash, at, ifBefore);
  } catch (e) {
    if (!isVersoError(e)) throw e;
  }
  return { tokenName: token.name, identity: token.identity, role: token.role };
}

/** Throws `ACCESS_DENIED` unless `auth`'s role allows `need` (`action` names what was asked). */
export function requireRole(auth: { readonly role: Role }, need: Role, action: string): void {
  if (!roleAllows(auth.role, need)) throw new AccessDeniedError(action, auth.role, need);
}

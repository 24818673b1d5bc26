/**
 * `verso token create|list|revoke` (layer: api): a repository's API tokens. A token belongs to
 * the repository it is created in, has a role and an identity (who the writes made with it are
 * attributed to; by default its name), and is shown once: only its hash is stored
 * (`token-secret.ts`). Names are unique among active tokens (`access-catalog.ts`).
 */
import { InvalidArgumentError } from '../../core/errors.js';
import type { TokenRecord } from '../../catalog/access-catalog.js';
import type { Repository } from '../repository/repository.js';
import { parseRole, type Role } from './roles.js';
import { expiryFrom } from './token-expiry.js';
import { hashTokenSecret, newTokenSecret } from './token-secret.js';

const TOKEN_NAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,99}$/;
const MAX_IDENTITY = 200;

export interface CreateTokenOptions {
  readonly name: string;
  readonly role: Role;
  /** Who writes made with the token are attributed to (default: the name). */
  readonly identity?: string | undefined;
  /** A duration from now (`30d`, `12h`), an ISO-8601 instant, or `never` (the default). */
  readonly expires?: string | null | undefined;
}

/** A token as listed: everything but its secret and hash. */
export interface TokenInfo {
  readonly name: string;
  readonly role: Role;
  readonly identity: string;
  readonly createdAt: string;
  readonly expiresAt: string | null;
  readonly revokedAt: string | null;
  readonly lastUsedAt: string | null;
  /** At the time of the listing. */
  readonly status: TokenStatus;
}

export type TokenStatus = 'active' | 'revoked' | 'expired';

/** A new token, with its secret: the only time the secret is available. */
export interface CreatedToken {
  readonly name: string;
  readonly role: Role;
  readonly identity: string;
  readonly createdAt: string;
  readonly expiresAt: string | null;
  readonly token: string;
}

function checkTokenName(name: string): string {
  if (!TOKEN_NAME.test(name))
    throw new InvalidArgumentError(
      'token name',
      name,
      'expected 1-100 characters of letters, digits, . _ @ -, starting with a letter or digit',
      { option: 'name' },
    );
  return name;
}

/** A C0 control character or DEL (an identity is printed in logs and on terminals). */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

function checkIdentity(identity: string): string {
  if (identity.trim() === '' || identity.length > MAX_IDENTITY || CONTROL.test(identity))
    throw new InvalidArgumentError(
      'identity',
      identity,
      `expected 1-${MAX_IDENTITY} printable characters`,
      { option: 'identity' },
    );
  return identity;
}

export async function createToken(
  repo: Repository,
  opts: CreateTokenOptions,
): Promise<CreatedToken> {
  const name = checkTokenName(opts.name);
  const role = parseRole(opts.role);
  const identity = checkIdentity(opts.identity ?? name);
  const now = repo.clock.now();
  const createdAt = now.toISOString();
  const expiresAt = expiryFrom(opts.expires, now);
  const token = newTokenSecret();
  await repo.catalog.access.insertToken({
    name,
    role,
    identity,
    hash: hashTokenSecret(token),
    createdAt,
    expiresAt,
    revokedAt: null,
    lastUsedAt: null,
  });
  return { name, role, identity, createdAt, expiresAt, token };
}

/** Every token of the repository (revoked and expired ones too), oldest first; no secrets. */
export async function listTokens(repo: Repository): Promise<TokenInfo[]> {
  const now = repo.clock.now().toISOString();
  return (await repo.catalog.access.listTokens()).map((t) => tokenInfo(t, now));
}

/** Revokes the active token named `name` (`TOKEN_NOT_FOUND` when there is none). */
export async function revokeToken(repo: Repository, name: string): Promise<TokenInfo> {
  const now = repo.clock.now().toISOString();
  return tokenInfo(await repo.catalog.access.revokeToken(name, now), now);
}

function tokenInfo(t: TokenRecord, now: string): TokenInfo {
  return {
    name: t.name,
    role: t.role,
    identity: t.identity,
    createdAt: t.createdAt,
    expiresAt: t.expiresAt,
    revokedAt: t.revokedAt,
    lastUsedAt: t.lastUsedAt,
    status:
      t.revokedAt !== null
        ? 'revoked'
        : t.expiresAt !== null && t.expiresAt <= now
          ? 'expired'
          : 'active',
  };
}

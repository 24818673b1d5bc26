/**
 * Rows of the access tables (tokens, audit log, branch protection) and their mapping to records
 * (layer: catalog), shared by the SQL backends (`sqlite/`, `postgres/`), whose columns are named
 * alike.
 */
import type {
  AuditEntry,
  BranchProtectionRecord,
  TokenRecord,
  TokenRole,
} from './access-catalog.js';

export interface TokenRow {
  /** A number (SQLite) or a bigint's decimal text (PostgreSQL). */
  readonly seq: number | string;
  readonly name: string;
  readonly role: TokenRole;
  readonly identity: string;
  readonly hash: string;
  readonly created_at: string;
  readonly expires_at: string | null;
  readonly revoked_at: string | null;
  readonly last_used_at: string | null;
}

export interface AuditRow {
  /** A number (SQLite) or a bigint's decimal text (PostgreSQL). */
  readonly seq: number | string;
  readonly time: string;
  readonly identity: string;
  readonly token_name: string | null;
  readonly action: string;
  readonly target: string;
  readonly detail: string | null;
  readonly address: string | null;
}

export interface ProtectionRow {
  readonly branch: string;
  readonly require: TokenRole;
  readonly checks: string;
  readonly created_at: string;
  readonly created_by: string;
}

export const toToken = (r: TokenRow): TokenRecord => ({
  name: r.name,
  role: r.role,
  identity: r.identity,
  hash: r.hash,
  createdAt: r.created_at,
  expiresAt: r.expires_at,
  revokedAt: r.revoked_at,
  lastUsedAt: r.last_used_at,
});

export const toAudit = (r: AuditRow): AuditEntry => ({
  seq: Number(r.seq),
  time: r.time,
  identity: r.identity,
  tokenName: r.token_name,
  action: r.action,
  target: r.target,
  detail: r.detail,
  address: r.address,
});

export const toProtection = (r: ProtectionRow): BranchProtectionRecord => ({
  branch: r.branch,
  require: r.require,
  checks: JSON.parse(r.checks) as string[],
  createdAt: r.created_at,
  createdBy: r.created_by,
});

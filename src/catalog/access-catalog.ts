/**
 * The access section of the Catalog (layer: catalog): a repository's API tokens, its audit log
 * and its branch protection rules. The api layer (`api/access/`) owns what they mean (roles,
 * secrets, expiry, gates); the catalog only keeps the rows.
 *
 * Contract (checked for every backend by `access-catalog.contract.ts`):
 * - Tokens are stored by the SHA-256 of their secret (`hash`, 64 lowercase hex), never the
 *   secret; `getTokenByHash` is a lookup by that hash. Times are ISO-8601 UTC instants as
 *   `Date.toISOString` writes them, so they compare as strings.
 * - A token is active while it is neither revoked nor expired. `insertToken` refuses a name an
 *   active token holds at the new token's `createdAt` (`TokenNameTakenError`); an expired holder
 *   of the name is marked revoked at that time in the same atomic step. A record inserted
 *   already revoked (a restore) holds no name. Two tokens never share a hash.
 * - `revokeToken` marks the unrevoked token of that name revoked (once; `TokenNotFoundError`
 *   when there is none) and returns it as it now is. Tokens are never deleted: a revoked token
 *   stays listed.
 * - `markTokenUsed` sets `lastUsedAt` only when it is unset or older than `ifBefore` (so a
 *   server writes at most once per token per interval, not once per request).
 * - The audit log is append-only: entries get increasing `seq` numbers and are never changed
 *   or deleted. `readAudit` gives the newest first.
 * - One protection rule per branch name; `putBranchProtection` replaces the branch's rule.
 */

export type TokenRole = 'read' | 'annotate' | 'review' | 'admin';

export interface TokenRecord {
  readonly name: string;
  readonly role: TokenRole;
  /** Who writes made with the token are attributed to (commit author, reviewer, audit). */
  readonly identity: string;
  /** SHA-256 of the secret, lowercase hex. */
  readonly hash: string;
  readonly createdAt: string;
  readonly expiresAt: string | null;
  readonly revokedAt: string | null;
  readonly lastUsedAt: string | null;
}

export interface AuditEntry {
  readonly seq: number;
  readonly time: string;
  readonly identity: string;
  /** The token the write came with; null for the local CLI. */
  readonly tokenName: string | null;
  /** What was done: `apply`, `merge`, `token create`, ... */
  readonly action: string;
  /** What it was done to: a branch, a token name, ... */
  readonly target: string;
  /** JSON text with the particulars, or null. */
  readonly detail: string | null;
  /** The client address, or null for the local CLI. */
  readonly address: string | null;
}

export type NewAuditEntry = Omit<AuditEntry, 'seq'>;

export interface AuditQuery {
  /** At most this many entries (newest first). */
  readonly limit?: number | undefined;
  /** Only entries at or after this instant. */
  readonly since?: string | undefined;
  readonly identity?: string | undefined;
}

export interface BranchProtectionRecord {
  readonly branch: string;
  /** The least role a merge into the branch needs. */
  readonly require: TokenRole;
  /** Gate specs run before a merge lands (`schema-valid`, `no-pending-reviews`, `cmd:PATH`). */
  readonly checks: readonly string[];
  readonly createdAt: string;
  readonly createdBy: string;
}

export interface AccessCatalog {
  insertToken(token: TokenRecord): Promise<void>;
  getTokenByHash(hash: string): Promise<TokenRecord | undefined>;
  /** Every token ever created (revoked ones too), oldest first. */
  listTokens(): Promise<TokenRecord[]>;
  revokeToken(name: string, time: string): Promise<TokenRecord>;
  markTokenUsed(hash: string, time: string, ifBefore: string): Promise<void>;

  /** Appends one entry; returns its `seq`. */
  appendAudit(entry: NewAuditEntry): Promise<number>;
  readAudit(query?: AuditQuery): Promise<AuditEntry[]>;

  putBranchProtection(rule: BranchProtectionRecord): Promise<void>;
  getBranchProtection(branch: string): Promise<BranchProtectionRecord | undefined>;
  /** Whether a rule was there to delete. */
  deleteBranchProtection(branch: string): Promise<boolean>;
  /** Every rule, by branch name. */
  listBranchProtections(): Promise<BranchProtectionRecord[]>;
}

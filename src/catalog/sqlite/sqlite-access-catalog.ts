/**
 * SqliteAccessCatalog: the access section of `SqliteCatalog` (layer: catalog), on the same
 * database handle: tokens (by the hash of their secret), the audit log and branch protection.
 * `ACCESS_MIGRATION` is one step of SqliteCatalog's MIGRATIONS.
 *
 * The database enforces what it can of the contract (`access-catalog.ts`), so raw SQL cannot
 * undo it either: one unrevoked token per name (a partial unique index), unique hashes, a
 * token's identity fields and a set `revoked_at` are never rewritten and no token is deleted,
 * and the audit log refuses every UPDATE and DELETE (triggers).
 */
import type Database from 'better-sqlite3';
import { TokenNameTakenError, TokenNotFoundError } from '../access-catalog-errors.js';
import type {
  AccessCatalog,
  AuditEntry,
  AuditQuery,
  BranchProtectionRecord,
  NewAuditEntry,
  TokenRecord,
  TokenRole,
} from '../access-catalog.js';
import {
  toAudit,
  toProtection,
  toToken,
  type AuditRow,
  type ProtectionRow,
  type TokenRow,
} from '../access-rows.js';

export const ACCESS_MIGRATION = `
  CREATE TABLE tokens (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('read', 'annotate', 'review', 'admin')),
    identity TEXT NOT NULL,
    hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    expires_at TEXT,
    revoked_at TEXT,
    last_used_at TEXT
  );
  CREATE UNIQUE INDEX tokens_unrevoked_name ON tokens (name) WHERE revoked_at IS NULL;
  CREATE TRIGGER tokens_fixed BEFORE UPDATE OF seq, name, role, identity, hash, created_at, expires_at ON tokens
  BEGIN SELECT RAISE(ABORT, 'tokens are immutable except for revocation and last use'); END;
  CREATE TRIGGER tokens_revoked_once BEFORE UPDATE OF revoked_at ON tokens
    WHEN OLD.revoked_at IS NOT NULL
  BEGIN SELECT RAISE(ABORT, 'tokens are immutable except for revocation and last use'); END;
  CREATE TRIGGER tokens_kept BEFORE DELETE ON tokens
  BEGIN SELECT RAISE(ABORT, 'tokens are immutable except for revocation and last use'); END;

  CREATE TABLE audit_log (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    time TEXT NOT NULL,
    identity TEXT NOT NULL,
    token_name TEXT,
    action TEXT NOT NULL,
    target TEXT NOT NULL,
    detail TEXT,
    address TEXT
  );
  CREATE INDEX audit_log_by_identity ON audit_log (identity, seq);
  CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
  CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;

  CREATE TABLE branch_protection (
    branch TEXT PRIMARY KEY,
    require TEXT NOT NULL CHECK (require IN ('read', 'annotate', 'review', 'admin')),
    checks TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
  ) WITHOUT ROWID;`;

function prepareStatements(db: Database.Database) {
  return {
    unrevokedByName: db.prepare<[string], TokenRow>(
      'SELECT * FROM tokens WHERE name = ? AND revoked_at IS NULL',
    ),
    insertToken: db.prepare<
      [string, TokenRole, string, string, string, string | null, string | null, string | null]
    >(
      'INSERT INTO tokens (name, role, identity, hash, created_at, expires_at, revoked_at, last_used_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    ),
    revoke: db.prepare<[string, number]>('UPDATE tokens SET revoked_at = ? WHERE seq = ?'),
    bySeq: db.prepare<[number], TokenRow>('SELECT * FROM tokens WHERE seq = ?'),
    byHash: db.prepare<[string], TokenRow>('SELECT * FROM tokens WHERE hash = ?'),
    listTokens: db.prepare<[], TokenRow>('SELECT * FROM tokens ORDER BY seq'),
    markUsed: db.prepare<[string, string, string]>(
      'UPDATE tokens SET last_used_at = ? WHERE hash = ? AND (last_used_at IS NULL OR last_used_at < ?)',
    ),
    appendAudit: db.prepare<
      [string, string, string | null, string, string, string | null, string | null]
    >(
      'INSERT INTO audit_log (time, identity, token_name, action, target, detail, address) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ),
    readAudit: db.prepare<
      { since: string | null; identity: string | null; limit: number },
      AuditRow
    >(
      `SELECT * FROM audit_log
       WHERE (@since IS NULL OR time >= @since) AND (@identity IS NULL OR identity = @identity)
       ORDER BY seq DESC LIMIT @limit`,
    ),
    putProtection: db.prepare<[string, TokenRole, string, string, string]>(
      'INSERT OR REPLACE INTO branch_protection (branch, require, checks, created_at, created_by) VALUES (?, ?, ?, ?, ?)',
    ),
    getProtection: db.prepare<[string], ProtectionRow>(
      'SELECT * FROM branch_protection WHERE branch = ?',
    ),
    deleteProtection: db.prepare<[string]>('DELETE FROM branch_protection WHERE branch = ?'),
    listProtections: db.prepare<[], ProtectionRow>(
      'SELECT * FROM branch_protection ORDER BY branch',
    ),
  };
}

export class SqliteAccessCatalog implements AccessCatalog {
  private readonly sql;

  constructor(private readonly db: Database.Database) {
    this.sql = prepareStatements(db);
  }

  async insertToken(t: TokenRecord): Promise<void> {
    this.db
      .transaction(() => {
        // A revoked record (restored by `verso recover`) holds no name.
        const holder = t.revokedAt === null ? this.sql.unrevokedByName.get(t.name) : undefined;
        if (holder) {
          const expired = holder.expires_at !== null && holder.expires_at <= t.createdAt;
          if (!expired) throw new TokenNameTakenError(t.name);
          this.sql.revoke.run(t.createdAt, Number(holder.seq));
        }
        this.sql.insertToken.run(
          t.name,
          t.role,
          t.identity,
          t.hash,
          t.createdAt,
          t.expiresAt,
          t.revokedAt,
          t.lastUsedAt,
        );
      })
      .immediate();
  }

  async getTokenByHash(hash: string): Promise<TokenRecord | undefined> {
    const row = this.sql.byHash.get(hash);
    return row === undefined ? undefined : toToken(row);
  }

  async listTokens(): Promise<TokenRecord[]> {
    return this.sql.listTokens.all().map(toToken);
  }

  async revokeToken(name: string, time: string): Promise<TokenRecord> {
    return this.db
      .transaction(() => {
        const row = this.sql.unrevokedByName.get(name);
        if (!row) throw new TokenNotFoundError(name);
        this.sql.revoke.run(time, Number(row.seq));
        return toToken(this.sql.bySeq.get(Number(row.seq))!);
      })
      .immediate();
  }

  async markTokenUsed(hash: string, time: string, ifBefore: string): Promise<void> {
    this.sql.markUsed.run(time, hash, ifBefore);
  }

  async appendAudit(e: NewAuditEntry): Promise<number> {
    const r = this.sql.appendAudit.run(
      e.time,
      e.identity,
      e.tokenName,
      e.action,
      e.target,
      e.detail,
      e.address,
    );
    return Number(r.lastInsertRowid);
  }

  async readAudit(query: AuditQuery = {}): Promise<AuditEntry[]> {
    return this.sql.readAudit
      .all({
        since: query.since ?? null,
        identity: query.identity ?? null,
        limit: query.limit ?? -1,
      })
      .map(toAudit);
  }

  async putBranchProtection(p: BranchProtectionRecord): Promise<void> {
    this.sql.putProtection.run(
      p.branch,
      p.require,
      JSON.stringify(p.checks),
      p.createdAt,
      p.createdBy,
    );
  }

  async getBranchProtection(branch: string): Promise<BranchProtectionRecord | undefined> {
    const row = this.sql.getProtection.get(branch);
    return row === undefined ? undefined : toProtection(row);
  }

  async deleteBranchProtection(branch: string): Promise<boolean> {
    return this.sql.deleteProtection.run(branch).changes === 1;
  }

  async listBranchProtections(): Promise<BranchProtectionRecord[]> {
    return this.sql.listProtections.all().map(toProtection);
  }
}

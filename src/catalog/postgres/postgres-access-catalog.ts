/**
 * PostgresAccessCatalog: the access section of `PostgresCatalog` (layer: catalog), on the same
 * pool: tokens (by the hash of their secret), the audit log and branch protection.
 *
 * The database enforces what it can of the contract (`access-catalog.ts`), as the SQLite
 * backend does: one unrevoked token per name (a partial unique index, so two servers creating
 * the same name cannot both win), unique hashes, triggers that keep tokens and the audit log
 * unchanged (`postgres-migrations.ts`). `insertToken` is one transaction that locks the name's
 * current holder (`FOR UPDATE`), revokes it if it has expired, and inserts; `revokeToken` and
 * `markTokenUsed` are single conditional UPDATEs.
 */
import { TokenNameTakenError, TokenNotFoundError } from '../access-catalog-errors.js';
import type {
  AccessCatalog,
  AuditEntry,
  AuditQuery,
  BranchProtectionRecord,
  NewAuditEntry,
  TokenRecord,
} from '../access-catalog.js';
import type { PgDatabase } from './postgres-pool.js';
import {
  toAudit,
  toProtection,
  toToken,
  type AuditRow,
  type ProtectionRow,
  type TokenRow,
} from '../access-rows.js';

function isUnrevokedNameClash(error: unknown): boolean {
  const e = (error as { cause?: unknown } | null)?.cause ?? error;
  const { code, constraint } = (e ?? {}) as { code?: unknown; constraint?: unknown };
  return code === '23505' && constraint === 'tokens_unrevoked_name';
}

export class PostgresAccessCatalog implements AccessCatalog {
  constructor(private readonly db: PgDatabase) {}

  async insertToken(t: TokenRecord): Promise<void> {
    try {
      await this.db.transaction('insertToken', async (client) => {
        // A revoked record (restored by `verso recover`) holds no name.
        if (t.revokedAt === null) {
          const holder = (
            await client.query<TokenRow>(
              'SELECT * FROM tokens WHERE name = $1 AND revoked_at IS NULL FOR UPDATE',
              [t.name],
            )
          ).rows[0];
          if (holder) {
            const expired = holder.expires_at !== null && holder.expires_at <= t.createdAt;
            if (!expired) throw new TokenNameTakenError(t.name);
            await client.query('UPDATE tokens SET revoked_at = $1 WHERE seq = $2', [
              t.createdAt,
              holder.seq,
            ]);
          }
        }
        await client.query(
          `INSERT INTO tokens (name, role, identity, hash, created_at, expires_at, revoked_at, last_used_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
          [t.name, t.role, t.identity, t.hash, t.createdAt, t.expiresAt, t.revokedAt, t.lastUsedAt],
        );
      });
    } catch (error) {
      if (isUnrevokedNameClash(error)) throw new TokenNameTakenError(t.name);
      throw error;
    }
  }

  async getTokenByHash(hash: string): Promise<TokenRecord | undefined> {
    const [row] = await this.db.read<TokenRow>('getTokenByHash', {
      name: 'verso_token_by_hash',
      text: 'SELECT * FROM tokens WHERE hash = $1',
      values: [hash],
    });
    return row && toToken(row);
  }

  async listTokens(): Promise<TokenRecord[]> {
    const rows = await this.db.read<TokenRow>('listTokens', {
      text: 'SELECT * FROM tokens ORDER BY seq',
    });
    return rows.map(toToken);
  }

  async revokeToken(name: string, time: string): Promise<TokenRecord> {
    const { rows } = await this.db.write<TokenRow>('revokeToken', {
      text: 'UPDATE tokens SET revoked_at = $2 WHERE name = $1 AND revoked_at IS NULL RETURNING *',
      values: [name, time],
    });
    if (!rows[0]) throw new TokenNotFoundError(name);
    return toToken(rows[0]);
  }

  async markTokenUsed(hash: string, time: string, ifBefore: string): Promise<void> {
    await this.db.write(
      'markTokenUsed',
      {
        name: 'verso_mark_token_used',
        text: 'UPDATE tokens SET last_used_at = $1 WHERE hash = $2 AND (last_used_at IS NULL OR last_used_at < $3)',
        values: [time, hash, ifBefore],
      },
      { idempotent: true },
    );
  }

  async appendAudit(e: NewAuditEntry): Promise<number> {
    const { rows } = await this.db.write<{ seq: string }>('appendAudit', {
      name: 'verso_append_audit',
      text: `INSERT INTO audit_log (time, identity, token_name, action, target, detail, address)
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING seq`,
      values: [e.time, e.identity, e.tokenName, e.action, e.target, e.detail, e.address],
    });
    return Number(rows[0]!.seq);
  }

  async readAudit(query: AuditQuery = {}): Promise<AuditEntry[]> {
    const rows = await this.db.read<AuditRow>('readAudit', {
      text: `SELECT * FROM audit_log
             WHERE ($1::text IS NULL OR time >= $1) AND ($2::text IS NULL OR identity = $2)
             ORDER BY seq DESC LIMIT $3`,
      values: [query.since ?? null, query.identity ?? null, query.limit ?? null],
    });
    return rows.map(toAudit);
  }

  async putBranchProtection(p: BranchProtectionRecord): Promise<void> {
    await this.db.write(
      'putBranchProtection',
      {
        text: `INSERT INTO branch_protection (branch, require, checks, created_at, created_by)
               VALUES ($1, $2, $3, $4, $5)
               ON CONFLICT (branch) DO UPDATE SET require = excluded.require, checks = excluded.checks,
                 created_at = excluded.created_at, created_by = excluded.created_by`,
        values: [p.branch, p.require, JSON.stringify(p.checks), p.createdAt, p.createdBy],
      },
      { idempotent: true },
    );
  }

  async getBranchProtection(branch: string): Promise<BranchProtectionRecord | undefined> {
    const [row] = await this.db.read<ProtectionRow>('getBranchProtection', {
      name: 'verso_get_branch_protection',
      text: 'SELECT * FROM branch_protection WHERE branch = $1',
      values: [branch],
    });
    return row && toProtection(row);
  }

  async deleteBranchProtection(branch: string): Promise<boolean> {
    const { rowCount } = await this.db.write('deleteBranchProtection', {
      text: 'DELETE FROM branch_protection WHERE branch = $1',
      values: [branch],
    });
    return rowCount === 1;
  }

  async listBranchProtections(): Promise<BranchProtectionRecord[]> {
    const rows = await this.db.read<ProtectionRow>('listBranchProtections', {
      text: 'SELECT * FROM branch_protection ORDER BY branch',
    });
    return rows.map(toProtection);
  }
}

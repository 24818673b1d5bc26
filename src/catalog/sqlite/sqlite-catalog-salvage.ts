/**
 * What can still be read from a damaged catalog file (layer: catalog).
 *
 * `verso recover` rebuilds a catalog from the chunk store, which holds every commit but none of
 * what only the catalog knows: ref names and kinds (tags), the schema registry, the config (the
 * shared blob folder), and the access tables (tokens, branch protection, the audit log: a
 * recovered repository must not come back with its protected branches open). A truncated or partly corrupt SQLite file often still answers for some of
 * its tables, so each is read on its own, read-only, and a table that fails is reported, not
 * fatal. It reads a copy: SQLite creates -wal/-shm files beside a file it opens, and nothing may
 * be added to the damaged catalog, which recover keeps as it was.
 */
import Database from 'better-sqlite3';
import { copyFileSync, existsSync, rmSync, statSync } from 'node:fs';
import type { ChunkHash } from '../../core/hash.js';
import type {
  AuditEntry,
  BranchProtectionRecord,
  RefRecord,
  SchemaVersionRecord,
  TokenRecord,
} from '../catalog.js';
import {
  toAudit,
  toProtection,
  toToken,
  type AuditRow,
  type ProtectionRow,
  type TokenRow,
} from '../access-rows.js';
import { toRef, toSchemaVersion, type RefRow, type SchemaVersionRow } from '../catalog-rows.js';

export interface SalvagedCatalog {
  readonly refs: readonly RefRecord[];
  /** In creation order, parents before children. */
  readonly schemaVersions: readonly SchemaVersionRecord[];
  readonly config: ReadonlyMap<string, string>;
  /** Tokens (oldest first), branch protection rules, audit entries (oldest first). */
  readonly tokens: readonly TokenRecord[];
  readonly protections: readonly BranchProtectionRecord[];
  readonly audit: readonly AuditEntry[];
  /** Tables that could not be read, with SQLite's reason. */
  readonly unreadable: readonly { readonly table: string; readonly why: string }[];
}

const NOTHING: SalvagedCatalog = {
  refs: [],
  schemaVersions: [],
  config: new Map(),
  tokens: [],
  protections: [],
  audit: [],
  unreadable: [],
};

/** Reads what it can of the catalog in `file`, from a copy (SQLite adds -wal/-shm files). */
export function salvageCatalog(file: string): SalvagedCatalog {
  if (!existsSync(file) || statSync(file).size === 0) return NOTHING;
  const copy = `${file}.salvage-${process.pid}`;
  try {
    copyFileSync(file, copy);
    if (existsSync(`${file}-wal`)) copyFileSync(`${file}-wal`, `${copy}-wal`);
    return readTables(copy);
  } catch (e) {
    return { ...NOTHING, unreadable: [{ table: '*', why: (e as Error).message }] };
  } finally {
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${copy}${suffix}`, { force: true });
  }
}

function readTables(file: string): SalvagedCatalog {
  let db: Database.Database;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
  } catch (e) {
    return { ...NOTHING, unreadable: [{ table: '*', why: (e as Error).message }] };
  }
  const unreadable: { table: string; why: string }[] = [];
  const read = <T>(table: string, sql: string): T[] => {
    try {
      return db.prepare<[], T>(sql).all();
    } catch (e) {
      unreadable.push({ table, why: (e as Error).message });
      return [];
    }
  };
  try {
    const refs = read<RefRow>('refs', 'SELECT * FROM refs ORDER BY name')
      .filter((r) => /^[0-9a-f]{64}$/.test(r.target) && (r.kind === 'branch' || r.kind === 'tag'))
      .map(toRef);
    const schemaVersions = read<SchemaVersionRow>(
      'schema_versions',
      'SELECT * FROM schema_versions ORDER BY seq',
    ).map(toSchemaVersion);
    const config = new Map(
      read<{ key: string; value: string }>('config', 'SELECT key, value FROM config').map((r) => [
        r.key,
        r.value,
      ]),
    );
    // The access tables are newer than some catalogs: absent is not unreadable.
    const has = (table: string) =>
      read<{ n: number }>(
        'sqlite_master',
        `SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name = '${table}'`,
      )[0]?.n === 1;
    const tokens = has('tokens')
      ? read<TokenRow>('tokens', 'SELECT * FROM tokens ORDER BY seq').map(toToken)
      : [];
    const protections = has('branch_protection')
      ? read<ProtectionRow>('branch_protection', 'SELECT * FROM branch_protection').map(
          toProtection,
        )
      : [];
    const audit = has('audit_log')
      ? read<AuditRow>('audit_log', 'SELECT * FROM audit_log ORDER BY seq').map(toAudit)
      : [];
    return {
      refs: refs.map((r) => ({ ...r, target: r.target as ChunkHash })),
      schemaVersions,
      config,
      tokens,
      protections,
      audit,
      unreadable,
    };
  } finally {
    db.close();
  }
}

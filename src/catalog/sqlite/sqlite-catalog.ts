/**
 * SqliteCatalog: the embedded default Catalog, one SQLite file (layer: catalog).
 *
 * Settings and why: WAL so readers never block the writer; `synchronous = FULL` so a resolved
 * ref update survives power loss (a moved branch is the one write users cannot redo);
 * `busy_timeout = 5000` ms so a process waits for another's short transaction instead of failing.
 *
 * Invariants:
 * - Every read-check-write (`updateRef`, `acquireLease`) runs in a `BEGIN IMMEDIATE`
 *   transaction, which takes SQLite's write lock before reading: two processes racing are
 *   serialised, so a compare-and-swap can neither lose an update nor grant conflicting leases.
 * - Branches and tags share the `refs` table, hence one namespace.
 * - The table layout and its migrations: `sqlite-catalog-schema.ts`; rows and their mapping to
 *   records: `sqlite-catalog-rows.ts`.
 * - Opening reads before it writes: a catalog at the current version is opened without any
 *   write (so `show`, `branch list` and `verify` work on a full disk); a damaged file is refused
 *   (`sqlite-catalog-file.ts`), and SQLite's errors become Verso errors (`sqlite-errors.ts`).
 * Methods are async although better-sqlite3 is synchronous, so a networked backend fits the
 * same interface.
 */
import Database from 'better-sqlite3';
import { SchemaVersionNotFoundError } from '../../core/errors.js';
import {
  MergeInProgressError,
  PendingMergeRaceError,
  RefExistsError,
  RefUpdateRaceError,
  RepositoryBusyError,
  SchemaVersionExistsError,
} from '../catalog-errors.js';
import type { ChunkHash } from '../../core/hash.js';
import type {
  Catalog,
  CommitIndexEntry,
  LeaseHolder,
  LeaseKind,
  LeaseRecord,
  PendingMergeRecord,
  RefKind,
  RefLogEntry,
  RefLogNote,
  RefRecord,
  SchemaVersionRecord,
} from '../catalog.js';
import type { LineageCatalog } from '../lineage-catalog.js';
import { SqliteLineageCatalog } from './sqlite-lineage-catalog.js';
import type { DerivedCatalog } from '../derived-catalog.js';
import { SqliteDerivedCatalog } from './sqlite-derived-catalog.js';
import type { AccessCatalog } from '../access-catalog.js';
import { SqliteAccessCatalog } from './sqlite-access-catalog.js';
import { catalogVersion, migrate } from './sqlite-catalog-schema.js';
import { CatalogDamagedError, checkCatalogFile } from './sqlite-catalog-file.js';
import { guardSqliteErrors, mapSqliteError } from './sqlite-errors.js';
import { SqliteRefLog } from './sqlite-ref-log.js';
import {
  HEX_PREFIX,
  successor,
  toLease,
  toPendingMerge,
  toRef,
  toSchemaVersion,
  type CommitRow,
  type LeaseRow,
  type PendingMergeRow,
  type RefRow,
  type SchemaVersionRow,
} from '../catalog-rows.js';

type Statements = ReturnType<typeof prepareStatements>;

function prepareStatements(db: Database.Database) {
  return {
    getRef: db.prepare<[string], RefRow>('SELECT * FROM refs WHERE name = ?'),
    listRefs: db.prepare<[], RefRow>('SELECT * FROM refs ORDER BY name'),
    listRefsOfKind: db.prepare<[RefKind], RefRow>(
      'SELECT * FROM refs WHERE kind = ? ORDER BY name',
    ),
    insertRef: db.prepare<[string, RefKind, string, string]>(
      'INSERT INTO refs (name, kind, target, updated_at) VALUES (?, ?, ?, ?)',
    ),
    moveRef: db.prepare<[string, string, string]>(
      'UPDATE refs SET target = ?, updated_at = ? WHERE name = ?',
    ),
    deleteRef: db.prepare<[string]>('DELETE FROM refs WHERE name = ?'),
    insertCommit: db.prepare<[string, string, string, number, string]>(
      'INSERT OR IGNORE INTO commits (id, snapshot, parents, generation, time) VALUES (?, ?, ?, ?, ?)',
    ),
    getCommit: db.prepare<[string], CommitRow>('SELECT * FROM commits WHERE id = ?'),
    commitsInRange: db.prepare<[string, string, number], { id: string }>(
      'SELECT id FROM commits WHERE id >= ? AND id < ? ORDER BY id LIMIT ?',
    ),
    commitsFrom: db.prepare<[string, number], { id: string }>(
      'SELECT id FROM commits WHERE id >= ? ORDER BY id LIMIT ?',
    ),
    getPendingMerge: db.prepare<[string], PendingMergeRow>(
      'SELECT * FROM pending_merges WHERE branch = ?',
    ),
    listPendingMerges: db.prepare<[], PendingMergeRow>(
      'SELECT * FROM pending_merges ORDER BY branch',
    ),
    insertPendingMerge: db.prepare<[string, number, string, string]>(
      'INSERT INTO pending_merges (branch, version, state, updated_at) VALUES (?, ?, ?, ?)',
    ),
    updatePendingMerge: db.prepare<[number, string, string, string, number]>(
      'UPDATE pending_merges SET version = ?, state = ?, updated_at = ? WHERE branch = ? AND version = ?',
    ),
    deletePendingMerge: db.prepare<[string]>('DELETE FROM pending_merges WHERE branch = ?'),
    deletePendingMergeAt: db.prepare<[string, number]>(
      'DELETE FROM pending_merges WHERE branch = ? AND version = ?',
    ),
    getSchemaVersion: db.prepare<[string], SchemaVersionRow>(
      'SELECT * FROM schema_versions WHERE name = ?',
    ),
    listSchemaVersions: db.prepare<[], SchemaVersionRow>(
      'SELECT * FROM schema_versions ORDER BY seq',
    ),
    insertSchemaVersion: db.prepare<[string, string | null, string, string, string, string]>(
      'INSERT INTO schema_versions (name, parent, delta, author, created_at, message) VALUES (?, ?, ?, ?, ?, ?)',
    ),
    getConfig: db.prepare<[string], { value: string }>('SELECT value FROM config WHERE key = ?'),
    setConfig: db.prepare<[string, string]>(
      'INSERT INTO config (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    ),
    listLeases: db.prepare<[], LeaseRow>('SELECT * FROM leases ORDER BY id'),
    insertLease: db.prepare<[LeaseKind, number, string, string]>(
      'INSERT INTO leases (kind, pid, host, acquired_at) VALUES (?, ?, ?, ?)',
    ),
    deleteLease: db.prepare<[number]>('DELETE FROM leases WHERE id = ?'),
  };
}

export class SqliteCatalog implements Catalog {
  private readonly sql: Statements;
  private readonly refLog: SqliteRefLog;
  readonly lineage: LineageCatalog;
  readonly derived: DerivedCatalog;
  readonly access: AccessCatalog;

  private constructor(private readonly db: Database.Database) {
    this.sql = prepareStatements(db);
    this.refLog = new SqliteRefLog(db);
    this.lineage = new SqliteLineageCatalog(db);
    this.derived = new SqliteDerivedCatalog(db);
    this.access = new SqliteAccessCatalog(db);
  }

  /**
   * Opens the catalog in SQLite file `file`, migrating it if it is older than this code. With
   * `create` false (an existing repository) the file must already be a Verso catalog: missing,
   * empty, truncated or unreadable is `CatalogDamagedError`, never a fresh empty catalog. SQLite
   * errors of every later call are mapped to Verso errors (`sqlite-errors.ts`).
   */
  static open(file: string, opts: { readonly create?: boolean } = {}): SqliteCatalog {
    const create = opts.create ?? true;
    if (!create) checkCatalogFile(file);
    try {
      return SqliteCatalog.connect(file, create, false);
    } catch (error) {
      if (!lacksSharedMemory(error)) throw mapSqliteError(error, file);
    }
    // No room (a full disk) or no right to create the WAL index file beside the catalog: a
    // connection in exclusive locking mode keeps the index in its own memory. It excludes other
    // processes while open, which is the price of reading at all.
    try {
      return SqliteCatalog.connect(file, create, true);
    } catch (error) {
      throw mapSqliteError(error, file);
    }
  }

  private static connect(file: string, create: boolean, exclusive: boolean): SqliteCatalog {
    const db = new Database(file, { timeout: 5000, fileMustExist: !create });
    try {
      db.pragma('busy_timeout = 5000');
      if (exclusive) db.pragma('locking_mode = EXCLUSIVE');
      if (!create && catalogVersion(db) === 0) throw unversioned(db, file);
      db.pragma('journal_mode = WAL'); // already so in an existing catalog: no write
      db.pragma('synchronous = FULL');
      migrate(db, file);
      return guardSqliteErrors(new SqliteCatalog(db), file, ['lineage', 'derived', 'access']);
    } catch (error) {
      db.close();
      throw error;
    }
  }

  async getRef(name: string): Promise<RefRecord | undefined> {
    const row = this.sql.getRef.get(name);
    return row === undefined ? undefined : toRef(row);
  }

  async listRefs(kind?: RefKind): Promise<RefRecord[]> {
    const rows = kind === undefined ? this.sql.listRefs.all() : this.sql.listRefsOfKind.all(kind);
    return rows.map(toRef);
  }

  async updateRef(
    name: string,
    kind: RefKind,
    expected: ChunkHash | null,
    next: ChunkHash | null,
    note?: RefLogNote,
  ): Promise<void> {
    this.db
      .transaction(() => {
        const time = now();
        const row = this.sql.getRef.get(name);
        if (row === undefined) {
          if (expected !== null) throw new RefUpdateRaceError(name, expected, null);
          if (next === null) return;
          this.sql.insertRef.run(name, kind, next, time);
          this.refLog.append(name, kind, null, next, note, time);
          return;
        }
        if (expected === null || row.kind === 'tag') throw new RefExistsError(name);
        if (row.kind !== kind || row.target !== expected)
          throw new RefUpdateRaceError(name, expected, row.target);
        if (next === null) this.sql.deleteRef.run(name);
        else this.sql.moveRef.run(next, time, name);
        this.refLog.append(name, kind, expected, next, note, time);
      })
      .immediate();
  }

  async readRefLog(
    query: { readonly ref?: string; readonly limit?: number } = {},
  ): Promise<RefLogEntry[]> {
    return this.refLog.read(query);
  }

  async recordCommit(entry: CommitIndexEntry): Promise<void> {
    const { id, snapshot, parents, generation, time } = entry;
    this.sql.insertCommit.run(id, snapshot, JSON.stringify(parents), generation, time);
  }

  async getCommit(id: ChunkHash): Promise<CommitIndexEntry | undefined> {
    const row = this.sql.getCommit.get(id);
    if (row === undefined) return undefined;
    return {
      id: row.id as ChunkHash,
      snapshot: row.snapshot as ChunkHash,
      parents: JSON.parse(row.parents) as ChunkHash[],
      generation: row.generation,
      time: row.time,
    };
  }

  /** A range scan on the primary key; a prefix that is not lowercase hex matches nothing. */
  async findCommitsByPrefix(prefix: string, limit: number): Promise<ChunkHash[]> {
    if (!HEX_PREFIX.test(prefix) || limit <= 0) return [];
    const rows =
      prefix === ''
        ? this.sql.commitsFrom.all('', limit)
        : this.sql.commitsInRange.all(prefix, successor(prefix), limit);
    return rows.map((row) => row.id as ChunkHash);
  }

  async getPendingMerge(branch: string): Promise<PendingMergeRecord | undefined> {
    const row = this.sql.getPendingMerge.get(branch);
    return row === undefined ? undefined : toPendingMerge(row);
  }

  async listPendingMerges(): Promise<PendingMergeRecord[]> {
    return this.sql.listPendingMerges.all().map(toPendingMerge);
  }

  async putPendingMerge(
    branch: string,
    state: string,
    expectedVersion: number | null,
  ): Promise<number> {
    return this.db
      .transaction(() => {
        if (expectedVersion === null) {
          if (this.sql.getPendingMerge.get(branch)) throw new MergeInProgressError(branch);
          this.sql.insertPendingMerge.run(branch, 1, state, now());
          return 1;
        }
        const next = expectedVersion + 1;
        const r = this.sql.updatePendingMerge.run(next, state, now(), branch, expectedVersion);
        if (r.changes !== 1) throw new PendingMergeRaceError(branch);
        return next;
      })
      .immediate();
  }

  async deletePendingMerge(branch: string, expectedVersion?: number): Promise<boolean> {
    const r =
      expectedVersion === undefined
        ? this.sql.deletePendingMerge.run(branch)
        : this.sql.deletePendingMergeAt.run(branch, expectedVersion);
    return r.changes === 1;
  }

  // ---- schema registry
  async createSchemaVersion(r: SchemaVersionRecord): Promise<void> {
    this.db
      .transaction(() => {
        if (this.sql.getSchemaVersion.get(r.name)) throw new SchemaVersionExistsError(r.name);
        if (r.parent !== null && !this.sql.getSchemaVersion.get(r.parent))
          throw new SchemaVersionNotFoundError(r.parent);
        this.sql.insertSchemaVersion.run(
          r.name,
          r.parent,
          r.delta,
          r.author,
          r.createdAt,
          r.message,
        );
      })
      .immediate();
  }

  async getSchemaVersion(name: string): Promise<SchemaVersionRecord | undefined> {
    const row = this.sql.getSchemaVersion.get(name);
    return row === undefined ? undefined : toSchemaVersion(row);
  }

  async listSchemaVersions(): Promise<SchemaVersionRecord[]> {
    return this.sql.listSchemaVersions.all().map(toSchemaVersion);
  }

  async getConfig(key: string): Promise<string | undefined> {
    return this.sql.getConfig.get(key)?.value;
  }

  async setConfig(key: string, value: string): Promise<void> {
    this.sql.setConfig.run(key, value);
  }

  async acquireLease(
    kind: LeaseKind,
    holder: LeaseHolder,
    isStale: (lease: LeaseRecord) => boolean,
  ): Promise<number> {
    return this.db
      .transaction(() => {
        const live: LeaseRecord[] = [];
        for (const lease of this.sql.listLeases.all().map(toLease)) {
          if (isStale(lease)) this.sql.deleteLease.run(lease.id);
          else live.push(lease);
        }
        const blockers = kind === 'gc' ? live : live.filter((lease) => lease.kind === 'gc');
        if (blockers.length > 0) throw busy(kind, blockers);
        return Number(
          this.sql.insertLease.run(kind, holder.pid, holder.host, now()).lastInsertRowid,
        );
      })
      .immediate();
  }

  async releaseLease(id: number): Promise<void> {
    this.sql.deleteLease.run(id);
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}

function busy(kind: LeaseKind, blockers: readonly LeaseRecord[]): RepositoryBusyError {
  const held = blockers.map(
    (lease) => `${lease.kind} (pid ${lease.pid} on ${lease.host} since ${lease.acquiredAt})`,
  );
  const action = kind === 'gc' ? 'garbage collection' : 'this write';
  return new RepositoryBusyError(
    `repository is busy, ${action} must wait: held by ${held.join(', ')}`,
    {
      requested: kind,
      holders: blockers,
    },
  );
}

function now(): string {
  return new Date().toISOString();
}

/** SQLite could not create or size the WAL index (`-shm`) file. */
function lacksSharedMemory(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_IOERR_SHM');
}

/** An existing catalog at schema version 0: emptied, or its header damaged. */
function unversioned(db: Database.Database, file: string): CatalogDamagedError {
  const tables = db
    .prepare<[], { n: number }>("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'")
    .get()!.n;
  return tables === 0
    ? new CatalogDamagedError(file, 'empty', 'an SQLite database without Verso tables')
    : new CatalogDamagedError(file, 'unreadable', `schema version 0, yet it has ${tables} tables`);
}

/**
 * PostgresCatalog: the Catalog on PostgreSQL (node-postgres), for several Verso servers sharing
 * one repository (layer: catalog).
 *
 * One repository = one PostgreSQL schema (`options.schema`, default `verso`), so several
 * repositories (and test harnesses) can share a database. `open` creates the schema and runs
 * the versioned migrations (`postgres-migrations.ts`, once even when servers start together),
 * or with `create: false` refuses a schema without Verso tables.
 *
 * Invariants (the contract suites check them; `docs/architecture.md` "PostgreSQL catalog"):
 * - Every compare-and-swap is one conditional statement (refs: `postgres-refs.ts`; pending
 *   merges: `UPDATE ... WHERE version = $expected`, `INSERT ... ON CONFLICT DO NOTHING`) or a
 *   SERIALIZABLE transaction rerun on serialization failure (leases: `postgres-leases.ts`).
 *   A ref move and its ref-log entry are one statement, hence one transaction.
 * - Times the catalog records itself (ref `updatedAt`, ref-log `time`, pending-merge
 *   `updatedAt`, lease times) come from the database clock, as ISO-8601 UTC text identical in
 *   form to the SQLite backend's (`Date.toISOString`).
 * - Leases expire unless their holder's heartbeat renews them: a dead server never blocks gc
 *   for longer than `leaseTtlMs`.
 * - Connections come from a pool (`postgres-pool.ts`): reads are retried on connection loss,
 *   writes reported as `CatalogWriteUnknownError` when their outcome is unknown; every error is
 *   a Verso error naming host:port/db, never the password (`postgres-errors.ts`).
 */
import { SchemaVersionNotFoundError, VersoError } from '../../core/errors.js';
import type { ChunkHash } from '../../core/hash.js';
import {
  MergeInProgressError,
  PendingMergeRaceError,
  SchemaVersionExistsError,
} from '../catalog-errors.js';
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
import type { AccessCatalog } from '../access-catalog.js';
import type { DerivedCatalog } from '../derived-catalog.js';
import type { LineageCatalog } from '../lineage-catalog.js';
import { PostgresAccessCatalog } from './postgres-access-catalog.js';
import { PostgresBranchTurns } from './postgres-branch-turns.js';
import { PostgresDerivedCatalog } from './postgres-derived-catalog.js';
import { describeServer, mapPostgresError } from './postgres-errors.js';
import { PostgresLeases } from './postgres-leases.js';
import { PostgresLineageCatalog } from './postgres-lineage-catalog.js';
import { migrate } from './postgres-migrations.js';
import { NOW_ISO, PgDatabase } from './postgres-pool.js';
import { PostgresRefs } from './postgres-refs.js';
import {
  HEX_PREFIX,
  successor,
  toPendingMerge,
  toSchemaVersion,
  type CommitRow,
  type PendingMergeRow,
  type SchemaVersionRow,
} from '../catalog-rows.js';

export interface PostgresCatalogOptions {
  /** postgres://USER[:PASS]@HOST:PORT/DB; the password may also come from PGPASSWORD or ~/.pgpass. */
  readonly connectionString: string;
  /** The PostgreSQL schema holding this repository's tables; default 'verso'. */
  readonly schema?: string;
  /** Default true: create the schema and run migrations; false: refuse a schema without Verso tables. */
  readonly create?: boolean;
  /** Connections in the pool; default 10. */
  readonly poolSize?: number;
  /** How long a lease lives without a heartbeat; default 30 000 ms. */
  readonly leaseTtlMs?: number;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export class PostgresCatalog implements Catalog {
  readonly lineage: LineageCatalog;
  readonly derived: DerivedCatalog;
  readonly access: AccessCatalog;
  private readonly refs: PostgresRefs;
  private readonly leases: PostgresLeases;
  private readonly turns: PostgresBranchTurns;
  private closed = false;

  private constructor(
    private readonly db: PgDatabase,
    leaseTtlMs: number,
    schema: string,
    poolSize: number,
  ) {
    this.turns = new PostgresBranchTurns(db, schema, poolSize);
    this.refs = new PostgresRefs(db);
    this.leases = new PostgresLeases(db, leaseTtlMs);
    this.lineage = new PostgresLineageCatalog(db);
    this.derived = new PostgresDerivedCatalog(db);
    this.access = new PostgresAccessCatalog(db);
  }

  /** Connects, then creates or migrates the schema (see the module comment). */
  static async open(options: PostgresCatalogOptions): Promise<PostgresCatalog> {
    const schema = options.schema ?? 'verso';
    const at = describeServer(options.connectionString, schema);
    if (!SCHEMA_NAME.test(schema))
      throw new VersoError(
        'InvalidInput',
        'CATALOG_SCHEMA_INVALID',
        `invalid PostgreSQL schema name '${schema}': use lowercase letters, digits and '_' (at most 63, not starting with a digit)`,
        { schema },
      );
    const poolSize = options.poolSize ?? 10;
    const db = new PgDatabase({ connectionString: options.connectionString, schema, poolSize }, at);
    try {
      await migrate(db, schema, options.create ?? true, at);
    } catch (error) {
      await db.end().catch(() => undefined);
      throw mapPostgresError(error, at, 'open');
    }
    return new PostgresCatalog(db, options.leaseTtlMs ?? 30_000, schema, poolSize);
  }

  // ---- refs and the ref log (postgres-refs.ts)
  getRef(name: string): Promise<RefRecord | undefined> {
    return this.refs.get(name);
  }

  listRefs(kind?: RefKind): Promise<RefRecord[]> {
    return this.refs.list(kind);
  }

  updateRef(
    name: string,
    kind: RefKind,
    expected: ChunkHash | null,
    next: ChunkHash | null,
    note?: RefLogNote,
  ): Promise<void> {
    return this.refs.update(name, kind, expected, next, note);
  }

  readRefLog(
    query: { readonly ref?: string; readonly limit?: number } = {},
  ): Promise<RefLogEntry[]> {
    return this.refs.readLog(query);
  }

  // ---- the commit index
  async recordCommit(entry: CommitIndexEntry): Promise<void> {
    const { id, snapshot, parents, generation, time } = entry;
    await this.db.write(
      'recordCommit',
      {
        name: 'verso_record_commit',
        text: `INSERT INTO commits (id, snapshot, parents, generation, time) VALUES ($1, $2, $3, $4, $5)
               ON CONFLICT (id) DO NOTHING`,
        values: [id, snapshot, JSON.stringify(parents), generation, time],
      },
      { idempotent: true },
    );
  }

  async getCommit(id: ChunkHash): Promise<CommitIndexEntry | undefined> {
    const [row] = await this.db.read<CommitRow>('getCommit', {
      name: 'verso_get_commit',
      text: 'SELECT * FROM commits WHERE id = $1',
      values: [id],
    });
    if (row === undefined) return undefined;
    return {
      id: row.id as ChunkHash,
      snapshot: row.snapshot as ChunkHash,
      parents: JSON.parse(row.parents) as ChunkHash[],
      generation: row.generation,
      time: row.time,
    };
  }

  /** A range scan on the primary key (byte order); a prefix that is not lowercase hex matches nothing. */
  async findCommitsByPrefix(prefix: string, limit: number): Promise<ChunkHash[]> {
    if (!HEX_PREFIX.test(prefix) || limit <= 0) return [];
    const rows = await this.db.read<{ id: string }>('findCommitsByPrefix', {
      name: 'verso_commits_by_prefix',
      text: 'SELECT id FROM commits WHERE id >= $1 AND id < $2 ORDER BY id LIMIT $3',
      values: [prefix, prefix === '' ? 'g' : successor(prefix), limit],
    });
    return rows.map((row) => row.id as ChunkHash);
  }

  // ---- pending merges
  async getPendingMerge(branch: string): Promise<PendingMergeRecord | undefined> {
    const [row] = await this.db.read<PendingMergeRow>('getPendingMerge', {
      text: 'SELECT * FROM pending_merges WHERE branch = $1',
      values: [branch],
    });
    return row && toPendingMerge(row);
  }

  async listPendingMerges(): Promise<PendingMergeRecord[]> {
    const rows = await this.db.read<PendingMergeRow>('listPendingMerges', {
      text: 'SELECT * FROM pending_merges ORDER BY branch',
    });
    return rows.map(toPendingMerge);
  }

  async putPendingMerge(
    branch: string,
    state: string,
    expectedVersion: number | null,
  ): Promise<number> {
    if (expectedVersion === null) {
      const { rowCount } = await this.db.write('putPendingMerge', {
        text: `INSERT INTO pending_merges (branch, version, state, updated_at) VALUES ($1, 1, $2, ${NOW_ISO})
               ON CONFLICT (branch) DO NOTHING`,
        values: [branch, state],
      });
      if (rowCount !== 1) throw new MergeInProgressError(branch);
      return 1;
    }
    const next = expectedVersion + 1;
    const { rowCount } = await this.db.write('putPendingMerge', {
      text: `UPDATE pending_merges SET version = $3, state = $2, updated_at = ${NOW_ISO}
             WHERE branch = $1 AND version = $4`,
      values: [branch, state, next, expectedVersion],
    });
    if (rowCount !== 1) throw new PendingMergeRaceError(branch);
    return next;
  }

  async deletePendingMerge(branch: string, expectedVersion?: number): Promise<boolean> {
    const { rowCount } = await this.db.write(
      'deletePendingMerge',
      expectedVersion === undefined
        ? { text: 'DELETE FROM pending_merges WHERE branch = $1', values: [branch] }
        : {
            text: 'DELETE FROM pending_merges WHERE branch = $1 AND version = $2',
            values: [branch, expectedVersion],
          },
    );
    return rowCount === 1;
  }

  // ---- schema registry
  async createSchemaVersion(r: SchemaVersionRecord): Promise<void> {
    // One statement: the unique name and the parent's foreign key decide, in that order.
    const { rowCount } = await this.db.write('createSchemaVersion', {
      text: `INSERT INTO schema_versions (name, parent, delta, author, created_at, message)
             SELECT $1, $2, $3, $4, $5, $6
             WHERE $2::text IS NULL OR EXISTS (SELECT 1 FROM schema_versions WHERE name = $2)
             ON CONFLICT (name) DO NOTHING`,
      values: [r.name, r.parent, r.delta, r.author, r.createdAt, r.message],
    });
    if (rowCount === 1) return;
    if (await this.getSchemaVersion(r.name)) throw new SchemaVersionExistsError(r.name);
    throw new SchemaVersionNotFoundError(r.parent ?? '');
  }

  async getSchemaVersion(name: string): Promise<SchemaVersionRecord | undefined> {
    const [row] = await this.db.read<SchemaVersionRow>('getSchemaVersion', {
      text: 'SELECT * FROM schema_versions WHERE name = $1',
      values: [name],
    });
    return row && toSchemaVersion(row);
  }

  async listSchemaVersions(): Promise<SchemaVersionRecord[]> {
    const rows = await this.db.read<SchemaVersionRow>('listSchemaVersions', {
      text: 'SELECT * FROM schema_versions ORDER BY seq',
    });
    return rows.map(toSchemaVersion);
  }

  // ---- config
  async getConfig(key: string): Promise<string | undefined> {
    const [row] = await this.db.read<{ value: string }>('getConfig', {
      name: 'verso_get_config',
      text: 'SELECT value FROM config WHERE key = $1',
      values: [key],
    });
    return row?.value;
  }

  async setConfig(key: string, value: string): Promise<void> {
    await this.db.write(
      'setConfig',
      {
        text: 'INSERT INTO config (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
        values: [key, value],
      },
      { idempotent: true },
    );
  }

  // ---- leases (postgres-leases.ts)
  acquireLease(
    kind: LeaseKind,
    holder: LeaseHolder,
    isStale: (lease: LeaseRecord) => boolean,
  ): Promise<number> {
    return this.leases.acquire(kind, holder, isStale);
  }

  releaseLease(id: number): Promise<void> {
    return this.leases.release(id);
  }

  /** Writers of one branch on every server take turns (`postgres-branch-turns.ts`). */
  withBranchTurn<T>(branch: string, fn: () => Promise<T>): Promise<T> {
    return this.turns.run(branch, fn);
  }

  /** Stops the lease heartbeat (held leases then expire) and closes the pool. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.leases.stop();
    await this.db.end();
  }
}

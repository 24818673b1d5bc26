/**
 * Refs and the ref log on PostgreSQL (layer: catalog), for `PostgresCatalog`.
 *
 * Every successful `updateRef` is ONE statement: a data-modifying CTE that moves the ref
 * conditionally and appends its ref-log entry from the moved row, so the move and its entry
 * commit together or not at all, in one round trip:
 * - create: `INSERT INTO refs ... ON CONFLICT (name) DO NOTHING RETURNING ...`;
 * - move:   `UPDATE refs SET target = $next WHERE name = $1 AND kind = 'branch' AND target = $expected`;
 * - delete: `DELETE FROM refs WHERE name = $1 AND kind = 'branch' AND target = $expected`;
 * each followed by `INSERT INTO ref_log SELECT ... FROM moved`. Under READ COMMITTED a
 * concurrent UPDATE/DELETE waits for the row lock and re-checks its WHERE on the row as the
 * winner left it, so of N updates from the same expected target exactly one matches (also
 * from other servers). When nothing moved (row count 0) the ref is read once to say why
 * (`RefExistsError` or `RefUpdateRaceError`). `seq` comes from an identity sequence, so it
 * only grows; times are the database clock's `now()` as ISO-8601 text.
 */
import type { ChunkHash } from '../../core/hash.js';
import { RefExistsError, RefUpdateRaceError } from '../catalog-errors.js';
import type { RefKind, RefLogEntry, RefLogNote, RefRecord } from '../refs-catalog.js';
import { NOW_ISO, type PgDatabase } from './postgres-pool.js';

interface RefRow {
  readonly name: string;
  readonly kind: RefKind;
  readonly target: string;
  readonly updated_at: string;
}

interface RefLogRow {
  readonly seq: string;
  readonly ref: string;
  readonly kind: RefKind;
  readonly old_target: string | null;
  readonly new_target: string | null;
  readonly operation: string;
  readonly author: string;
  readonly time: string;
  readonly message: string;
}

const LOG_COLUMNS = 'ref, kind, old_target, new_target, operation, author, time, message';

const CREATE = `
  WITH moved AS (
    INSERT INTO refs (name, kind, target, updated_at) VALUES ($1, $2, $3, ${NOW_ISO})
    ON CONFLICT (name) DO NOTHING RETURNING name, kind, updated_at)
  INSERT INTO ref_log (${LOG_COLUMNS})
  SELECT name, kind, NULL, $3, $4, $5, updated_at, $6 FROM moved`;

const MOVE = `
  WITH moved AS (
    UPDATE refs SET target = $3, updated_at = ${NOW_ISO}
    WHERE name = $1 AND kind = $2 AND kind = 'branch' AND target = $7
    RETURNING name, kind, updated_at)
  INSERT INTO ref_log (${LOG_COLUMNS})
  SELECT name, kind, $7, $3, $4, $5, updated_at, $6 FROM moved`;

const DELETE = `
  WITH moved AS (
    DELETE FROM refs WHERE name = $1 AND kind = $2 AND kind = 'branch' AND target = $7
    RETURNING name, kind)
  INSERT INTO ref_log (${LOG_COLUMNS})
  SELECT name, kind, $7, $3, $4, $5, ${NOW_ISO}, $6 FROM moved`;

export class PostgresRefs {
  constructor(private readonly db: PgDatabase) {}

  async get(name: string): Promise<RefRecord | undefined> {
    const [row] = await this.db.read<RefRow>('getRef', {
      name: 'verso_get_ref',
      text: 'SELECT * FROM refs WHERE name = $1',
      values: [name],
    });
    return row && toRef(row);
  }

  async list(kind?: RefKind): Promise<RefRecord[]> {
    const rows = await this.db.read<RefRow>('listRefs', {
      name: 'verso_list_refs',
      text: 'SELECT * FROM refs WHERE $1::text IS NULL OR kind = $1 ORDER BY name',
      values: [kind ?? null],
    });
    return rows.map(toRef);
  }

  async update(
    name: string,
    kind: RefKind,
    expected: ChunkHash | null,
    next: ChunkHash | null,
    note: RefLogNote | undefined,
  ): Promise<void> {
    if (expected === null && next === null) {
      if (await this.get(name)) throw new RefExistsError(name);
      return;
    }
    const operation =
      note?.operation ?? (expected === null ? 'create' : next === null ? 'delete' : 'move');
    const values: unknown[] = [
      name,
      kind,
      next,
      operation,
      note?.author ?? '',
      note?.message ?? '',
    ];
    const statement =
      expected === null
        ? { name: 'verso_ref_create', text: CREATE, values }
        : next === null
          ? { name: 'verso_ref_delete', text: DELETE, values: [...values, expected] }
          : { name: 'verso_ref_move', text: MOVE, values: [...values, expected] };
    const { rowCount } = await this.db.write(`the update of ref '${name}'`, statement);
    if (rowCount === 1) return;
    const row = await this.get(name);
    if (row === undefined) throw new RefUpdateRaceError(name, expected, null);
    if (expected === null || row.kind === 'tag') throw new RefExistsError(name);
    throw new RefUpdateRaceError(name, expected, row.target);
  }

  async readLog(query: { readonly ref?: string; readonly limit?: number }): Promise<RefLogEntry[]> {
    // Two statements, not `$1 IS NULL OR ref = $1`, so each keeps its index plan when prepared.
    const limit = query.limit ?? null;
    const rows = await this.db.read<RefLogRow>(
      'readRefLog',
      query.ref === undefined
        ? {
            name: 'verso_read_ref_log',
            text: 'SELECT * FROM ref_log ORDER BY seq DESC LIMIT $1',
            values: [limit],
          }
        : {
            name: 'verso_read_ref_log_of',
            text: 'SELECT * FROM ref_log WHERE ref = $1 ORDER BY seq DESC LIMIT $2',
            values: [query.ref, limit],
          },
    );
    return rows.map(toEntry);
  }
}

function toRef(row: RefRow): RefRecord {
  return {
    name: row.name,
    kind: row.kind,
    target: row.target as ChunkHash,
    updatedAt: row.updated_at,
  };
}

function toEntry(row: RefLogRow): RefLogEntry {
  return {
    seq: Number(row.seq),
    ref: row.ref,
    kind: row.kind,
    from: row.old_target as ChunkHash | null,
    to: row.new_target as ChunkHash | null,
    operation: row.operation,
    author: row.author,
    time: row.time,
    message: row.message,
  };
}

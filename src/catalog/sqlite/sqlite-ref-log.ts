/**
 * The SQLite catalog's ref log (layer: catalog): one row per ref move, appended by
 * `SqliteCatalog.updateRef` inside the transaction that moves the ref, so a crash can never
 * leave a move without its entry or an entry without its move.
 *
 * `seq` is an AUTOINCREMENT key, so it only grows, also after rows are deleted: "newest first"
 * is `ORDER BY seq DESC`, independent of clocks. The migration seeds one `log start` entry per
 * ref that exists when the log is created, so every ref's history starts somewhere.
 */
import type Database from 'better-sqlite3';
import type { ChunkHash } from '../../core/hash.js';
import type { RefKind, RefLogEntry, RefLogNote } from '../catalog.js';

export const REF_LOG_MIGRATION = `
  CREATE TABLE ref_log (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    ref TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('branch', 'tag')),
    old_target TEXT,
    new_target TEXT,
    operation TEXT NOT NULL,
    author TEXT NOT NULL,
    time TEXT NOT NULL,
    message TEXT NOT NULL
  );
  CREATE INDEX ref_log_by_ref ON ref_log (ref, seq);
  INSERT INTO ref_log (ref, kind, old_target, new_target, operation, author, time, message)
    SELECT name, kind, NULL, target, 'log start', '', updated_at, 'ref log started; earlier moves were not recorded'
    FROM refs ORDER BY name;`;

interface RefLogRow {
  readonly seq: number;
  readonly ref: string;
  readonly kind: RefKind;
  readonly old_target: string | null;
  readonly new_target: string | null;
  readonly operation: string;
  readonly author: string;
  readonly time: string;
  readonly message: string;
}

type Params = [string, RefKind, string | null, string | null, string, string, string, string];

export class SqliteRefLog {
  private readonly insert: Database.Statement<Params>;
  private readonly all: Database.Statement<[number], RefLogRow>;
  private readonly ofRef: Database.Statement<[string, number], RefLogRow>;

  constructor(db: Database.Database) {
    this.insert = db.prepare<Params>(
      'INSERT INTO ref_log (ref, kind, old_target, new_target, operation, author, time, message) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.all = db.prepare<[number], RefLogRow>('SELECT * FROM ref_log ORDER BY seq DESC LIMIT ?');
    this.ofRef = db.prepare<[string, number], RefLogRow>(
      'SELECT * FROM ref_log WHERE ref = ? ORDER BY seq DESC LIMIT ?',
    );
  }

  /** Appends the entry of one move; the caller runs it inside the move's transaction. */
  append(
    ref: string,
    kind: RefKind,
    from: ChunkHash | null,
    to: ChunkHash | null,
    note: RefLogNote | undefined,
    time: string,
  ): void {
    const operation =
      note?.operation ?? (from === null ? 'create' : to === null ? 'delete' : 'move');
    this.insert.run(ref, kind, from, to, operation, note?.author ?? '', time, note?.message ?? '');
  }

  read(query: { readonly ref?: string; readonly limit?: number }): RefLogEntry[] {
    const limit = query.limit ?? -1; // SQLite: a negative LIMIT means no limit
    const rows = query.ref === undefined ? this.all.all(limit) : this.ofRef.all(query.ref, limit);
    return rows.map(toEntry);
  }
}

function toEntry(row: RefLogRow): RefLogEntry {
  return {
    seq: row.seq,
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

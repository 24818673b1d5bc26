/**
 * SqliteDerivedCatalog: the derived-data section of `SqliteCatalog` (layer: catalog), on the
 * same database handle. `DERIVED_MIGRATION` is one step of SqliteCatalog's MIGRATIONS.
 */
import type Database from 'better-sqlite3';
import type { ChunkHash } from '../../core/hash.js';
import type {
  BlameRootRecord,
  DerivedCatalog,
  IndexedTreeKind,
  TreeIndexRecord,
} from '../derived-catalog.js';

export const DERIVED_MIGRATION = `
  CREATE TABLE tree_indexes (
    kind TEXT NOT NULL, source TEXT NOT NULL, format INTEGER NOT NULL, root TEXT NOT NULL,
    PRIMARY KEY (kind, source, format)
  ) WITHOUT ROWID;
  CREATE TABLE blame_roots (commit_id TEXT PRIMARY KEY, root TEXT NOT NULL) WITHOUT ROWID;
  CREATE TABLE commit_numbers (n INTEGER PRIMARY KEY AUTOINCREMENT, commit_id TEXT NOT NULL UNIQUE);`;

/** Index deltas: entries added to / removed from the base index since it was built. */
export const INDEX_DELTA_MIGRATION = `
  ALTER TABLE tree_indexes ADD COLUMN adds TEXT;
  ALTER TABLE tree_indexes ADD COLUMN removes TEXT;`;

interface TreeIndexRow {
  readonly kind: IndexedTreeKind;
  readonly source: string;
  readonly format: number;
  readonly root: string;
  readonly adds: string | null;
  readonly removes: string | null;
}

const toTreeIndex = (r: TreeIndexRow): TreeIndexRecord => ({
  kind: r.kind,
  source: r.source as ChunkHash,
  index: r.root as ChunkHash,
  adds: r.adds as ChunkHash | null,
  removes: r.removes as ChunkHash | null,
  format: r.format,
});

export class SqliteDerivedCatalog implements DerivedCatalog {
  private readonly sql;

  constructor(private readonly db: Database.Database) {
    this.sql = {
      getIndex: db.prepare<[string, string, number], TreeIndexRow>(
        'SELECT * FROM tree_indexes WHERE kind = ? AND source = ? AND format = ?',
      ),
      putIndex: db.prepare<[string, string, number, string, string | null, string | null]>(
        'INSERT OR IGNORE INTO tree_indexes (kind, source, format, root, adds, removes) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      replaceIndex: db.prepare<[string, string, number, string, string | null, string | null]>(
        'INSERT OR REPLACE INTO tree_indexes (kind, source, format, root, adds, removes) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      listIndexes: db.prepare<[], TreeIndexRow>('SELECT * FROM tree_indexes ORDER BY kind, source'),
      deleteIndex: db.prepare<[string, string, number]>(
        'DELETE FROM tree_indexes WHERE kind = ? AND source = ? AND format = ?',
      ),
      getBlame: db.prepare<[string], { root: string }>(
        'SELECT root FROM blame_roots WHERE commit_id = ?',
      ),
      putBlame: db.prepare<[string, string]>(
        'INSERT OR IGNORE INTO blame_roots (commit_id, root) VALUES (?, ?)',
      ),
      listBlame: db.prepare<[], { commit_id: string; root: string }>(
        'SELECT * FROM blame_roots ORDER BY commit_id',
      ),
      deleteBlame: db.prepare<[string]>('DELETE FROM blame_roots WHERE commit_id = ?'),
      numberOf: db.prepare<[string], { n: number }>(
        'SELECT n FROM commit_numbers WHERE commit_id = ?',
      ),
      insertNumber: db.prepare<[string]>(
        'INSERT OR IGNORE INTO commit_numbers (commit_id) VALUES (?)',
      ),
      commitOf: db.prepare<[number], { commit_id: string }>(
        'SELECT commit_id FROM commit_numbers WHERE n = ?',
      ),
    };
  }

  async getTreeIndex(
    kind: IndexedTreeKind,
    source: ChunkHash,
    format: number,
  ): Promise<TreeIndexRecord | undefined> {
    const row = this.sql.getIndex.get(kind, source, format);
    return row === undefined ? undefined : toTreeIndex(row);
  }

  async putTreeIndex(r: TreeIndexRecord): Promise<void> {
    this.sql.putIndex.run(r.kind, r.source, r.format, r.index, r.adds, r.removes);
  }

  async replaceTreeIndex(r: TreeIndexRecord): Promise<void> {
    this.sql.replaceIndex.run(r.kind, r.source, r.format, r.index, r.adds, r.removes);
  }

  async listTreeIndexes(): Promise<TreeIndexRecord[]> {
    return this.sql.listIndexes.all().map(toTreeIndex);
  }

  async deleteTreeIndexes(records: readonly TreeIndexRecord[]): Promise<void> {
    this.db.transaction(() => {
      for (const r of records) this.sql.deleteIndex.run(r.kind, r.source, r.format);
    })();
  }

  async getBlameRoot(commit: ChunkHash): Promise<ChunkHash | undefined> {
    return this.sql.getBlame.get(commit)?.root as ChunkHash | undefined;
  }

  async putBlameRoot(r: BlameRootRecord): Promise<void> {
    this.sql.putBlame.run(r.commit, r.root);
  }

  async listBlameRoots(): Promise<BlameRootRecord[]> {
    return this.sql.listBlame
      .all()
      .map((r) => ({ commit: r.commit_id as ChunkHash, root: r.root as ChunkHash }));
  }

  async deleteBlameRoots(commits: readonly ChunkHash[]): Promise<void> {
    this.db.transaction(() => {
      for (const c of commits) this.sql.deleteBlame.run(c);
    })();
  }

  async commitNumber(commit: ChunkHash): Promise<number> {
    return this.db
      .transaction(() => {
        this.sql.insertNumber.run(commit);
        return this.sql.numberOf.get(commit)!.n;
      })
      .immediate();
  }

  async commitOfNumber(n: number): Promise<ChunkHash | undefined> {
    return this.sql.commitOf.get(n)?.commit_id as ChunkHash | undefined;
  }
}

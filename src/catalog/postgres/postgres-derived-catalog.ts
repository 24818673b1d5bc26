/**
 * PostgresDerivedCatalog: the derived-data section of `PostgresCatalog` (layer: catalog), on the
 * same pool: secondary-index roots, blame roots and commit numbers.
 *
 * Puts are `INSERT ... ON CONFLICT DO NOTHING` (the first value stays), `replaceTreeIndex` is an
 * upsert, batch deletes are one statement over `unnest` arrays. `commitNumber` is
 * `INSERT ... ON CONFLICT DO NOTHING RETURNING n`, then (when another caller numbered it first)
 * a read in a new statement, which sees the winner's committed row: one number per commit,
 * also across servers. Numbers come from an identity sequence: distinct and stable, not dense.
 */
import type { ChunkHash } from '../../core/hash.js';
import type {
  BlameRootRecord,
  DerivedCatalog,
  IndexedTreeKind,
  TreeIndexRecord,
} from '../derived-catalog.js';
import type { PgDatabase } from './postgres-pool.js';

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

const INDEX_COLUMNS = 'kind, source, format, root, adds, removes';

export class PostgresDerivedCatalog implements DerivedCatalog {
  constructor(private readonly db: PgDatabase) {}

  async getTreeIndex(
    kind: IndexedTreeKind,
    source: ChunkHash,
    format: number,
  ): Promise<TreeIndexRecord | undefined> {
    const [row] = await this.db.read<TreeIndexRow>('getTreeIndex', {
      name: 'verso_get_tree_index',
      text: 'SELECT * FROM tree_indexes WHERE kind = $1 AND source = $2 AND format = $3',
      values: [kind, source, format],
    });
    return row && toTreeIndex(row);
  }

  async putTreeIndex(r: TreeIndexRecord): Promise<void> {
    await this.db.write(
      'putTreeIndex',
      {
        name: 'verso_put_tree_index',
        text: `INSERT INTO tree_indexes (${INDEX_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6)
               ON CONFLICT (kind, source, format) DO NOTHING`,
        values: [r.kind, r.source, r.format, r.index, r.adds, r.removes],
      },
      { idempotent: true },
    );
  }

  async replaceTreeIndex(r: TreeIndexRecord): Promise<void> {
    await this.db.write(
      'replaceTreeIndex',
      {
        text: `INSERT INTO tree_indexes (${INDEX_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6)
               ON CONFLICT (kind, source, format)
               DO UPDATE SET root = excluded.root, adds = excluded.adds, removes = excluded.removes`,
        values: [r.kind, r.source, r.format, r.index, r.adds, r.removes],
      },
      { idempotent: true },
    );
  }

  async listTreeIndexes(): Promise<TreeIndexRecord[]> {
    const rows = await this.db.read<TreeIndexRow>('listTreeIndexes', {
      text: 'SELECT * FROM tree_indexes ORDER BY kind, source',
    });
    return rows.map(toTreeIndex);
  }

  async deleteTreeIndexes(records: readonly TreeIndexRecord[]): Promise<void> {
    if (records.length === 0) return;
    await this.db.write(
      'deleteTreeIndexes',
      {
        text: `DELETE FROM tree_indexes t USING unnest($1::text[], $2::text[], $3::int[]) AS d (kind, source, format)
               WHERE t.kind = d.kind AND t.source = d.source AND t.format = d.format`,
        values: [
          records.map((r) => r.kind),
          records.map((r) => r.source),
          records.map((r) => r.format),
        ],
      },
      { idempotent: true },
    );
  }

  async getBlameRoot(commit: ChunkHash): Promise<ChunkHash | undefined> {
    const [row] = await this.db.read<{ root: string }>('getBlameRoot', {
      name: 'verso_get_blame_root',
      text: 'SELECT root FROM blame_roots WHERE commit_id = $1',
      values: [commit],
    });
    return row?.root as ChunkHash | undefined;
  }

  async putBlameRoot(r: BlameRootRecord): Promise<void> {
    await this.db.write(
      'putBlameRoot',
      {
        name: 'verso_put_blame_root',
        text: 'INSERT INTO blame_roots (commit_id, root) VALUES ($1, $2) ON CONFLICT (commit_id) DO NOTHING',
        values: [r.commit, r.root],
      },
      { idempotent: true },
    );
  }

  async listBlameRoots(): Promise<BlameRootRecord[]> {
    const rows = await this.db.read<{ commit_id: string; root: string }>('listBlameRoots', {
      text: 'SELECT * FROM blame_roots ORDER BY commit_id',
    });
    return rows.map((r) => ({ commit: r.commit_id as ChunkHash, root: r.root as ChunkHash }));
  }

  async deleteBlameRoots(commits: readonly ChunkHash[]): Promise<void> {
    if (commits.length === 0) return;
    await this.db.write(
      'deleteBlameRoots',
      { text: 'DELETE FROM blame_roots WHERE commit_id = ANY($1::text[])', values: [commits] },
      { idempotent: true },
    );
  }

  async commitNumber(commit: ChunkHash): Promise<number> {
    const { rows } = await this.db.write<{ n: string }>(
      'commitNumber',
      {
        name: 'verso_number_commit',
        text: 'INSERT INTO commit_numbers (commit_id) VALUES ($1) ON CONFLICT (commit_id) DO NOTHING RETURNING n',
        values: [commit],
      },
      { idempotent: true },
    );
    if (rows[0]) return Number(rows[0].n);
    const [row] = await this.db.read<{ n: string }>('commitNumber', {
      name: 'verso_number_of_commit',
      text: 'SELECT n FROM commit_numbers WHERE commit_id = $1',
      values: [commit],
    });
    return Number(row!.n);
  }

  async commitOfNumber(n: number): Promise<ChunkHash | undefined> {
    const [row] = await this.db.read<{ commit_id: string }>('commitOfNumber', {
      name: 'verso_commit_of_number',
      text: 'SELECT commit_id FROM commit_numbers WHERE n = $1',
      values: [n],
    });
    return row?.commit_id as ChunkHash | undefined;
  }
}

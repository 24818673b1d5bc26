/**
 * DerivedCatalog: where the catalog records derived data kept as Prolly trees in the chunk
 * store (layer: catalog). Nothing here is needed to read a version; all of it can be rebuilt.
 *
 * - Secondary indexes: one row per (kind, source root, format): the index of the tree whose root
 *   hash is `source` (kind `labels`, `reviews` or `splits`), as a base tree and two delta trees
 *   (entries added to and removed from the base since it was built). Keyed by the root hash, so
 *   every commit that shares a tree shares its index.
 * - Blame: one row per commit: the root of the blame tree for that commit. Blame entries name
 *   commits by a small per-repository number (`commitNumber`) to keep the trees compact.
 *
 * Contract (checked for every backend by `derived-catalog.contract.ts`): puts are idempotent
 * (a second put of the same key keeps the first value: derived data is a pure function of its
 * key, whatever its physical form); `replaceTreeIndex` overwrites (compaction); deletes remove
 * exactly the rows named; `commitNumber` returns the same number for the same commit forever
 * and distinct numbers for distinct commits; `commitOfNumber` inverts it.
 */
import type { ChunkHash } from '../core/hash.js';

export type IndexedTreeKind = 'labels' | 'reviews' | 'splits';

export interface TreeIndexRecord {
  readonly kind: IndexedTreeKind;
  readonly source: ChunkHash;
  /** The base index tree. */
  readonly index: ChunkHash;
  /** Entries the index has beyond the base (none of them in the base); null: none. */
  readonly adds: ChunkHash | null;
  /** Entries of the base the index no longer has; null: none. */
  readonly removes: ChunkHash | null;
  /** Version of the index entry layout; readers ignore rows of another version. */
  readonly format: number;
}

export interface BlameRootRecord {
  readonly commit: ChunkHash;
  readonly root: ChunkHash;
}

export interface DerivedCatalog {
  getTreeIndex(
    kind: IndexedTreeKind,
    source: ChunkHash,
    format: number,
  ): Promise<TreeIndexRecord | undefined>;
  putTreeIndex(record: TreeIndexRecord): Promise<void>;
  replaceTreeIndex(record: TreeIndexRecord): Promise<void>;
  listTreeIndexes(): Promise<TreeIndexRecord[]>;
  deleteTreeIndexes(records: readonly TreeIndexRecord[]): Promise<void>;

  getBlameRoot(commit: ChunkHash): Promise<ChunkHash | undefined>;
  putBlameRoot(record: BlameRootRecord): Promise<void>;
  listBlameRoots(): Promise<BlameRootRecord[]>;
  deleteBlameRoots(commits: readonly ChunkHash[]): Promise<void>;
  /** The repository-local number of `commit`, assigned on first request. */
  commitNumber(commit: ChunkHash): Promise<number>;
  commitOfNumber(n: number): Promise<ChunkHash | undefined>;
}

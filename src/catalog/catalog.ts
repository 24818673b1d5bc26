/**
 * Catalog: the small mutable state of a repository (layer: catalog).
 *
 * Everything else is immutable chunks; the catalog holds what moves: refs (moved only by
 * compare-and-swap), the commit index (for log, prefix lookup and merge-base generation
 * numbers), repository config, and leases that keep gc and writers apart.
 *
 * Contract (checked for every backend by `catalog.contract.ts`):
 * - `updateRef(name, kind, expected, next)` is atomic: it sets the ref to `next` (or deletes it
 *   when `next` is null) only if its current target is `expected` (null = must not exist) and,
 *   for an existing ref, its kind is `kind`. Otherwise it throws `RefUpdateRaceError` (or
 *   `RefExistsError` when `expected` is null and the name is taken). Tags are immutable: any
 *   update of an existing tag throws `RefExistsError`.
 * - Ref log: every successful `updateRef` appends exactly one `RefLogEntry` (ref, kind, from,
 *   to, operation, author, time, message) in the same atomic step as the move, so the log and
 *   the refs never disagree, even after a crash; a refused update appends nothing. Entries
 *   outlive the ref (a deleted branch keeps its history). `note` says what moved the ref and
 *   who; without it the operation is `create`, `move` or `delete` and the author is empty.
 *   `readRefLog` lists entries newest first (by `seq`, which only grows), for one ref name or
 *   all, at most `limit`.
 * - `putPendingMerge(branch, state, expectedVersion)` creates the branch's pending merge when
 *   `expectedVersion` is null (throws `MergeInProgressError` if one exists) or replaces it when
 *   its version equals `expectedVersion` (else `PendingMergeRaceError`); returns the new version.
 *   `deletePendingMerge` removes it (only at `expectedVersion` when given) and says whether it did.
 * - Schema registry: `createSchemaVersion` stores an immutable version; it throws
 *   `SchemaVersionExistsError` if the name is taken and `SchemaVersionNotFoundError` if the
 *   parent is not a stored version. `listSchemaVersions` returns them in creation order.
 * - `recordCommit` is idempotent. Commit ids are 64-hex chunk hashes.
 * - `acquireLease` grants a `writer` lease unless a live `gc` lease exists, and a `gc` lease
 *   unless any live lease exists; otherwise it throws `RepositoryBusyError`. A lease whose
 *   holder `isStale` judges dead is removed first.
 * - Lineage records: see `lineage-catalog.ts`.
 * Backends: `SqliteCatalog` (embedded default).
 */
import type { ChunkHash } from '../core/hash.js';
import type { LineageCatalog } from './lineage-catalog.js';
import type { DerivedCatalog } from './derived-catalog.js';

export type * from './lineage-catalog.js';
export type * from './derived-catalog.js';

export type RefKind = 'branch' | 'tag';

export interface RefRecord {
  readonly name: string;
  readonly kind: RefKind;
  readonly target: ChunkHash;
  readonly updatedAt: string;
}

/** What moved a ref and who, recorded with the move (`RefLogEntry`). */
export interface RefLogNote {
  /** The operation, e.g. `commit: import`, `merge: fast-forward`, `branch delete`. */
  readonly operation: string;
  /** Who moved it (the identity commits use). */
  readonly author: string;
  /** A commit's message, or why the ref moved. */
  readonly message?: string;
}

/** One move of a ref: `from` null = created, `to` null = deleted. */
export interface RefLogEntry {
  /** Position in the log; grows with every entry, across refs. */
  readonly seq: number;
  readonly ref: string;
  readonly kind: RefKind;
  readonly from: ChunkHash | null;
  readonly to: ChunkHash | null;
  readonly operation: string;
  readonly author: string;
  /** ISO-8601 UTC, when the catalog recorded the move. */
  readonly time: string;
  readonly message: string;
}

export interface CommitIndexEntry {
  readonly id: ChunkHash;
  readonly snapshot: ChunkHash;
  readonly parents: readonly ChunkHash[];
  /** 1 + max generation of the parents (root commits: 1); lets merge-base prune by depth. */
  readonly generation: number;
  readonly time: string;
}

export type LeaseKind = 'writer' | 'gc';

export interface LeaseHolder {
  readonly pid: number;
  readonly host: string;
}

export interface LeaseRecord extends LeaseHolder {
  readonly id: number;
  readonly kind: LeaseKind;
  readonly acquiredAt: string;
}

/** A merge waiting for conflict resolutions; `state` is the merge's own JSON (opaque here). */
export interface PendingMergeRecord {
  readonly branch: string;
  readonly version: number;
  readonly state: string;
  readonly updatedAt: string;
}

/** A schema version: its delta from `parent` (null: from the empty schema), canonical JSON text. */
export interface SchemaVersionRecord {
  readonly name: string;
  readonly parent: string | null;
  readonly delta: string;
  readonly author: string;
  /** ISO-8601 UTC. */
  readonly createdAt: string;
  readonly message: string;
}

export interface Catalog {
  getRef(name: string): Promise<RefRecord | undefined>;
  listRefs(kind?: RefKind): Promise<RefRecord[]>;
  updateRef(
    name: string,
    kind: RefKind,
    expected: ChunkHash | null,
    next: ChunkHash | null,
    note?: RefLogNote,
  ): Promise<void>;
  /** Ref log entries newest first: of one ref name (existing or deleted) or of all refs. */
  readRefLog(query?: { readonly ref?: string; readonly limit?: number }): Promise<RefLogEntry[]>;

  recordCommit(entry: CommitIndexEntry): Promise<void>;
  getCommit(id: ChunkHash): Promise<CommitIndexEntry | undefined>;
  /** Ids of indexed commits starting with `prefix` (at most `limit`). */
  findCommitsByPrefix(prefix: string, limit: number): Promise<ChunkHash[]>;

  // ---- pending merges: at most one per destination branch
  getPendingMerge(branch: string): Promise<PendingMergeRecord | undefined>;
  listPendingMerges(): Promise<PendingMergeRecord[]>;
  putPendingMerge(branch: string, state: string, expectedVersion: number | null): Promise<number>;
  deletePendingMerge(branch: string, expectedVersion?: number): Promise<boolean>;

  // ---- schema registry: immutable named versions, each a delta from its parent
  createSchemaVersion(record: SchemaVersionRecord): Promise<void>;
  getSchemaVersion(name: string): Promise<SchemaVersionRecord | undefined>;
  listSchemaVersions(): Promise<SchemaVersionRecord[]>;

  getConfig(key: string): Promise<string | undefined>;
  setConfig(key: string, value: string): Promise<void>;

  acquireLease(
    kind: LeaseKind,
    holder: LeaseHolder,
    isStale: (lease: LeaseRecord) => boolean,
  ): Promise<number>;
  releaseLease(id: number): Promise<void>;

  /** Training runs, models, predictions, slices (`lineage-catalog.ts` has the contract). */
  readonly lineage: LineageCatalog;

  /** Secondary-index and blame roots, commit numbers (`derived-catalog.ts` has the contract). */
  readonly derived: DerivedCatalog;

  close(): Promise<void>;
}

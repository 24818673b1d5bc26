/**
 * RefsCatalog: branches and tags, moved only by compare-and-swap, and the ref log that records
 * every move (layer: catalog).
 *
 * Contract (checked for every backend by `refs-catalog.contract.ts`):
 * - `updateRef(name, kind, expected, next)` is atomic: it sets the ref to `next` (or deletes it
 *   when `next` is null) only if its current target is `expected` (null = must not exist) and,
 *   for an existing ref, its kind is `kind`. Otherwise it throws `RefUpdateRaceError` (or
 *   `RefExistsError` when `expected` is null and the name is taken). Tags are immutable: any
 *   update of an existing tag throws `RefExistsError`. Branches and tags share one namespace.
 *   Of concurrent updates from the same `expected`, exactly one wins; the others get
 *   `RefUpdateRaceError` (also across processes sharing the storage).
 * - Ref log: every successful `updateRef` appends exactly one `RefLogEntry` (ref, kind, from,
 *   to, operation, author, time, message) in the same atomic step as the move, so the log and
 *   the refs never disagree, even after a crash; a refused update appends nothing. Entries
 *   outlive the ref (a deleted branch keeps its history). `note` says what moved the ref and
 *   who; without it the operation is `create`, `move` or `delete` and the author is empty.
 *   `readRefLog` lists entries newest first (by `seq`, which only grows), for one ref name or
 *   all, at most `limit`.
 * - `listRefs` returns refs sorted by name, optionally of one kind.
 */
import type { ChunkHash } from '../core/hash.js';

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

export interface RefsCatalog {
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
}

/**
 * CommitsCatalog: the commit index (layer: catalog), for log, prefix lookup and merge-base
 * generation numbers. The commits themselves are chunks; this is an index over them, so it can
 * be rebuilt from the chunk store (`verso recover`).
 *
 * Contract (checked for every backend by `commits-catalog.contract.ts`):
 * - `recordCommit` is idempotent (recording an indexed commit again changes nothing). Commit ids
 *   are 64-hex chunk hashes.
 * - `getCommit` returns the entry as recorded (parents in order), or undefined.
 * - `findCommitsByPrefix(prefix, limit)` returns the ids starting with `prefix`, in id order, at
 *   most `limit`.
 */
import type { ChunkHash } from '../core/hash.js';

export interface CommitIndexEntry {
  readonly id: ChunkHash;
  readonly snapshot: ChunkHash;
  readonly parents: readonly ChunkHash[];
  /** 1 + max generation of the parents (root commits: 1); lets merge-base prune by depth. */
  readonly generation: number;
  readonly time: string;
}

export interface CommitsCatalog {
  recordCommit(entry: CommitIndexEntry): Promise<void>;
  getCommit(id: ChunkHash): Promise<CommitIndexEntry | undefined>;
  /** Ids of indexed commits starting with `prefix` (at most `limit`). */
  findCommitsByPrefix(prefix: string, limit: number): Promise<ChunkHash[]>;
}

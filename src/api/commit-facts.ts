/**
 * What the commit-time maintainers of derived data are told about a new commit, and what they
 * hand back (layer: api): shared by `derived-data.ts` and each maintainer
 * (`tree-index-maintain.ts`, `blame-maintain.ts`), so none of them imports another.
 */
import type { ChunkHash } from '../core/hash.js';
import type { Snapshot } from '../vcs/snapshot.js';

export interface NewCommitFacts {
  readonly commit: ChunkHash;
  readonly parents: readonly ChunkHash[];
  readonly snapshot: Snapshot;
}

/** Writes a maintainer's catalog rows; called after the chunk store flush, before the branch moves. */
export type RecordDerived = () => Promise<void>;

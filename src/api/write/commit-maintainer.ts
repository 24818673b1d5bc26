/**
 * The contract of a commit-time maintainer of derived data (layer: api): what it is told about
 * a new commit and what it hands back. `derived-data.ts` runs the maintainers a repository was
 * composed with (`repo.maintainers`, registered by the composition root,
 * `repository/compose.ts`), so the commit pipeline imports none of them. Generic in the
 * repository type so `Repository` can carry its maintainers without an import cycle.
 */
import type { ChunkHash } from '../../core/hash.js';
import type { PathsToFetch } from '../../tree/prefetch-paths.js';
import type { Snapshot } from '../../vcs/snapshot.js';
import type { CommitChanges } from './commit-changes.js';

export interface NewCommitFacts {
  readonly commit: ChunkHash;
  readonly parents: readonly ChunkHash[];
  readonly snapshot: Snapshot;
  /** The commit's tree changes against its first parent, shared by the maintainers. */
  readonly changes?: CommitChanges;
}

/** Writes a maintainer's catalog rows; called after the chunk store flush, before the branch moves. */
export type RecordDerived = () => Promise<void>;

export interface CommitMaintainer<Repo> {
  /** What it maintains (for messages and tests). */
  readonly name: string;
  /**
   * Stages the new commit's derived data in the chunk store (before the flush) and returns the
   * writer of its catalog rows. Derived data is never needed to read a version: a maintainer
   * may record nothing (the data is then rebuilt on demand).
   */
  stage(repo: Repo, facts: NewCommitFacts): Promise<RecordDerived>;
  /**
   * Optional: the tree paths `stage` will read for a commit on `parent` that changes the label
   * keys `keys` (labels or their reviews). A writer that reads its own keys a window at a time
   * asks with each window and fetches these paths with its own, so over a remote store the
   * maintainer's reads share the writer's round trips instead of coming after them.
   */
  pathsToRead?(
    repo: Repo,
    parent: ChunkHash,
    keys: readonly Uint8Array[],
  ): Promise<readonly PathsToFetch[]>;
}

/**
 * What the commit-time maintainers of derived data are told about a new commit (including its
 * tree changes, computed once for all of them), and what they hand back (layer: api): shared by
 * `derived-data.ts` and each maintainer (`tree-index-maintain.ts`, `blame-maintain.ts`), so none
 * of them imports another.
 */
import type { ChunkHash } from '../../core/hash.js';
import { emptySnapshot, type Snapshot } from '../../vcs/snapshot.js';
import { CommitChanges } from './commit-changes.js';
import type { Repository } from '../repository/repository.js';
import { snapshotOfCommit } from '../repository/snapshot-at.js';

export interface NewCommitFacts {
  readonly commit: ChunkHash;
  readonly parents: readonly ChunkHash[];
  readonly snapshot: Snapshot;
  /** The commit's tree changes against its first parent, shared by the maintainers. */
  readonly changes?: CommitChanges;
}

/** `facts.changes`, or a new `CommitChanges` against the first parent (empty for a root commit). */
export async function commitChangesOf(
  repo: Repository,
  facts: NewCommitFacts,
): Promise<CommitChanges> {
  if (facts.changes) return facts.changes;
  const first = facts.parents[0];
  const parent = first ? await snapshotOfCommit(repo, first) : emptySnapshot(repo.nodes);
  return new CommitChanges(repo.nodes, parent, facts.snapshot);
}

/** Writes a maintainer's catalog rows; called after the chunk store flush, before the branch moves. */
export type RecordDerived = () => Promise<void>;

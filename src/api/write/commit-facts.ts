/**
 * The tree changes of a new commit, computed once for all commit-time maintainers (layer: api):
 * shared by `derived-data.ts` and each maintainer (`tree-index-maintain.ts`,
 * `blame-maintain.ts`), so none of them imports another. The facts and the maintainer contract
 * are in `commit-maintainer.ts`.
 */
import { emptySnapshot } from '../../vcs/snapshot.js';
import type { NewCommitFacts } from './commit-maintainer.js';
import { CommitChanges } from './commit-changes.js';
import type { Repository } from '../repository/repository.js';
import { snapshotOfCommit } from '../repository/snapshot-at.js';

export type { NewCommitFacts, RecordDerived } from './commit-maintainer.js';

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

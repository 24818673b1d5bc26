/**
 * The writer skeleton (layer: api): under a writer lease, read the branch head, let the writer
 * build the new snapshot from it, and commit it with the head as the expected head, so the
 * branch moves by compare-and-swap from exactly the version the writer read
 * (`commit-to-branch.ts` keeps the crash-safe order: chunks flushed, then catalog rows, then
 * the ref). Anything the writer throws leaves the branch where it was; the lease is released
 * either way.
 *
 * Writers whose commit is not "the branch head plus changes" call `commitToBranch` directly:
 * `init` (a root commit on a branch that does not exist yet) and the merge commit (its first
 * parent is the head the merge recorded when it started).
 */
import type { JsonValue } from '../../core/canonical.js';
import type { ChunkHash } from '../../core/hash.js';
import type { Snapshot } from '../../vcs/snapshot.js';
import { withLease } from '../repository/lease.js';
import type { Repository } from '../repository/repository.js';
import { branchHead, type BranchHead } from './branch-head.js';
import { commitToBranch, type CommitResult } from './commit-to-branch.js';

/** What a writer built on the branch head: the commit to make and what it reports beside it. */
export interface BranchWrite<R extends object> {
  readonly snapshot: Snapshot;
  readonly message: string;
  readonly operations: { readonly [k: string]: JsonValue };
  readonly author?: string;
  readonly extraParents?: readonly ChunkHash[];
  /** The writer's own report, returned with the commit's result. */
  readonly report: R;
}

export async function writeToBranch<R extends object>(
  repo: Repository,
  branch: string,
  build: (base: BranchHead) => Promise<BranchWrite<R>>,
): Promise<CommitResult & R> {
  return withLease(repo, 'writer', async () => {
    const base = await branchHead(repo, branch);
    const { report, ...commit } = await build(base);
    const result = await commitToBranch(repo, { ...commit, branch, expectedHead: base.head });
    return { ...result, ...report };
  });
}

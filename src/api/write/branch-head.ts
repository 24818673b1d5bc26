/**
 * The head commit and snapshot of a branch that is about to receive a commit (layer: api). A
 * branch that does not exist is refused with a hint (a close name, a deleted branch, how to
 * create it): writers never create branches implicitly.
 */
import { InvalidArgumentError } from '../../core/errors.js';
import type { ChunkHash } from '../../core/hash.js';
import { refNotFound } from '../../vcs/ref-suggestions.js';
import type { Snapshot } from '../../vcs/snapshot.js';
import type { Repository } from '../repository/repository.js';
import { snapshotOfCommit } from '../repository/snapshot-at.js';

export interface BranchHead {
  readonly branch: string;
  readonly head: ChunkHash;
  readonly snapshot: Snapshot;
}

export async function branchHead(repo: Repository, branch: string): Promise<BranchHead> {
  const ref = await repo.catalog.getRef(branch);
  if (!ref)
    throw await refNotFound(repo.catalog, branch, branch, undefined, { missingBranch: true });
  if (ref.kind !== 'branch')
    throw new InvalidArgumentError(
      'branch',
      branch,
      'is a tag; tags never move, commit to a branch',
    );
  return { branch, head: ref.target, snapshot: await snapshotOfCommit(repo, ref.target) };
}

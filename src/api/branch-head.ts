/**
 * The head commit and snapshot of a branch that is about to receive a commit (layer: api).
 */
import { InvalidArgumentError, RefNotFoundError } from '../core/errors.js';
import type { ChunkHash } from '../core/hash.js';
import { getCommit } from '../vcs/commit.js';
import { getSnapshot, type Snapshot } from '../vcs/snapshot.js';
import type { Repository } from './repository.js';

export interface BranchHead {
  readonly branch: string;
  readonly head: ChunkHash;
  readonly snapshot: Snapshot;
}

export async function branchHead(repo: Repository, branch: string): Promise<BranchHead> {
  const ref = await repo.catalog.getRef(branch);
  if (!ref) throw new RefNotFoundError(branch);
  if (ref.kind !== 'branch')
    throw new InvalidArgumentError(
      'branch',
      branch,
      'is a tag; tags never move, commit to a branch',
    );
  const commit = await getCommit(repo.chunks, ref.target);
  return { branch, head: ref.target, snapshot: await getSnapshot(repo.chunks, commit.snapshot) };
}

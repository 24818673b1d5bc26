/**
 * Branches and tags (layer: api). Creating a branch is one catalog row pointing at an existing
 * commit: O(1) whatever the dataset size. Tags never move (nor are they deleted). Every ref
 * change is recorded in the ref log with the move (`ref-log.ts`), so a deleted branch can be
 * re-created from it; its commits stay until gc collects what no ref reaches.
 *
 * Deleting the default branch (every command that defaults to it would then fail) or a branch
 * with a pending merge needs `force`; a forced deletion keeps the pending merge, so
 * `merge abort --into B` (or re-creating B at the merge's start) still works.
 */
import { InvalidArgumentError } from '../../core/errors.js';
import { BranchDeleteRefusedError, TagImmutableError } from './repository-errors.js';
import type { ChunkHash } from '../../core/hash.js';
import { parseRefName } from '../../core/ref-name.js';
import type { RefKind, RefRecord } from '../../catalog/catalog.js';
import { resolveRef } from '../../vcs/resolve-ref.js';
import { refNotFound } from '../../vcs/ref-suggestions.js';
import { DEFAULT_BRANCH } from './repository.js';
import { withLease } from './lease.js';
import { refLogNote } from './ref-log.js';
import type { Repository } from './repository.js';

export async function listRefs(repo: Repository, kind: RefKind): Promise<RefRecord[]> {
  return repo.catalog.listRefs(kind);
}

/**
 * Ref changes run under the writer lease: gc lists the refs once and then deletes what they do
 * not reach, so a ref created meanwhile could point at a collected commit.
 */
export async function createBranch(
  repo: Repository,
  name: string,
  from = DEFAULT_BRANCH,
): Promise<{ name: string; target: ChunkHash }> {
  const valid = parseRefName(name, 'branch');
  return withLease(repo, 'writer', async () => {
    const target = await resolveRef(repo.catalog, repo.chunks, from);
    await repo.catalog.updateRef(
      valid,
      'branch',
      null,
      target,
      refLogNote(repo, 'branch create', `from ${from}`),
    );
    return { name: valid, target };
  });
}

export interface DeleteBranchOptions {
  /** Delete the default branch or a branch with a pending merge too. */
  readonly force?: boolean;
}

export interface DeletedBranch {
  readonly name: string;
  readonly target: ChunkHash;
  /** The branch's pending merge, kept by a forced deletion (`merge abort --into` drops it). */
  readonly pendingMergeKept: boolean;
}

export async function deleteBranch(
  repo: Repository,
  name: string,
  opts: DeleteBranchOptions = {},
): Promise<DeletedBranch> {
  return withLease(repo, 'writer', async () => {
    const ref = await repo.catalog.getRef(name);
    if (!ref) throw await refNotFound(repo.catalog, name);
    if (ref.kind === 'tag') throw new TagImmutableError(name, ref.target);
    const pending = await repo.catalog.getPendingMerge(name);
    if (!opts.force) {
      if (name === DEFAULT_BRANCH) throw new BranchDeleteRefusedError(name, 'default-branch');
      if (pending) throw new BranchDeleteRefusedError(name, 'pending-merge');
    }
    await repo.catalog.updateRef(
      name,
      'branch',
      ref.target,
      null,
      refLogNote(repo, 'branch delete'),
    );
    return { name, target: ref.target, pendingMergeKept: pending !== undefined };
  });
}

export async function createTag(
  repo: Repository,
  name: string,
  refSpec: string,
): Promise<{ name: string; target: ChunkHash }> {
  const valid = parseRefName(name, 'tag');
  if (!refSpec) throw new InvalidArgumentError('ref', refSpec, 'a tag needs a commit to point at');
  return withLease(repo, 'writer', async () => {
    const target = await resolveRef(repo.catalog, repo.chunks, refSpec);
    await repo.catalog.updateRef(
      valid,
      'tag',
      null,
      target,
      refLogNote(repo, 'tag create', `at ${refSpec}`),
    );
    return { name: valid, target };
  });
}

/** Tags never move: always refused (a name that is no tag is not found). */
export async function deleteTag(repo: Repository, name: string): Promise<never> {
  const ref = await repo.catalog.getRef(name);
  if (!ref) throw await refNotFound(repo.catalog, name, name, 'tags never move, nor are deleted');
  if (ref.kind !== 'tag')
    throw new InvalidArgumentError('tag', name, 'is a branch, not a tag', { refKind: 'branch' });
  throw new TagImmutableError(name, ref.target);
}

/**
 * Branches and tags (layer: api). Creating a branch is one catalog row pointing at an existing
 * commit: O(1) whatever the dataset size. Tags never move; deleting a branch leaves its commits
 * for gc if nothing else reaches them.
 */
import { RefNotFoundError, InvalidArgumentError } from '../core/errors.js';
import type { ChunkHash } from '../core/hash.js';
import { parseRefName } from '../core/ref-name.js';
import type { RefKind, RefRecord } from '../catalog/catalog.js';
import { resolveRef } from '../vcs/resolve-ref.js';
import { DEFAULT_BRANCH } from './init-repository.js';
import { withLease } from './lease.js';
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
    await repo.catalog.updateRef(valid, 'branch', null, target);
    return { name: valid, target };
  });
}

export async function deleteBranch(
  repo: Repository,
  name: string,
): Promise<{ name: string; target: ChunkHash }> {
  const ref = await repo.catalog.getRef(name);
  if (!ref || ref.kind !== 'branch') throw new RefNotFoundError(name);
  await repo.catalog.updateRef(name, 'branch', ref.target, null);
  return { name, target: ref.target };
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
    await repo.catalog.updateRef(valid, 'tag', null, target);
    return { name: valid, target };
  });
}

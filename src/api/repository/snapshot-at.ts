/**
 * The snapshot a reader works on (layer: api): of a commit, or of the commit a ref expression
 * (`main`, `v1~2`, an id prefix) resolves to.
 */
import type { ChunkHash } from '../../core/hash.js';
import { getCommit } from '../../vcs/commit.js';
import { resolveRef } from '../../vcs/resolve-ref.js';
import { getSnapshot, type Snapshot } from '../../vcs/snapshot.js';
import type { Repository } from './repository.js';

export async function snapshotOfCommit(repo: Repository, commit: ChunkHash): Promise<Snapshot> {
  return getSnapshot(repo.chunks, await snapshotIdOfCommit(repo, commit));
}

/**
 * The snapshot id of `commit`: from the catalog's commit index when it has the commit (no chunk
 * read: over a remote store the snapshot is then one round trip from the ref, not two), else
 * from the commit object (a commit not indexed yet, or an index being rebuilt).
 */
export async function snapshotIdOfCommit(repo: Repository, commit: ChunkHash): Promise<ChunkHash> {
  const indexed = await repo.catalog.getCommit(commit);
  return indexed?.snapshot ?? (await getCommit(repo.chunks, commit)).snapshot;
}

/** The commit `ref` names and its snapshot. */
export async function snapshotAtRef(
  repo: Repository,
  ref: string,
): Promise<{ readonly commit: ChunkHash; readonly snap: Snapshot }> {
  const commit = await resolveRef(repo.catalog, repo.chunks, ref);
  return { commit, snap: await snapshotOfCommit(repo, commit) };
}

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
  return getSnapshot(repo.chunks, (await getCommit(repo.chunks, commit)).snapshot);
}

/** The commit `ref` names and its snapshot. */
export async function snapshotAtRef(
  repo: Repository,
  ref: string,
): Promise<{ readonly commit: ChunkHash; readonly snap: Snapshot }> {
  const commit = await resolveRef(repo.catalog, repo.chunks, ref);
  return { commit, snap: await snapshotOfCommit(repo, commit) };
}

/**
 * `verso show REF`: one commit, its snapshot id, the record count of each tree and the
 * snapshot's category list (chunk id and length) (layer: api). Counts come from the trees'
 * roots: O(1) at any size.
 */
import type { ChunkHash } from '../../core/hash.js';
import { TREE_NAMES, type TreeName } from '../../dataset/tree-names.js';
import { countEntries } from '../../tree/read.js';
import { getCommit, type Commit } from '../../vcs/commit.js';
import { resolveRef } from '../../vcs/resolve-ref.js';
import { getCategoryList } from '../../vcs/category-list.js';
import { getSnapshot, treeRoot } from '../../vcs/snapshot.js';
import type { Repository } from '../repository/repository.js';

export interface ShowResult extends Commit {
  readonly id: ChunkHash;
  readonly schema: string | null;
  readonly trees: Readonly<Record<TreeName, ChunkHash>>;
  readonly counts: Readonly<Record<TreeName, number>>;
  /** The snapshot's category list: its chunk id and number of categories; null without one. */
  readonly categories: { readonly id: ChunkHash; readonly count: number } | null;
}

export async function showCommit(repo: Repository, refSpec: string): Promise<ShowResult> {
  const id = await resolveRef(repo.catalog, repo.chunks, refSpec);
  const commit = await getCommit(repo.chunks, id);
  const snap = await getSnapshot(repo.chunks, commit.snapshot);
  const counts = {} as Record<TreeName, number>;
  for (const name of TREE_NAMES)
    counts[name] = await countEntries(repo.nodes, treeRoot(snap, name));
  const categories =
    snap.categories === null
      ? null
      : {
          id: snap.categories,
          count: (await getCategoryList(repo.chunks, snap.categories)).length,
        };
  return { id, ...commit, schema: snap.schema, trees: snap.trees, counts, categories };
}

/**
 * `verso show REF`: one commit, its snapshot id, the record count of each tree and the
 * snapshot's category list (chunk id and length) (layer: api). Counts come from the trees'
 * roots: O(1) at any size.
 */
import type { ChunkHash } from '../../core/hash.js';
import type { NamedTrees, TreeName } from '../../dataset/tree-names.js';
import { countEntries } from '../../tree/read.js';
import { getCommit, type Commit } from '../../vcs/commit.js';
import { resolveRef } from '../../vcs/resolve-ref.js';
import { getCategoryList } from '../../vcs/category-list.js';
import { getSnapshot, namedTrees, treeRoot } from '../../vcs/snapshot.js';
import type { Repository } from '../repository/repository.js';

export interface ShowResult extends Commit {
  readonly id: ChunkHash;
  readonly schema: string | null;
  /** The core trees, and the optional ones (annotations, tracks, ...) that hold records. */
  readonly trees: NamedTrees<ChunkHash>;
  readonly counts: NamedTrees<number>;
  /** The snapshot's category list: its chunk id and number of categories; null without one. */
  readonly categories: { readonly id: ChunkHash; readonly count: number } | null;
}

export async function showCommit(repo: Repository, refSpec: string): Promise<ShowResult> {
  const id = await resolveRef(repo.catalog, repo.chunks, refSpec);
  const commit = await getCommit(repo.chunks, id);
  const snap = await getSnapshot(repo.chunks, commit.snapshot);
  const names = namedTrees(snap.trees);
  const trees = Object.fromEntries(names.map((name) => [name, snap.trees[name]]));
  const counts: Partial<Record<TreeName, number>> = {};
  for (const name of names) counts[name] = await countEntries(repo.nodes, treeRoot(snap, name));
  return {
    id,
    ...commit,
    schema: snap.schema,
    trees: trees as NamedTrees<ChunkHash>,
    counts: counts as NamedTrees<number>,
    categories: await categoriesOf(repo, snap.categories),
  };
}

async function categoriesOf(
  repo: Repository,
  list: ChunkHash | null,
): Promise<ShowResult['categories']> {
  return list === null
    ? null
    : { id: list, count: (await getCategoryList(repo.chunks, list)).length };
}

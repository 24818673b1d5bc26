/**
 * Everything in the chunk store that must outlive gc, beyond what refs reach (layer: api):
 * training runs and saved slices (their exact commits and example-set trees: lineage and
 * explain resolve through them long after the branch moved on), prediction sets' trees (and their
 * ranking trees), and pending merges (the
 * commits they merge and the auto-merged trees `merge commit` will publish). `gc` keeps exactly
 * what is reachable from these roots and `verify` checks the same set.
 */
import type { ChunkHash } from '../../core/hash.js';
import { TREE_NAMES } from '../../dataset/tree-names.js';
import type { ChunkKind } from '../../vcs/reachable.js';
import type { PendingMerge } from '../merge/merge-state.js';
import type { Repository } from '../repository/repository.js';

export interface LiveRoots {
  readonly commits: ChunkHash[];
  readonly others: { readonly id: ChunkHash; readonly kind: ChunkKind }[];
}

export async function liveRoots(repo: Repository): Promise<LiveRoots> {
  const commits: ChunkHash[] = (await repo.catalog.listRefs()).map((r) => r.target);
  const others: { id: ChunkHash; kind: ChunkKind }[] = [];
  for (const run of await repo.catalog.lineage.listRuns()) {
    commits.push(run.commit);
    others.push({ id: run.exampleSet, kind: 'node' });
  }
  for (const slice of await repo.catalog.lineage.listSlices()) {
    commits.push(slice.commit);
    others.push({ id: slice.id as ChunkHash, kind: 'node' });
  }
  for (const set of await repo.catalog.lineage.listPredictionSets()) {
    others.push({ id: set.root, kind: 'node' });
    for (const root of Object.values(set.rankings ?? {})) others.push({ id: root, kind: 'node' });
  }
  for (const rec of await repo.catalog.listPendingMerges()) {
    const state = JSON.parse(rec.state) as PendingMerge;
    commits.push(state.ours, state.theirs, ...state.bases);
    for (const t of TREE_NAMES) others.push({ id: state.merged.trees[t], kind: 'node' });
    if (state.merged.categories) others.push({ id: state.merged.categories, kind: 'categories' });
  }
  return { commits, others };
}

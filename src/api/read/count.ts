/**
 * `verso count REF [--where EXPR]`: how many labels a snapshot holds, or how many match a
 * filter (layer: api). Without a filter the count comes from the labels tree's root (O(1));
 * with one, the filter's plan decides (`query-plan.ts`): a single exact comparison on an indexed
 * label field is counted from the index alone (O(depth)), a selective one from its candidates,
 * anything else by a scan joining only the trees the filter reads (`query-filter.ts`).
 */
import type { ChunkHash } from '../../core/hash.js';
import { countEntries } from '../../tree/read.js';
import { treeRoot } from '../../vcs/snapshot.js';
import type { Repository } from '../repository/repository.js';
import { snapshotAtRef } from '../repository/snapshot-at.js';

export interface CountResult {
  readonly commit: ChunkHash;
  readonly where?: string;
  readonly labels: number;
}

export async function countLabels(
  repo: Repository,
  ref: string,
  where?: string,
): Promise<CountResult> {
  const { commit, snap } = await snapshotAtRef(repo, ref);
  const root = treeRoot(snap, 'labels');
  if (where === undefined) return { commit, labels: await countEntries(repo.nodes, root) };
  // The filter compiler (and the query engine) loads only when a filter is given.
  const { compileLabelFilter } = await import('../query/query-filter.js');
  const labels = await (await compileLabelFilter(repo, snap, where)).count();
  return { commit, where, labels };
}

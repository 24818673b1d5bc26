/**
 * `verso count REF [--where EXPR]`: how many labels a snapshot holds, or how many match a
 * filter (layer: api). Without a filter the count comes from the labels tree's root (O(1));
 * with one, the filter's plan decides (`query-plan.ts`): a single exact comparison on an indexed
 * label field is counted from the index alone (O(depth)), a selective one from its candidates,
 * anything else by a scan joining only the trees the filter reads (`query-filter.ts`). With
 * `schema` the filter reads the labels as that schema version (as `cat --schema --where`).
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
  schema?: string,
): Promise<CountResult> {
  const { commit, snap } = await snapshotAtRef(repo, ref);
  const root = treeRoot(snap, 'labels');
  if (where === undefined) return { commit, labels: await countEntries(repo.nodes, root) };
  // The filter compiler (and the query engine) loads only when a filter is given.
  const { compileLabelFilter } = await import('../query/query-filter.js');
  const filter = await compileLabelFilter(repo, snap, where);
  const mapContent =
    schema === undefined
      ? null
      : await (
          await import('../schema/schema-projection.js')
        ).contentBytesMapper(repo, snap.schema, schema);
  let labels = 0;
  if (mapContent === null) labels = await filter.count();
  else for await (const batch of filter.batches(mapContent)) labels += batch.length;
  return { commit, where, labels };
}

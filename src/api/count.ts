/**
 * `verso count REF [--where EXPR]`: how many labels a snapshot holds, or how many match a
 * filter (layer: api). Without a filter the count comes from the labels tree's root (O(1));
 * with one, the labels are scanned leaf by leaf and only the trees the filter reads are joined
 * (`query-filter.ts`).
 */
import type { ChunkHash } from '../core/hash.js';
import { countEntries, scanLeaves } from '../tree/read.js';
import { getCommit } from '../vcs/commit.js';
import { resolveRef } from '../vcs/resolve-ref.js';
import { getSnapshot, treeRoot } from '../vcs/snapshot.js';
import { compileLabelFilter } from './query-filter.js';
import type { Repository } from './repository.js';

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
  const commit = await resolveRef(repo.catalog, repo.chunks, ref);
  const snap = await getSnapshot(repo.chunks, (await getCommit(repo.chunks, commit)).snapshot);
  const root = treeRoot(snap, 'labels');
  if (where === undefined) return { commit, labels: await countEntries(repo.nodes, root) };
  const matcher = (await compileLabelFilter(repo, snap, where)).matcher();
  let labels = 0;
  for await (const run of scanLeaves(repo.nodes, root)) {
    for (let i = run.from; i < run.to; i++) {
      const ok = matcher.test(run.keys[i]!, run.values[i]!);
      if (ok instanceof Promise ? await ok : ok) labels++;
    }
  }
  return { commit, where, labels };
}

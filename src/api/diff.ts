/**
 * `verso diff A B`: record-level changes between two snapshots (layer: api).
 *
 * Tree by tree (labels, reviews, assets, splits), each in key order. Cost follows the number
 * of changes, not the dataset: equal subtrees are skipped by hash.
 */
import type { ChunkHash } from '../core/hash.js';
import { zeroCounts, countChange, type ChangeCounts } from '../dataset/change-counts.js';
import { decodeRecordKey, type RecordKey } from '../dataset/label-key.js';
import type { TreeName } from '../dataset/tree-names.js';
import { diffTrees, type ChangeType } from '../tree/diff.js';
import { resolveRef } from '../vcs/resolve-ref.js';
import { treeRoot, type Snapshot } from '../vcs/snapshot.js';
import type { Repository } from './repository.js';
import { snapshotOfCommit } from './snapshot-at.js';

export const DIFF_TREE_ORDER: readonly TreeName[] = ['labels', 'reviews', 'assets', 'splits'];

export interface RecordChange {
  readonly tree: TreeName;
  readonly key: RecordKey;
  readonly change: ChangeType;
  readonly from?: Uint8Array;
  readonly to?: Uint8Array;
}

export interface DiffEnds {
  readonly from: ChunkHash;
  readonly to: ChunkHash;
}

async function snapshotAt(
  repo: Repository,
  refSpec: string,
): Promise<{ commit: ChunkHash; snapshot: Snapshot }> {
  const commit = await resolveRef(repo.catalog, repo.chunks, refSpec);
  return {
    commit,
    snapshot: await snapshotOfCommit(repo, commit),
  };
}

export async function* diffRefs(
  repo: Repository,
  fromSpec: string,
  toSpec: string,
): AsyncGenerator<RecordChange> {
  const a = await snapshotAt(repo, fromSpec);
  const b = await snapshotAt(repo, toSpec);
  for (const tree of DIFF_TREE_ORDER) {
    for await (const c of diffTrees(
      repo.nodes,
      treeRoot(a.snapshot, tree),
      treeRoot(b.snapshot, tree),
    )) {
      yield {
        tree,
        key: decodeRecordKey(c.key),
        change: c.type,
        ...(c.from ? { from: c.from } : {}),
        ...(c.to ? { to: c.to } : {}),
      };
    }
  }
}

export async function diffStat(
  repo: Repository,
  fromSpec: string,
  toSpec: string,
): Promise<Record<TreeName, ChangeCounts>> {
  const stat = {
    labels: zeroCounts(),
    reviews: zeroCounts(),
    assets: zeroCounts(),
    splits: zeroCounts(),
  };
  for await (const c of diffRefs(repo, fromSpec, toSpec)) countChange(stat[c.tree], c.change);
  return stat;
}

/**
 * The label and review changes of one commit, zipped by key (layer: api): the input of a blame
 * step (`blame-step.ts`).
 *
 * `labelAndReviewChanges` walks diff(parent.labels, commit.labels) and diff(parent.reviews,
 * commit.reviews) side by side, both in key order, and yields one `KeyChanges` per key either
 * touched. Cost: O(changes x depth), never O(dataset). `collectChanges` stops the walk as soon
 * as it passes a limit, so a commit-time caller never pays for a huge diff it will not use.
 */
import { compareBytes } from '../tree/bytes.js';
import { diffTrees, type Change } from '../tree/diff.js';
import type { NodeStore } from '../tree/node-store.js';
import { countEntries, scanLeaves } from '../tree/read.js';
import { treeRoot, type Snapshot } from '../vcs/snapshot.js';

export interface KeyChanges {
  readonly key: Uint8Array;
  readonly label?: Change;
  readonly review?: Change;
}

export async function* labelAndReviewChanges(
  nodes: NodeStore,
  from: Snapshot,
  to: Snapshot,
): AsyncGenerator<KeyChanges> {
  const labels = await changesOf(nodes, treeRoot(from, 'labels'), treeRoot(to, 'labels'));
  const reviews = await changesOf(nodes, treeRoot(from, 'reviews'), treeRoot(to, 'reviews'));
  const next = async (it: AsyncGenerator<Change>): Promise<Change | undefined> => {
    const r = await it.next();
    return r.done ? undefined : r.value;
  };
  try {
    let l = await next(labels);
    let r = await next(reviews);
    while (l || r) {
      const cmp = !l ? 1 : !r ? -1 : compareBytes(l.key, r.key);
      if (cmp < 0) {
        yield { key: l!.key, label: l! };
        l = await next(labels);
      } else if (cmp > 0) {
        yield { key: r!.key, review: r! };
        r = await next(reviews);
      } else {
        yield { key: l!.key, label: l!, review: r! };
        l = await next(labels);
        r = await next(reviews);
      }
    }
  } finally {
    await labels.return(undefined);
    await reviews.return(undefined);
  }
}

/**
 * diff(from, to); from an empty tree, a scan of `to` instead (every entry is added), which
 * reads the leaves past the node cache: a 10M-label catch-up does not churn the cache.
 */
async function changesOf(
  nodes: NodeStore,
  from: Uint8Array,
  to: Uint8Array,
): Promise<AsyncGenerator<Change>> {
  if ((await countEntries(nodes, from)) > 0) return diffTrees(nodes, from, to);
  return (async function* () {
    for await (const run of scanLeaves(nodes, to)) {
      for (let i = run.from; i < run.to; i++)
        yield { key: run.keys[i]!, type: 'added' as const, to: run.values[i]! };
    }
  })();
}

/** The changes in key order, or undefined when there are more than `limit` keys. */
export async function collectChanges(
  changes: AsyncIterable<KeyChanges>,
  limit: number,
): Promise<KeyChanges[] | undefined> {
  const out: KeyChanges[] = [];
  for await (const c of changes) {
    if (out.length === limit) return undefined;
    out.push(c);
  }
  return out;
}

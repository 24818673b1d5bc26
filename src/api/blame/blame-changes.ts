/**
 * The label and review changes of one commit, zipped by key (layer: api): the input of a blame
 * step (`blame-step.ts`).
 *
 * `labelAndReviewChanges` walks diff(parent.labels, commit.labels) and diff(parent.reviews,
 * commit.reviews) side by side, both in key order, and yields one `KeyChanges` per key either
 * touched. Cost: O(changes x depth), never O(dataset). `collectChanges` stops the walk as soon
 * as it passes a limit. At commit time the two diffs come from `CommitChanges` (shared with the
 * index maintenance) and are zipped by `zipChanges`.
 */
import { compareBytes } from '../../tree/bytes.js';
import type { Change } from '../../tree/diff.js';
import type { NodeStore } from '../../tree/node-store.js';
import { treeRoot, type Snapshot } from '../../vcs/snapshot.js';
import { treeChanges } from '../write/commit-changes.js';

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
  yield* zipChanges(
    await treeChanges(nodes, treeRoot(from, 'labels'), treeRoot(to, 'labels')),
    await treeChanges(nodes, treeRoot(from, 'reviews'), treeRoot(to, 'reviews')),
  );
}

/** Two change streams in key order (labels, reviews), zipped: one `KeyChanges` per key. */
export async function* zipChanges(
  labelChanges: AsyncIterable<Change> | Iterable<Change>,
  reviewChanges: AsyncIterable<Change> | Iterable<Change>,
): AsyncGenerator<KeyChanges> {
  const labels = iterate(labelChanges);
  const reviews = iterate(reviewChanges);
  const next = async (it: AsyncIterator<Change>): Promise<Change | undefined> => {
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
    await labels.return?.(undefined);
    await reviews.return?.(undefined);
  }
}

function iterate(changes: AsyncIterable<Change> | Iterable<Change>): AsyncIterator<Change> {
  if (Symbol.asyncIterator in changes) return changes[Symbol.asyncIterator]();
  const it = changes[Symbol.iterator]();
  return { next: async () => it.next() };
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

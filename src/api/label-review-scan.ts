/**
 * Every label of a snapshot with its review, in key order (layer: api): the labels and reviews
 * trees (both keyed by (image, label)) scanned side by side; reviews without a label are skipped.
 */
import { compareBytes } from '../tree/bytes.js';
import { scan } from '../tree/read.js';
import { treeRoot, type Snapshot } from '../vcs/snapshot.js';
import type { Repository } from './repository.js';

export interface LabelEntry {
  readonly key: Uint8Array;
  readonly label: Uint8Array;
  readonly review: Uint8Array | undefined;
}

export async function* scanLabelsWithReviews(
  repo: Repository,
  snap: Snapshot,
): AsyncGenerator<LabelEntry> {
  const reviews = scan(repo.nodes, treeRoot(snap, 'reviews'))[Symbol.asyncIterator]();
  let r = await reviews.next();
  try {
    for await (const [key, label] of scan(repo.nodes, treeRoot(snap, 'labels'))) {
      while (!r.done && compareBytes(r.value[0], key) < 0) r = await reviews.next();
      const review = !r.done && compareBytes(r.value[0], key) === 0 ? r.value[1] : undefined;
      yield { key, label, review };
    }
  } finally {
    await reviews.return?.(undefined);
  }
}

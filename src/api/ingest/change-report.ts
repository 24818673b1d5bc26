/**
 * What a write changed in a branch's labels and reviews (layer: api): added / removed / modified
 * per tree, and which images lost labels (counted, the first `REMOVED_LISTED` named), from one
 * diff per tree. Importers report it; `--replace-all` prints it so a user sees what the
 * replacement removed.
 */
import { countChange, zeroCounts, type ChangeCounts } from '../../dataset/change-counts.js';
import { decodeLabelKey, imageKeyOf } from '../../dataset/label-key.js';
import { bytesEqual } from '../../tree/bytes.js';
import { diffTrees } from '../../tree/diff.js';
import { countEntries } from '../../tree/read.js';
import type { LabelRoots } from './image-replace.js';
import type { Repository } from '../repository/repository.js';
import { changeCounts } from './sorted-label-build.js';

/** Images named in a removal report (the count is always exact). */
export const REMOVED_LISTED = 20;

/** Labels and reviews a write removed (JSON field names as printed by `--json`). */
export interface RemovedReport {
  readonly labels: number;
  readonly reviews: number;
  /** Images that lost at least one label. */
  readonly images: number;
  /** The first `REMOVED_LISTED` of them, in key order. */
  readonly image_ids: readonly string[];
}

export interface LabelChanges {
  readonly labels: ChangeCounts;
  readonly reviews: ChangeCounts;
  readonly removed: RemovedReport;
}

export async function labelChanges(
  repo: Repository,
  from: LabelRoots,
  to: LabelRoots,
): Promise<LabelChanges> {
  const labels = zeroCounts();
  const reviews = await changeCounts(repo, from.reviews, to.reviews);
  if ((await countEntries(repo.nodes, from.labels)) === 0) {
    labels.added = await countEntries(repo.nodes, to.labels);
    return {
      labels,
      reviews,
      removed: { labels: 0, reviews: reviews.removed, images: 0, image_ids: [] },
    };
  }
  let images = 0;
  const imageIds: string[] = [];
  let last: Uint8Array | undefined;
  for await (const c of diffTrees(repo.nodes, from.labels, to.labels)) {
    countChange(labels, c.type);
    if (c.type !== 'removed') continue;
    const image = imageKeyOf(c.key);
    if (last && bytesEqual(last, image)) continue;
    last = image;
    images++;
    if (imageIds.length < REMOVED_LISTED) imageIds.push(decodeLabelKey(c.key).image);
  }
  return {
    labels,
    reviews,
    removed: { labels: labels.removed, reviews: reviews.removed, images, image_ids: imageIds },
  };
}

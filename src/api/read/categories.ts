/**
 * The category list (taxonomy) of a dataset version, as format importers give it (layer: api).
 *
 * The list is part of the snapshot: `Snapshot.categories` names a content-addressed chunk
 * (`vcs/category-list.ts`), put by `importRecords` when an import gives a list and carried
 * unchanged by every other write, merged like the schema, kept by gc and checked by verify.
 */
import { getCategoryList, type Category } from '../../vcs/category-list.js';
import type { Snapshot } from '../../vcs/snapshot.js';
import type { Repository } from '../repository/repository.js';

export type { Category } from '../../vcs/category-list.js';

/** The category list of `snapshot`, or null when no import in its history gave one. */
export async function categoriesOf(
  repo: Repository,
  snapshot: Snapshot,
): Promise<Category[] | null> {
  return snapshot.categories === null ? null : getCategoryList(repo.chunks, snapshot.categories);
}

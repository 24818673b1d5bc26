/**
 * Derived data under gc and verify (layer: api): once the live chunks are marked, the trees
 * derived from them (secondary indexes of live trees, blame trees of live commits) are live
 * too; the catalog rows of derived data whose source is gone are dead, and gc deletes them
 * with their trees, so no row ever names a collected chunk. Derived data never keeps its
 * source alive.
 */
import type { ChunkHash } from '../../core/hash.js';
import type { TreeIndexRecord } from '../../catalog/derived-catalog.js';
import type { Repository } from '../repository/repository.js';

export interface DerivedRoots {
  /** Roots of the derived trees whose source `seen` holds. */
  readonly live: { readonly id: ChunkHash; readonly kind: 'node' }[];
  readonly deadIndexes: readonly TreeIndexRecord[];
  readonly deadBlame: readonly ChunkHash[];
}

/** Splits the recorded derived data by whether its source is in `seen` (the marked live set). */
export async function derivedRoots(
  repo: Repository,
  seen: ReadonlySet<string>,
): Promise<DerivedRoots> {
  const live: { id: ChunkHash; kind: 'node' }[] = [];
  const deadIndexes: TreeIndexRecord[] = [];
  for (const r of await repo.catalog.derived.listTreeIndexes()) {
    if (!seen.has(r.source)) deadIndexes.push(r);
    else
      for (const id of [r.index, r.adds, r.removes])
        if (id !== null) live.push({ id, kind: 'node' });
  }
  const deadBlame: ChunkHash[] = [];
  for (const r of await repo.catalog.derived.listBlameRoots()) {
    if (seen.has(r.commit)) live.push({ id: r.root, kind: 'node' });
    else deadBlame.push(r.commit);
  }
  return { live, deadIndexes, deadBlame };
}

export async function forgetDeadDerived(repo: Repository, d: DerivedRoots): Promise<void> {
  await repo.catalog.derived.deleteTreeIndexes(d.deadIndexes);
  await repo.catalog.derived.deleteBlameRoots(d.deadBlame);
}

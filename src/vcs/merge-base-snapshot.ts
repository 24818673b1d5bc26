/**
 * The base snapshot a three-way merge compares against (layer: vcs).
 *
 * One best common ancestor: its snapshot. Several (a criss-cross history): a virtual base built
 * by merging the ancestors pairwise (recursively, against their own bases), as git's recursive
 * strategy does. Where the ancestors themselves conflict the virtual base holds no value for the
 * key, so any disagreement between ours and theirs there surfaces as a conflict instead of being
 * decided silently by an arbitrary ancestor.
 */
import type { CommitsCatalog } from '../catalog/commits-catalog.js';
import { hashToHex, hexToHash, type ChunkHash } from '../core/hash.js';
import type { ChunkStore } from '../store/chunk-store.js';
import { mutateTree } from '../tree/mutate.js';
import type { NodeStore } from '../tree/node-store.js';
import { compareBytes } from '../tree/bytes.js';
import { getCommit } from './commit.js';
import { mergeBases } from './merge-base.js';
import { mergeSnapshots } from './merge-snapshots.js';
import { getSnapshot, type Snapshot } from './snapshot.js';

export interface MergeStores {
  readonly catalog: CommitsCatalog;
  readonly chunks: ChunkStore;
  readonly nodes: NodeStore;
}

export async function baseSnapshot(
  stores: MergeStores,
  bases: readonly ChunkHash[],
  depth = 0,
): Promise<Snapshot> {
  const snapshotOf = async (id: ChunkHash) =>
    getSnapshot(stores.chunks, (await getCommit(stores.chunks, id)).snapshot);
  let virtual = await snapshotOf(bases[0]!);
  for (const next of bases.slice(1)) {
    const inner = await mergeBases(stores.catalog, bases[0]!, next);
    const innerBase =
      depth < 8 ? await baseSnapshot(stores, inner, depth + 1) : await snapshotOf(inner[0]!);
    const m = await mergeSnapshots(stores.nodes, innerBase, virtual, await snapshotOf(next));
    virtual = await withoutConflictingKeys(stores.nodes, m.merged, m.conflicts);
  }
  return virtual;
}

async function withoutConflictingKeys(
  nodes: NodeStore,
  snapshot: Snapshot,
  conflicts: Awaited<ReturnType<typeof mergeSnapshots>>['conflicts'],
): Promise<Snapshot> {
  if (conflicts.length === 0) return snapshot;
  const trees = { ...snapshot.trees };
  for (const name of Object.keys(trees) as (keyof typeof trees)[]) {
    const edits = conflicts
      .filter((c) => c.tree === name)
      .map((c) => ({ key: c.key, value: null }))
      .sort((a, b) => compareBytes(a.key, b.key));
    if (edits.length > 0)
      trees[name] = hashToHex(await mutateTree(nodes, hexToHash(trees[name]), edits));
  }
  return { ...snapshot, trees };
}

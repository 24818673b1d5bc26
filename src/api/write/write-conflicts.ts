/**
 * Whether a write built on one head may be rebased onto another (layer: api): it may when none
 * of the keys it touched (`touched-keys.ts`) has a different value in the two snapshots, and,
 * for a write that checked labels against the schema, when the schema version and the category
 * list are the same too. Anything else is a conflict: rebasing would overwrite, or reinterpret,
 * what another writer did.
 *
 * Cost: one point lookup per touched key in each snapshot's tree (O(keys × depth)), and none
 * for a tree whose root did not change; never a diff of the trees.
 */
import { bytesEqual } from '../../tree/bytes.js';
import type { NodeStore } from '../../tree/node-store.js';
import { getValue } from '../../tree/read.js';
import { decodeRecordKey } from '../../dataset/label-key.js';
import { TREE_NAMES, type TreeName } from '../../dataset/tree-names.js';
import { treeRoot, type Snapshot } from '../../vcs/snapshot.js';
import type { TouchedKeys } from './touched-keys.js';

/** One thing that changed under a write: a key of a tree, or the snapshot's schema or categories. */
export type WriteConflict =
  | {
      readonly tree: TreeName;
      readonly image: string;
      readonly label?: string;
    }
  | { readonly tree: 'schema' | 'categories' };

export async function findWriteConflicts(
  nodes: NodeStore,
  base: Snapshot,
  head: Snapshot,
  touched: TouchedKeys,
): Promise<WriteConflict[]> {
  const conflicts: WriteConflict[] = [];
  if (touched.schemaDependent) {
    if (base.schema !== head.schema) conflicts.push({ tree: 'schema' });
    if (base.categories !== head.categories) conflicts.push({ tree: 'categories' });
  }
  for (const tree of TREE_NAMES) {
    const keys = touched.trees[tree];
    if (!keys?.length || base.trees[tree] === head.trees[tree]) continue;
    const [from, to] = [treeRoot(base, tree), treeRoot(head, tree)];
    for (const key of keys) {
      const [before, after] = [await getValue(nodes, from, key), await getValue(nodes, to, key)];
      if (before === after) continue;
      if (before && after && bytesEqual(before, after)) continue;
      conflicts.push({ tree, ...decodeRecordKey(key) });
    }
  }
  return conflicts;
}

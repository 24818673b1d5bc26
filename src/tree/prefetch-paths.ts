/**
 * Prefetch of the root-to-leaf paths of many keys, a level per round trip (layer: tree).
 *
 * A batched mutation (`mutate.ts`) or a batch of point reads touches the nodes on the paths of
 * its keys. Loaded one by one from a remote store that is one round trip per node, in sequence;
 * here the keys are spread over the children of each level's nodes and the next level is
 * fetched in one `NodeStore.prefetch`, so the whole batch costs O(depth) round trips. The nodes
 * after each path's node (`FOLLOWING`, across parents) are fetched with it: a mutation that
 * re-chunks a node reads on into the next ones until its boundaries line up again. A no-op on stores that cannot prefetch.
 * `prefetchKeys` does the same for point reads (`getValue`) of keys in any order; a caller that
 * reads keys one at a time from a stream (an edit batch, a blame step) calls it per window.
 */
import { compareBytes } from './bytes.js';
import { childIndexFor } from './level-cursor.js';
import type { NodeStore } from './node-store.js';
import type { TreeNode } from './node.js';

/** Nodes after each path's node fetched with it (a re-chunk rarely runs on further). */
const FOLLOWING = 2;

/** Loads into the node cache the path of every key (sorted ascending) under `root`. */
export async function prefetchPaths(
  nodes: NodeStore,
  root: TreeNode,
  keys: readonly Uint8Array[],
): Promise<void> {
  if (!nodes.canPrefetch || keys.length === 0) return;
  // The level's nodes in key order: those on a key's path, and those after them.
  let level: { node: TreeNode; keys: readonly Uint8Array[] }[] = [{ node: root, keys }];
  while (level.length > 0 && level[0]!.node.level > 0) {
    // Every child of the level's nodes, in key order (across parents), with the keys under it.
    const children: { hash: Uint8Array; keys: Uint8Array[] }[] = [];
    for (const { node, keys: under } of level) {
      const first = children.length;
      for (const hash of node.values) children.push({ hash, keys: [] });
      for (const key of under) children[first + childIndexFor(node, key)]!.keys.push(key);
    }
    const take = new Set<number>();
    children.forEach((child, i) => {
      if (child.keys.length > 0)
        for (let j = i; j <= i + FOLLOWING && j < children.length; j++) take.add(j);
    });
    const picked = [...take].sort((a, b) => a - b).map((i) => children[i]!);
    await nodes.prefetch(picked.map((c) => c.hash));
    level = [];
    for (const child of picked) {
      const node = nodes.peek(child.hash);
      if (node) level.push({ node, keys: child.keys });
    }
  }
}

/** `prefetchPaths` under the tree `rootHash` for `keys` in any order (sorted here, on a copy). */
export async function prefetchKeys(
  nodes: NodeStore,
  rootHash: Uint8Array,
  keys: readonly Uint8Array[],
): Promise<void> {
  if (!nodes.canPrefetch || keys.length === 0) return;
  const sorted = [...keys].sort(compareBytes);
  await prefetchPaths(nodes, await nodes.load(rootHash), sorted);
}

/**
 * The items of `source` in windows of at most `size` (the last may be shorter): a stream read a
 * window at a time, so that each window's reads can be prefetched together.
 */
export async function* windowsOf<T>(
  source: AsyncIterable<T> | Iterable<T>,
  size: number,
): AsyncGenerator<T[]> {
  let window: T[] = [];
  for await (const item of source) {
    window.push(item);
    if (window.length >= size) {
      yield window;
      window = [];
    }
  }
  if (window.length > 0) yield window;
}

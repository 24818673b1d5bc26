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
 * reads keys one at a time from a stream (an edit batch, a blame step) calls it per window;
 * `prefetchKeysOfTrees` does it for several trees in the same round trips.
 */
import { compareBytes } from './bytes.js';
import { childIndexFor } from './level-cursor.js';
import type { NodeStore } from './node-store.js';
import type { TreeNode } from './node.js';

/**
 * Nodes after each path's node fetched with it (a re-chunk rarely runs on further). With 2, a
 * 500-op apply on 100k labels over S3 still met 4 re-chunks that ran past them, each a round
 * trip of its own during the mutations (depth 10); with 4, none (depth 6). The extra nodes are
 * neighbours in their pack, so they mostly widen ranged GETs that are made anyway.
 */
const FOLLOWING = 4;

/** A tree and the keys whose paths to fetch in it. */
export interface PathsToFetch {
  readonly root: Uint8Array;
  readonly keys: readonly Uint8Array[];
}

/** One tree's nodes of a level in key order: those on a key's path, and those after them. */
type LevelOfTree = { node: TreeNode; keys: readonly Uint8Array[] }[];

/** Loads into the node cache the path of every key (sorted ascending) under `root`. */
export async function prefetchPaths(
  nodes: NodeStore,
  root: TreeNode,
  keys: readonly Uint8Array[],
): Promise<void> {
  if (!nodes.canPrefetch || keys.length === 0) return;
  await prefetchLevels(nodes, [[{ node: root, keys }]]);
}

/** `prefetchPaths` under the tree `rootHash` for `keys` in any order (sorted here, on a copy). */
export async function prefetchKeys(
  nodes: NodeStore,
  rootHash: Uint8Array,
  keys: readonly Uint8Array[],
): Promise<void> {
  await prefetchKeysOfTrees(nodes, [{ root: rootHash, keys }]);
}

/**
 * `prefetchKeys` for several trees at once: one `NodeStore.prefetch` per level across all of
 * them (the roots first), so their reads share round trips and no tree's level waits behind
 * another's.
 */
export async function prefetchKeysOfTrees(
  nodes: NodeStore,
  trees: readonly PathsToFetch[],
): Promise<void> {
  const wanted = trees.filter((t) => t.keys.length > 0);
  if (!nodes.canPrefetch || wanted.length === 0) return;
  await nodes.prefetch(wanted.map((t) => t.root));
  const level: LevelOfTree[] = [];
  for (const t of wanted)
    level.push([{ node: await nodes.load(t.root), keys: [...t.keys].sort(compareBytes) }]);
  await prefetchLevels(nodes, level);
}

/** Fetches the next level of every tree's paths in one `prefetch`, down to the leaves. */
async function prefetchLevels(nodes: NodeStore, start: readonly LevelOfTree[]): Promise<void> {
  let trees = start.filter((level) => level.length > 0 && level[0]!.node.level > 0);
  while (trees.length > 0) {
    const picked = trees.map(childrenOnPaths);
    await nodes.prefetch(picked.flat().map((c) => c.hash));
    trees = picked
      .map((children) => {
        const next: LevelOfTree = [];
        for (const child of children) {
          const node = nodes.peek(child.hash);
          if (node) next.push({ node, keys: child.keys });
        }
        return next;
      })
      .filter((level) => level.length > 0 && level[0]!.node.level > 0);
  }
}

/** Every child of one tree's level on a key's path, with the `FOLLOWING` ones after each. */
function childrenOnPaths(level: LevelOfTree): { hash: Uint8Array; keys: Uint8Array[] }[] {
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
  return [...take].sort((a, b) => a - b).map((i) => children[i]!);
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

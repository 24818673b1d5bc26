/**
 * A position on one level of a tree: the path from the root down to a node at `level`
 * (layer: tree). Used by reads (level 0) and by mutation (any level). A cursor made for a
 * streaming read (`cacheLeaves` false) reads leaves without putting them in the node cache: a
 * full scan touches every leaf once, and caching them would only evict the nodes other
 * operations reuse (and cost an LRU update per leaf).
 * Over a remote store a streaming cursor fetches, when it reaches a child that is not cached,
 * that child and every later sibling in one round trip (`NodeStore.prefetch`): a scan then waits
 * once per parent node, not once per leaf.
 */
import { compareBytes } from './bytes.js';
import type { NodeStore } from './node-store.js';
import type { TreeNode } from './node.js';

/**
 * Nodes fetched together when a caching cursor (a mutation re-chunking on past the nodes
 * `prefetch-paths.ts` fetched after a path) meets one not cached: a re-chunk that has run on
 * past those usually runs on a little more, and each fetch is a round trip to a remote store.
 */
const MISS_AHEAD = 4;

interface PathStep {
  readonly node: TreeNode;
  index: number;
}

export class LevelCursor {
  /** path[0] is the root; the last step's node is the current node at `level`. */
  private path: PathStep[] = [];

  private constructor(
    private readonly nodes: NodeStore,
    readonly level: number,
    private readonly cacheLeaves: boolean,
  ) {}

  /** Cursor at the node of `level` that holds `key` (the first whose last key >= key, else the last). */
  static async seek(
    nodes: NodeStore,
    root: TreeNode,
    level: number,
    key: Uint8Array,
    cacheLeaves = true,
  ): Promise<LevelCursor> {
    const c = new LevelCursor(nodes, level, cacheLeaves);
    let node = root;
    for (;;) {
      const index = node.level === level ? 0 : childIndexFor(node, key);
      c.path.push({ node, index });
      if (node.level === level) return c;
      node = await c.child(node, index);
    }
  }

  /** Cursor at the first node of `level`. */
  static async first(
    nodes: NodeStore,
    root: TreeNode,
    level: number,
    cacheLeaves = true,
  ): Promise<LevelCursor> {
    const c = new LevelCursor(nodes, level, cacheLeaves);
    await c.descendLeftmost(root);
    return c;
  }

  get node(): TreeNode {
    return this.path[this.path.length - 1]!.node;
  }

  /** True if there is no node after the current one on this level. */
  get isLast(): boolean {
    for (let i = this.path.length - 2; i >= 0; i--) {
      const step = this.path[i]!;
      if (step.index + 1 < step.node.keys.length) return false;
    }
    return true;
  }

  /** Move to the next node on this level; false (and unchanged) at the end. */
  async next(): Promise<boolean> {
    for (let i = this.path.length - 2; i >= 0; i--) {
      const step = this.path[i]!;
      if (step.index + 1 < step.node.keys.length) {
        step.index++;
        this.path.length = i + 1;
        await this.descendLeftmost(await this.child(step.node, step.index));
        return true;
      }
    }
    return false;
  }

  private async descendLeftmost(start: TreeNode): Promise<void> {
    let node = start;
    for (;;) {
      this.path.push({ node, index: 0 });
      if (node.level === this.level) return;
      node = await this.child(node, 0);
    }
  }

  private async child(parent: TreeNode, index: number): Promise<TreeNode> {
    const hash = parent.values[index]!;
    if (this.nodes.canPrefetch && !this.nodes.peek(hash))
      await this.nodes.prefetch(
        parent.values.slice(index, this.cacheLeaves ? index + MISS_AHEAD : undefined),
      );
    return this.nodes.load(hash, this.cacheLeaves || parent.level > 1);
  }
}

/** Index of the first item whose key >= `key`, or the last index (also for a too-large key). */
export function childIndexFor(node: TreeNode, key: Uint8Array): number {
  const keys = node.keys;
  let lo = 0;
  let hi = keys.length - 1;
  if (hi < 0) return 0;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareBytes(keys[mid]!, key) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

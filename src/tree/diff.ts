/**
 * Ordered two-way diff of trees (layer: tree).
 *
 * Both trees are walked together as two frontiers of pending items (subtree refs or leaf
 * entries), smallest keys first. When both fronts are subtrees with equal hashes the whole
 * subtree is skipped; otherwise the higher (or both, when level-equal) front is expanded. Equal
 * content gives equal chunking (history independence), so after a change the frontiers
 * realign within a chunk or two and the cost is O(changes x depth), not O(tree).
 *
 * Over a remote store (`NodeStore.canPrefetch`), before a subtree that is not cached is
 * expanded, every subtree that differs between the two frontiers is looked for, level by level
 * through the nodes already cached, and the uncached ones are fetched in one round trip
 * (`prefetchDiffering`): the diff then waits on O(depth) round trips, not one per node.
 */
import { hashToHex } from '../core/hash.js';
import { bytesEqual, compareBytes } from './bytes.js';
import type { NodeStore } from './node-store.js';
import type { TreeNode } from './node.js';

export type ChangeType = 'added' | 'removed' | 'modified';

export interface Change {
  readonly key: Uint8Array;
  readonly type: ChangeType;
  readonly from?: Uint8Array;
  readonly to?: Uint8Array;
}

/** A pending item: a subtree (level >= 0) or, with level -1, a leaf entry. */
interface Pending {
  readonly level: number;
  readonly key: Uint8Array;
  /** Subtree: its hash. Entry: its value. */
  readonly bytes: Uint8Array;
}

class Frontier {
  /** Stack: the smallest-key item is last. */
  private readonly stack: Pending[] = [];

  constructor(private readonly nodes: NodeStore) {}

  pushNode(node: TreeNode): void {
    const itemLevel = node.level - 1;
    for (let i = node.keys.length - 1; i >= 0; i--) {
      this.stack.push({ level: itemLevel, key: node.keys[i]!, bytes: node.values[i]! });
    }
  }

  get front(): Pending | undefined {
    return this.stack[this.stack.length - 1];
  }

  pop(): void {
    this.stack.pop();
  }

  async expandFront(other: Frontier): Promise<void> {
    const item = this.front!;
    if (this.nodes.canPrefetch && !this.nodes.peek(item.bytes))
      await prefetchDiffering(this.nodes, this, other);
    this.stack.pop();
    this.pushNode(await this.nodes.load(item.bytes));
  }

  /** The subtrees still pending, by hex hash. */
  subtrees(): Map<string, Uint8Array> {
    const out = new Map<string, Uint8Array>();
    for (const item of this.stack) if (item.level >= 0) out.set(hashToHex(item.bytes), item.bytes);
    return out;
  }
}

/**
 * Fetches, in one `prefetch`, the uncached subtrees that differ between the two frontiers
 * (`missingBetween`).
 */
async function prefetchDiffering(nodes: NodeStore, a: Frontier, b: Frontier): Promise<void> {
  await nodes.prefetch(missingBetween(nodes, a.subtrees(), b.subtrees()));
}

/**
 * The uncached subtrees that differ between two sides (subtree hashes by hex): a subtree whose
 * hash is on both sides is equal and skipped; a differing one that is cached is followed into
 * its children, so the search goes down through what earlier round trips fetched and stops at
 * the first uncached level.
 */
function missingBetween(
  nodes: NodeStore,
  a: Map<string, Uint8Array>,
  b: Map<string, Uint8Array>,
): Uint8Array[] {
  let sideA = a;
  let sideB = b;
  const missing: Uint8Array[] = [];
  const descend = (side: Map<string, Uint8Array>, other: Map<string, Uint8Array>) => {
    const next = new Map<string, Uint8Array>();
    for (const [id, hash] of side) {
      if (other.has(id)) continue;
      const node = nodes.peek(hash);
      if (!node) missing.push(hash);
      else if (node.level > 0) for (const child of node.values) next.set(hashToHex(child), child);
    }
    return next;
  };
  while (sideA.size > 0 || sideB.size > 0) {
    const nextA = descend(sideA, sideB);
    const nextB = descend(sideB, sideA);
    sideA = nextA;
    sideB = nextB;
  }
  return missing;
}

/** Most nodes `prefetchTreeDiffs` fetches ahead (~4 KiB each); beyond, the diffs fetch lazily. */
const DIFFS_PREFETCH_LIMIT = 16_384;

/**
 * Before several tree diffs (a snapshot's trees), fetches the subtrees that differ between the
 * `from` and `to` roots of all of them together, a level per round trip, so the diffs that
 * follow wait on O(depth) round trips in all, not O(depth) per tree. Stops after
 * `DIFFS_PREFETCH_LIMIT` nodes (a large diff then prefetches as it goes). A no-op on stores
 * that cannot prefetch.
 */
export async function prefetchTreeDiffs(
  nodes: NodeStore,
  pairs: readonly (readonly [Uint8Array, Uint8Array])[],
): Promise<void> {
  if (!nodes.canPrefetch) return;
  const one = (hash: Uint8Array) => new Map([[hashToHex(hash), hash]]);
  let fetched = 0;
  while (fetched < DIFFS_PREFETCH_LIMIT) {
    // Per pair (a root of one pair may be a root of another), fetched together.
    const missing = pairs.flatMap(([from, to]) => missingBetween(nodes, one(from), one(to)));
    if (missing.length === 0) return;
    const batch = missing.slice(0, DIFFS_PREFETCH_LIMIT - fetched);
    await nodes.prefetch(batch);
    // Nodes the store does not have are left for the diff to report.
    if (batch.every((hash) => !nodes.peek(hash))) return;
    fetched += batch.length;
  }
}

export async function* diffTrees(
  nodes: NodeStore,
  fromRoot: Uint8Array,
  toRoot: Uint8Array,
): AsyncGenerator<Change> {
  if (bytesEqual(fromRoot, toRoot)) return;
  const from = new Frontier(nodes);
  const to = new Frontier(nodes);
  await nodes.prefetch([fromRoot, toRoot]);
  from.pushNode(await nodes.load(fromRoot));
  to.pushNode(await nodes.load(toRoot));
  for (;;) {
    const a = from.front;
    const b = to.front;
    if (!a && !b) return;
    if (a && a.level >= 0 && (!b || a.level >= b.level)) {
      if (b && b.level === a.level && bytesEqual(a.bytes, b.bytes)) {
        from.pop();
        to.pop();
        continue;
      }
      await from.expandFront(to);
      if (b && b.level === a.level) await to.expandFront(from);
      continue;
    }
    if (b && b.level >= 0) {
      await to.expandFront(from);
      continue;
    }
    // Both fronts are entries (or one side is exhausted).
    const cmp = !a ? 1 : !b ? -1 : compareBytes(a.key, b.key);
    if (cmp < 0) {
      yield { key: a!.key, type: 'removed', from: a!.bytes };
      from.pop();
    } else if (cmp > 0) {
      yield { key: b!.key, type: 'added', to: b!.bytes };
      to.pop();
    } else {
      if (!bytesEqual(a!.bytes, b!.bytes))
        yield { key: a!.key, type: 'modified', from: a!.bytes, to: b!.bytes };
      from.pop();
      to.pop();
    }
  }
}

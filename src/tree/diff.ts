/**
 * Ordered two-way diff of trees (layer: tree).
 *
 * Both trees are walked together as two frontiers of pending items (subtree refs or leaf
 * entries), smallest keys first. When both fronts are subtrees with equal hashes the whole
 * subtree is skipped; otherwise the higher (or both, when level-equal) front is expanded. Equal
 * content gives equal chunking (history independence), so after a change the frontiers
 * realign within a chunk or two and the cost is O(changes x depth), not O(tree).
 */
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

  async expandFront(): Promise<void> {
    const item = this.stack.pop()!;
    this.pushNode(await this.nodes.load(item.bytes));
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
      await from.expandFront();
      if (b && b.level === a.level) await to.expandFront();
      continue;
    }
    if (b && b.level >= 0) {
      await to.expandFront();
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

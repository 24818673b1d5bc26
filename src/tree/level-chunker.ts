/**
 * Cuts one level's item sequence into nodes (layer: tree).
 *
 * Items go in one by one, in key order; when the splitter says the chunk ends, the pending
 * items become a node (written through the NodeStore) and the node's ref is handed to `emit`.
 * `pendingEmpty` after an item means a boundary fell exactly there: mutation uses it to detect
 * that a rewrite has resynchronised with the old chunking.
 *
 * The splitter, the item sizes it is fed and the forced-fanout level come from the tree format
 * of the NodeStore (`tree-format.ts`): they decide every boundary, hence every hash.
 *
 * Termination: an item of the splitter's maximum chunk size or more (a key that large, since an
 * internal item is its child's last key plus a hash) ends its chunk alone, so every node of a
 * level holding such keys has one item and the levels above never shrink: a build would grow
 * levels forever. From the format's `forcedFanoutLevel` (16 in v1) up, a node therefore ends
 * only after at least two items, so each further level at least halves and a tree of n entries
 * has at most forcedFanoutLevel + log2(n) + 1 levels. The rule changes no tree of ordinary
 * keys: reaching level 16 takes a fanout so low that only keys of kilobytes give it (a fanout
 * of 4 would need 4^16 entries).
 */
import { InvalidArgumentError } from '../core/errors.js';
import type { NodeStore } from './node-store.js';
import type { NodeRef, TreeNode } from './node.js';
import type { ChunkSplitter } from './splitter.js';

/** The node encoding stores the level in one byte. */
export const MAX_LEVEL = 255;

export class LevelChunker {
  private keys: Uint8Array[] = [];
  private values: Uint8Array[] = [];
  private counts: number[] = [];
  private readonly splitter: ChunkSplitter;
  private readonly overhead: number;
  private readonly forcedFanoutLevel: number;

  constructor(
    private readonly nodes: NodeStore,
    readonly level: number,
    private readonly emit: (ref: NodeRef, node: TreeNode) => void,
  ) {
    if (level > MAX_LEVEL)
      throw new InvalidArgumentError('tree level', level, `a tree has at most ${MAX_LEVEL} levels`);
    const format = nodes.format;
    this.splitter = format.splitter(level);
    this.overhead = level === 0 ? format.leafItemOverhead : format.internalItemOverhead;
    this.forcedFanoutLevel = format.forcedFanoutLevel;
  }

  get pendingEmpty(): boolean {
    return this.keys.length === 0;
  }

  /** Append one item; `count` is 1 for leaf entries, the subtree count for child refs. */
  add(key: Uint8Array, value: Uint8Array, count: number): void {
    this.keys.push(key);
    this.values.push(value);
    if (this.level > 0) this.counts.push(count);
    const boundary = this.splitter.append(key, key.length + value.length + this.overhead);
    if (boundary && (this.level < this.forcedFanoutLevel || this.keys.length >= 2)) this.cut();
  }

  /**
   * Append items [from, to) of `node` knowing that no boundary falls among them (they are a
   * prefix of an old node being re-chunked from its start): sizes are counted, keys not hashed.
   */
  addRun(node: TreeNode, from: number, to: number): void {
    for (let i = from; i < to; i++) {
      const key = node.keys[i]!;
      const value = node.values[i]!;
      this.keys.push(key);
      this.values.push(value);
      if (this.level > 0) this.counts.push(node.counts[i]!);
      this.splitter.skip(key.length + value.length + this.overhead);
    }
  }

  /** End the sequence: the pending items, if any, become the last node. */
  finish(): void {
    if (this.keys.length > 0) this.cut();
  }

  private cut(): void {
    const node = this.nodes.write(this.level, this.keys, this.values, this.counts);
    const lastKey = this.keys[this.keys.length - 1]!;
    this.keys = [];
    this.values = [];
    this.counts = [];
    this.splitter.reset();
    this.emit({ lastKey, hash: node.hash, total: node.total }, node);
  }
}

/**
 * Builds a Prolly tree bottom-up from items in strictly increasing key order (layer: tree).
 *
 * Level k's nodes become level k+1's items, until a level has exactly one node: the root.
 * An empty sequence gives the empty leaf, the canonical empty tree. The result depends only on
 * the item sequence (see splitter.ts), never on how it was produced.
 */
import { InvalidArgumentError } from '../core/errors.js';
import { compareBytes } from './bytes.js';
import { LevelChunker } from './level-chunker.js';
import type { NodeStore } from './node-store.js';
import type { NodeRef } from './node.js';

export class TreeBuilder {
  private readonly chunkers: LevelChunker[] = [];
  private readonly emitted: number[] = [];
  private readonly lastRefs: NodeRef[] = [];
  /** Refs cut at `level`, waiting to be added to level + 1. */
  private readonly pending: Array<{ readonly level: number; readonly ref: NodeRef }> = [];
  private lastKey: Uint8Array | undefined;

  /** `baseLevel` > 0 builds the upper part of a tree from child refs of level baseLevel - 1. */
  constructor(
    private readonly nodes: NodeStore,
    private readonly baseLevel = 0,
  ) {}

  add(key: Uint8Array, value: Uint8Array, count = 1): void {
    if (this.lastKey && compareBytes(this.lastKey, key) >= 0) {
      throw new InvalidArgumentError(
        'key order',
        Buffer.from(key).toString('hex'),
        'keys must be strictly increasing',
      );
    }
    this.lastKey = key;
    this.chunker(0).add(key, value, count);
    this.drain();
  }

  addRef(ref: NodeRef): void {
    this.add(ref.lastKey, ref.hash, ref.total);
  }

  /** Close every level and return the root's hash. */
  finish(): Uint8Array {
    for (let i = 0; ; i++) {
      this.chunker(i).finish();
      this.drain();
      const emitted = this.emitted[i] ?? 0;
      if (emitted === 1) return this.lastRefs[i]!.hash;
      if (emitted === 0) return this.nodes.write(this.baseLevel + i, [], [], []).hash;
    }
  }

  private chunker(i: number): LevelChunker {
    let c = this.chunkers[i];
    if (!c) {
      c = new LevelChunker(this.nodes, this.baseLevel + i, (ref) => {
        this.emitted[i] = (this.emitted[i] ?? 0) + 1;
        this.lastRefs[i] = ref;
        this.pending.push({ level: i, ref });
      });
      this.chunkers[i] = c;
    }
    return c;
  }

  /** Hands each cut ref to the level above, which may cut in turn: a loop, not a recursion. */
  private drain(): void {
    for (let next = this.pending.shift(); next; next = this.pending.shift())
      this.chunker(next.level + 1).add(next.ref.lastKey, next.ref.hash, next.ref.total);
  }
}

export async function buildTree(
  nodes: NodeStore,
  entries:
    AsyncIterable<readonly [Uint8Array, Uint8Array]> | Iterable<readonly [Uint8Array, Uint8Array]>,
): Promise<Uint8Array> {
  const builder = new TreeBuilder(nodes);
  for await (const [k, v] of entries) builder.add(k, v);
  return builder.finish();
}

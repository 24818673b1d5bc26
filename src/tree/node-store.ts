/**
 * Reads and writes tree nodes over a ChunkStore, with a bounded cache of decoded nodes
 * (layer: tree).
 *
 * Writes stage the encoded chunk in the ChunkStore (durable after the store's flush) and keep
 * the decoded node in the cache, so a build or mutation that re-reads what it just wrote never
 * decodes twice. The cache is an LRU bounded by encoded bytes (default 128 MiB: a merge of
 * 2 x 5,000 scattered edits on 10M labels touches ~80 MiB of nodes (base, theirs and ours
 * leaves, then the rewritten ones), and with 64 MiB the mutation re-read what the diff had
 * just evicted: 4.3 s vs 3.3 s for the whole merge).
 * The store also carries the tree format new trees are chunked in (the current one unless
 * given), so builders and mutations of one repository all cut the same boundaries.
 * Over a store with `getMany` (a remote one), `prefetch` loads many nodes in one round trip:
 * diffs and scans use it to fetch a tree level at a time (`diff.ts`, `level-cursor.ts`), so a
 * diff costs O(depth) round trips instead of one per node.
 */
import { CorruptionError } from '../core/errors.js';
import { hashToHex, sha256 } from '../core/hash.js';
import type { ChunkStore } from '../store/chunk-store.js';
import { decodeNode, encodeNode, type TreeNode } from './node.js';
import { CURRENT_TREE_FORMAT, type TreeFormat } from './tree-format.js';

const DEFAULT_CACHE_BYTES = 128 * 1024 * 1024;
/** Most nodes one `prefetch` fetches (~4 KiB each: 16 MiB), so one level of a wide diff. */
const PREFETCH_LIMIT = 4096;

export class NodeStore {
  private readonly cache = new Map<string, TreeNode>();
  private cachedBytes = 0;

  /** `format`: how trees written through this store are chunked (`tree-format.ts`). */
  constructor(
    readonly chunks: ChunkStore,
    private readonly cacheBytes = DEFAULT_CACHE_BYTES,
    readonly format: TreeFormat = CURRENT_TREE_FORMAT,
  ) {}

  /** The node `hash`; with `cache` false a node not already cached is decoded and not kept. */
  async load(hash: Uint8Array, cache = true): Promise<TreeNode> {
    const id = hashToHex(hash);
    const hit = this.cache.get(id);
    if (hit) {
      if (cache) {
        this.cache.delete(id);
        this.cache.set(id, hit);
      }
      return hit;
    }
    const bytes = await this.chunks.get(hash);
    if (!bytes) throw new CorruptionError(`tree chunk ${id} is missing`, { hash: id });
    const node = decodeNode(hash, bytes);
    if (cache) this.remember(id, node);
    return node;
  }

  /** The node `hash` if it is cached (without refreshing its place in the LRU). */
  peek(hash: Uint8Array): TreeNode | undefined {
    return this.cache.get(hashToHex(hash));
  }

  /** Whether `prefetch` can fetch several nodes in one round trip (the store has `getMany`). */
  get canPrefetch(): boolean {
    return this.chunks.getMany !== undefined;
  }

  /**
   * Loads the nodes of `hashes` that are not cached into the cache, in one `getMany` call (at
   * most `PREFETCH_LIMIT` of them; the rest are left to `load`). A no-op on stores without
   * `getMany`; a missing chunk is left for `load` to report.
   */
  async prefetch(hashes: readonly Uint8Array[]): Promise<void> {
    const getMany = this.chunks.getMany?.bind(this.chunks);
    if (!getMany) return;
    const wanted = new Map<string, Uint8Array>();
    for (const hash of hashes) {
      const id = hashToHex(hash);
      if (!this.cache.has(id) && !wanted.has(id)) wanted.set(id, hash);
      if (wanted.size >= PREFETCH_LIMIT) break;
    }
    if (wanted.size === 0) return;
    const ids = [...wanted.keys()];
    const found = await getMany([...wanted.values()]);
    found.forEach((bytes, i) => {
      if (bytes) this.remember(ids[i]!, decodeNode(wanted.get(ids[i]!)!, bytes));
    });
  }

  write(
    level: number,
    keys: readonly Uint8Array[],
    values: readonly Uint8Array[],
    counts: readonly number[],
  ): TreeNode {
    const bytes = encodeNode(level, keys, values, counts);
    const hash = sha256(bytes);
    this.chunks.put(hash, bytes);
    let total = keys.length;
    if (level > 0) {
      total = 0;
      for (const c of counts) total += c;
    }
    const node: TreeNode = { hash, level, keys, values, counts, total, size: bytes.length };
    this.remember(hashToHex(hash), node);
    return node;
  }

  private remember(id: string, node: TreeNode): void {
    if (this.cache.has(id)) return;
    this.cache.set(id, node);
    this.cachedBytes += node.size;
    while (this.cachedBytes > this.cacheBytes) {
      const oldest = this.cache.keys().next();
      if (oldest.done) break;
      const evicted = this.cache.get(oldest.value)!;
      this.cache.delete(oldest.value);
      this.cachedBytes -= evicted.size;
    }
  }
}

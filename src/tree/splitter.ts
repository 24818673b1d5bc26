/**
 * Content-defined chunk boundaries from keys (layer: tree).
 *
 * `KeySplitter` follows Dolt's key splitter: after each item is appended, the chunk ends with a
 * probability that rises with the chunk's size along a Weibull CDF, decided by a hash of the
 * item's *key* (seeded per level). Keys, not values, so editing a value keeps boundaries in
 * place; only a value whose size changes can move a nearby boundary.
 *
 * Constants and why:
 * - TARGET 4 KiB: large enough that a 10M-label tree has few levels and small per-chunk
 *   overhead, small enough that a one-label edit rewrites only ~4 KiB per level.
 * - MIN 512 B: no tiny chunks (per-chunk overhead: a hash in the parent and a store key).
 * - MAX 16 KiB: a hard bound on the rewrite cost of one edit.
 * - SHAPE K = 4: a peaked size distribution around the target (K = 1 would be exponential).
 * Decisions depend only on the items of the current chunk, so a chunking is a pure function of
 * the item sequence: the basis of history independence.
 */
import { murmur3 } from './key-hash.js';

export const MIN_CHUNK_BYTES = 512;
export const MAX_CHUNK_BYTES = 16 * 1024;
export const TARGET_CHUNK_BYTES = 4 * 1024;
const WEIBULL_SHAPE = 4;
const UINT32_RANGE = 4294967296;

/** Per-level seeds so that boundaries at different levels are independent. */
const LEVEL_SEEDS = [
  0x5ad1e3c1, 0x0e6c2d43, 0x7f4a7c15, 0x3243f6a8, 0x2b7e1516, 0x6a09e667, 0x1f83d9ab, 0x5be0cd19,
  0x428a2f98, 0x71374491, 0x3956c25b, 0x59f111f1, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74,
];

/** The Weibull CDF at every size from 0 to MAX_CHUNK_BYTES, computed once. */
const WEIBULL_CDF = Float64Array.from(
  { length: MAX_CHUNK_BYTES + 1 },
  (_, size) => -Math.expm1(-Math.pow(size / TARGET_CHUNK_BYTES, WEIBULL_SHAPE)),
);

export class KeySplitter {
  private size = 0;
  private readonly seed: number;

  constructor(level: number) {
    this.seed = LEVEL_SEEDS[level % LEVEL_SEEDS.length]! ^ Math.imul(level, 0x9e3779b1);
  }

  /** Account for one appended item; true if the chunk should end after it. */
  append(key: Uint8Array, itemBytes: number): boolean {
    const before = this.size;
    this.size += itemBytes;
    if (this.size < MIN_CHUNK_BYTES) return false;
    if (this.size >= MAX_CHUNK_BYTES) return true;
    const start = WEIBULL_CDF[before]!;
    const end = WEIBULL_CDF[this.size]!;
    const remaining = 1 - start;
    if (remaining <= 0) return true;
    const p = (end - start) / remaining;
    return murmur3(key, this.seed) < p * UINT32_RANGE;
  }

  /** Account for an item known not to end the chunk. */
  skip(itemBytes: number): void {
    this.size += itemBytes;
  }

  reset(): void {
    this.size = 0;
  }
}

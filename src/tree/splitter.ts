/**
 * Content-defined chunk boundaries from keys (layer: tree).
 *
 * A `ChunkSplitter` decides, item by item, where one level's chunk ends. Which splitter a tree
 * uses is part of its format (`tree-format.ts`): the splitter of a format version never
 * changes, since a different boundary rewrites every stored tree. A new splitter is a new
 * parameter set (or class) under a new format version.
 *
 * `KeySplitter` follows Dolt's key splitter: after each item is appended, the chunk ends with a
 * probability that rises with the chunk's size along a Weibull CDF, decided by a hash of the
 * item's *key* (seeded per level). Keys, not values, so editing a value keeps boundaries in
 * place; only a value whose size changes can move a nearby boundary.
 *
 * The v1 parameters (`KEY_SPLITTER_V1`) and why:
 * - target 4 KiB: large enough that a 10M-label tree has few levels and small per-chunk
 *   overhead, small enough that a one-label edit rewrites only ~4 KiB per level.
 * - min 512 B: no tiny chunks (per-chunk overhead: a hash in the parent and a store key).
 * - max 16 KiB: a hard bound on the rewrite cost of one edit.
 * - Weibull shape K = 4: a peaked size distribution around the target (K = 1: exponential).
 * Decisions depend only on the items of the current chunk, so a chunking is a pure function of
 * the item sequence: the basis of history independence.
 */
import { murmur3 } from './key-hash.js';

/** Decides chunk boundaries for one level of one tree. */
export interface ChunkSplitter {
  /** Account for one appended item; true if the chunk should end after it. */
  append(key: Uint8Array, itemBytes: number): boolean;
  /** Account for an item known not to end the chunk. */
  skip(itemBytes: number): void;
  /** Start a new chunk. */
  reset(): void;
}

/** The parameters of a `KeySplitter`; each set, once used by a format, is frozen forever. */
export interface KeySplitterParams {
  readonly minChunkBytes: number;
  readonly maxChunkBytes: number;
  readonly targetChunkBytes: number;
  readonly weibullShape: number;
  /** Per-level seeds so that boundaries at different levels are independent. */
  readonly levelSeeds: readonly number[];
}

/** The splitter of tree format v1. Never edit: a change is a new format version. */
export const KEY_SPLITTER_V1: KeySplitterParams = Object.freeze({
  minChunkBytes: 512,
  maxChunkBytes: 16 * 1024,
  targetChunkBytes: 4 * 1024,
  weibullShape: 4,
  levelSeeds: Object.freeze([
    0x5ad1e3c1, 0x0e6c2d43, 0x7f4a7c15, 0x3243f6a8, 0x2b7e1516, 0x6a09e667, 0x1f83d9ab, 0x5be0cd19,
    0x428a2f98, 0x71374491, 0x3956c25b, 0x59f111f1, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74,
  ]),
});

const UINT32_RANGE = 4294967296;

/** The Weibull CDF at every size from 0 to maxChunkBytes, computed once per parameter set. */
const cdfTables = new WeakMap<KeySplitterParams, Float64Array>();

function weibullCdf(params: KeySplitterParams): Float64Array {
  let table = cdfTables.get(params);
  if (!table) {
    const { maxChunkBytes, targetChunkBytes, weibullShape } = params;
    table = Float64Array.from(
      { length: maxChunkBytes + 1 },
      (_, size) => -Math.expm1(-Math.pow(size / targetChunkBytes, weibullShape)),
    );
    cdfTables.set(params, table);
  }
  return table;
}

export class KeySplitter implements ChunkSplitter {
  private size = 0;
  private readonly seed: number;
  private readonly cdf: Float64Array;
  private readonly min: number;
  private readonly max: number;

  constructor(level: number, params: KeySplitterParams = KEY_SPLITTER_V1) {
    const seeds = params.levelSeeds;
    this.seed = seeds[level % seeds.length]! ^ Math.imul(level, 0x9e3779b1);
    this.cdf = weibullCdf(params);
    this.min = params.minChunkBytes;
    this.max = params.maxChunkBytes;
  }

  append(key: Uint8Array, itemBytes: number): boolean {
    const before = this.size;
    this.size += itemBytes;
    if (this.size < this.min) return false;
    if (this.size >= this.max) return true;
    const start = this.cdf[before]!;
    const end = this.cdf[this.size]!;
    const remaining = 1 - start;
    if (remaining <= 0) return true;
    const p = (end - start) / remaining;
    return murmur3(key, this.seed) < p * UINT32_RANGE;
  }

  skip(itemBytes: number): void {
    this.size += itemBytes;
  }

  reset(): void {
    this.size = 0;
  }
}

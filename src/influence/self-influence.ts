/**
 * Self-influence of training examples (layer: influence, pure): the squared L2 norm of each
 * example's recorded gradient vector, TracIn's self-influence (an example's influence on its own
 * loss). Examples the model finds hard to fit, mislabeled ones first, have large gradients.
 *
 * Invariants:
 * - A row's score is one plain float64 running sum, `v[0]² + v[1]² + ...` in index order
 *   (`squaredNorm`), whatever the chunking: a brute-force recomputation gives the same bits.
 * - Ranking is a total order (`ranksAbove`): higher score first, NaN after every number, ties
 *   to the lower example key (`IMAGE/LABEL`, string order); keys are distinct.
 * - `TopSelfInfluence` keeps at most K entries (`bounded-heap.ts`: the root is the worst kept), so a
 *   scan of millions of rows holds K keys, not all of them. A row's key is only asked for
 *   (`keyOf`) when its score could enter the heap, so most keys are never decoded.
 */

import { BoundedHeap } from './bounded-heap.js';

export interface SelfInfluence {
  /** Row of the vector file. */
  readonly row: number;
  readonly key: string;
  readonly score: number;
}

/** The squared L2 norm of `dim` floats of `v` from `base`, summed in float64 in index order. */
export function squaredNorm(v: Float32Array, base: number, dim: number): number {
  let sum = 0;
  for (let j = base, end = base + dim; j < end; j++) sum += v[j]! * v[j]!;
  return sum;
}

/** Whether (score a, key a) ranks before (score b, key b). */
export function ranksAbove(sa: number, ka: string, sb: number, kb: string): boolean {
  if (sa > sb) return true;
  if (sa === sb) return ka < kb;
  return sb !== sb && (sa === sa || ka < kb); // NaN ranks last; NaNs by key
}

/** The K best rows offered so far, by `ranksAbove`. */
export class TopSelfInfluence {
  private readonly heap: BoundedHeap<SelfInfluence>;

  constructor(capacity: number) {
    this.heap = new BoundedHeap(capacity, (a, b) => ranksAbove(a.score, a.key, b.score, b.key));
  }

  /** Offers row `row` with `score`; `keyOf` is called only when the row might be kept. */
  offer(row: number, score: number, keyOf: () => string): void {
    if (this.heap.capacity <= 0) return;
    const worst = this.heap.worst();
    if (worst) {
      // A lower score (or NaN against a number) can never enter: skip decoding its key.
      if (score < worst.score || (score !== score && worst.score === worst.score)) return;
      const key = keyOf();
      if (ranksAbove(score, key, worst.score, worst.key)) this.heap.keep({ row, score, key });
    } else this.heap.keep({ row, score, key: keyOf() });
  }

  /** The kept rows, best first. */
  sorted(): SelfInfluence[] {
    return this.heap.sorted();
  }
}

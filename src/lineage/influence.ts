/**
 * Influence scores of training examples on one prediction (layer: lineage, pure).
 *
 * `gradient` vectors (last-layer gradient features) score by dot product, TracIn-style;
 * `embedding` vectors (e.g. penultimate-layer activations) by cosine similarity (0 when either
 * vector is zero). The top K are kept in a min-heap of size K: O(count x dim + count log K).
 */
import type { VectorKind } from '../catalog/lineage-catalog.js';

export interface Influence {
  /** Row of the vector file. */
  readonly row: number;
  readonly score: number;
}

export function topInfluences(
  vectors: Float32Array,
  dim: number,
  query: Float32Array,
  kind: VectorKind,
  k: number,
): Influence[] {
  const count = Math.floor(vectors.length / dim);
  const heap = new MinHeap(k);
  let qNorm = 0;
  for (let j = 0; j < dim; j++) qNorm += query[j]! * query[j]!;
  qNorm = Math.sqrt(qNorm);
  const norms = kind === 'embedding' ? new Float64Array(1) : undefined;
  for (let i = 0, base = 0; i < count; i++, base += dim) {
    let score = dotRow(vectors, base, query, dim, norms);
    if (norms) {
      const d = Math.sqrt(norms[0]!) * qNorm;
      score = d === 0 ? 0 : score / d;
    }
    heap.offer(i, score);
  }
  return heap.sorted();
}

/**
 * Dot product of row `base` with `query`, four accumulators wide (the loop the whole cost is
 * in); with `norm`, also the row's squared norm into `norm[0]`.
 */
function dotRow(
  v: Float32Array,
  base: number,
  q: Float32Array,
  dim: number,
  norm: Float64Array | undefined,
): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  const end = dim - (dim % 4);
  let j = 0;
  if (!norm) {
    for (; j < end; j += 4) {
      s0 += v[base + j]! * q[j]!;
      s1 += v[base + j + 1]! * q[j + 1]!;
      s2 += v[base + j + 2]! * q[j + 2]!;
      s3 += v[base + j + 3]! * q[j + 3]!;
    }
    for (; j < dim; j++) s0 += v[base + j]! * q[j]!;
    return s0 + s1 + s2 + s3;
  }
  let n = 0;
  for (; j < dim; j++) {
    const x = v[base + j]!;
    s0 += x * q[j]!;
    n += x * x;
  }
  norm[0] = n;
  return s0;
}

/** Keeps the `capacity` highest scores; ties keep the lower row. */
class MinHeap {
  private readonly rows: number[] = [];
  private readonly scores: number[] = [];

  constructor(private readonly capacity: number) {}

  offer(row: number, score: number): void {
    if (this.capacity <= 0) return;
    if (this.rows.length < this.capacity) {
      this.rows.push(row);
      this.scores.push(score);
      this.up(this.rows.length - 1);
    } else if (score > this.scores[0]!) {
      this.rows[0] = row;
      this.scores[0] = score;
      this.down(0);
    }
  }

  sorted(): Influence[] {
    return this.rows
      .map((row, i) => ({ row, score: this.scores[i]! }))
      .sort((a, b) => b.score - a.score || a.row - b.row);
  }

  private less(a: number, b: number): boolean {
    const sa = this.scores[a]!;
    const sb = this.scores[b]!;
    return sa < sb || (sa === sb && this.rows[a]! > this.rows[b]!);
  }

  private swap(a: number, b: number): void {
    [this.rows[a], this.rows[b]] = [this.rows[b]!, this.rows[a]!];
    [this.scores[a], this.scores[b]] = [this.scores[b]!, this.scores[a]!];
  }

  private up(i: number): void {
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(i, p)) return;
      this.swap(i, p);
      i = p;
    }
  }

  private down(i: number): void {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < this.rows.length && this.less(l, m)) m = l;
      if (r < this.rows.length && this.less(r, m)) m = r;
      if (m === i) return;
      this.swap(i, m);
      i = m;
    }
  }
}

/**
 * Influence scores of training examples on one prediction (layer: influence, pure).
 *
 * `gradient` vectors (last-layer gradient features) score by dot product, TracIn-style;
 * `embedding` vectors (e.g. penultimate-layer activations) by cosine similarity (0 when either
 * vector is zero). The top K are kept in a min-heap of size K: O(count x dim + count log K).
 *
 * Invariants:
 * - A row's score is one fixed sequence of float64 operations (`referenceScore` spells it out;
 *   the kernels below only interleave rows, never reorder a row's own sums), so every scan
 *   (whole, chunked, split across threads) gives bit-identical scores.
 * - Ranking is a total order (`ranksBefore`): higher score first, NaN after every number, ties
 *   to the lower row. So the top K of a union is the top K of the parts' top Ks
 *   (`mergeInfluences`), whichever thread scored which rows in whichever chunks.
 */
import type { VectorKind } from '../catalog/lineage-catalog.js';
import { cosine, cosineRows, dotRows } from './js-kernels.js';
import { simdKernels, type SimdKernels } from './simd-kernels.js';
import { BoundedHeap } from './bounded-heap.js';

export interface Influence {
  /** Row of the vector file. */
  readonly row: number;
  readonly score: number;
}

/** Rows per chunk when the caller does not say: 1 MiB of float32 rows of dimension 128. */
export const DEFAULT_CHUNK_ROWS = 2048;

/**
 * Scores rows handed over in chunks of whole rows, keeping the top K seen. The caller writes up
 * to `chunkRows` rows into `chunk` (a view into the kernels' memory, so reads land where they
 * are scored) and calls `scoreChunk`; or hands any array to `add`, which copies it through.
 */
export class InfluenceScorer {
  readonly chunk: Float32Array;
  private readonly heap: MinHeap;
  private readonly qNorm: number;
  private readonly simd: SimdKernels | undefined;
  private readonly scores: Float64Array;
  private readonly layout = { q: 0, out: 0, v: 0 };

  constructor(
    private readonly dim: number,
    private readonly query: Float32Array,
    private readonly kind: VectorKind,
    k: number,
    readonly chunkRows: number = DEFAULT_CHUNK_ROWS,
  ) {
    this.heap = new MinHeap(k);
    this.qNorm = Math.sqrt(squaredNorm(query, dim));
    // Memory: the query as float64, then per row 16 bytes of kernel output, then the rows.
    const out = dim * 8;
    const v = out + chunkRows * 16;
    this.simd = dim % 4 === 0 ? simdKernels(v + chunkRows * dim * 4) : undefined;
    if (this.simd) {
      const buffer = this.simd.memory.buffer;
      new Float64Array(buffer, 0, dim).set(query.subarray(0, dim));
      this.layout = { q: 0, out, v };
      this.chunk = new Float32Array(buffer, v, chunkRows * dim);
      this.scores = new Float64Array(buffer, out, chunkRows * 2);
    } else {
      this.chunk = new Float32Array(chunkRows * dim);
      this.scores = new Float64Array(chunkRows);
    }
  }

  /** Scores the first `rows` rows of `chunk` as rows `firstRow`, `firstRow + 1`, ... */
  scoreChunk(rows: number, firstRow: number): void {
    const { dim, chunk, scores, simd, qNorm } = this;
    if (simd && this.kind === 'gradient') {
      simd.dot(this.layout.v, rows, this.layout.q, dim, this.layout.out);
      for (let i = 0; i < rows; i++) this.heap.offer(firstRow + i, scores[i]!);
    } else if (simd) {
      const pairs = rows >> 1;
      simd.cos(this.layout.v, pairs, this.layout.q, dim, this.layout.out);
      for (let p = 0, i = 0; p < pairs; p++, i += 2) {
        this.heap.offer(firstRow + i, cosine(scores[4 * p]!, scores[4 * p + 2]!, qNorm));
        this.heap.offer(firstRow + i + 1, cosine(scores[4 * p + 1]!, scores[4 * p + 3]!, qNorm));
      }
      if (rows % 2 === 1) {
        const last = chunk.subarray((rows - 1) * dim, rows * dim);
        cosineRows(last, 1, this.query, dim, qNorm, scores);
        this.heap.offer(firstRow + rows - 1, scores[0]!);
      }
    } else {
      if (this.kind === 'gradient') dotRows(chunk, rows, this.query, dim, scores);
      else cosineRows(chunk, rows, this.query, dim, qNorm, scores);
      for (let i = 0; i < rows; i++) this.heap.offer(firstRow + i, scores[i]!);
    }
  }

  /** Scores `vectors` (whole rows, row-major) as rows `firstRow`, `firstRow + 1`, ... */
  add(vectors: Float32Array, firstRow: number): void {
    const rows = Math.floor(vectors.length / this.dim);
    for (let r = 0; r < rows; r += this.chunkRows) {
      const n = Math.min(this.chunkRows, rows - r);
      this.chunk.set(vectors.subarray(r * this.dim, (r + n) * this.dim));
      this.scoreChunk(n, firstRow + r);
    }
  }

  /** The top K so far, best first. */
  top(): Influence[] {
    return this.heap.sorted();
  }
}

export function topInfluences(
  vectors: Float32Array,
  dim: number,
  query: Float32Array,
  kind: VectorKind,
  k: number,
): Influence[] {
  const scorer = new InfluenceScorer(dim, query, kind, k);
  scorer.add(vectors, 0);
  return scorer.top();
}

/** The top `k` of the union of disjoint top lists, best first. */
export function mergeInfluences(lists: readonly (readonly Influence[])[], k: number): Influence[] {
  return lists
    .flat()
    .sort((a, b) => (ranksBefore(a.score, a.row, b.score, b.row) ? -1 : 1))
    .slice(0, Math.max(0, k));
}

/** Whether (score a, row a) ranks before (score b, row b); rows are distinct. */
export function ranksBefore(sa: number, ra: number, sb: number, rb: number): boolean {
  if (sa > sb) return true;
  if (sa === sb) return ra < rb;
  return sb !== sb && (sa === sa || ra < rb); // NaN ranks last; NaNs by row
}

/**
 * The score of row `row`, written out plainly: the definition every kernel must reproduce bit
 * for bit. Dot product: four float64 partial sums over j mod 4 (the tail joins the first),
 * added in order. Cosine: one running dot and one running squared norm, then
 * dot / (sqrt(norm) x |query|), 0 when that divisor is 0.
 */
export function referenceScore(
  v: Float32Array,
  row: number,
  q: Float32Array,
  kind: VectorKind,
): number {
  const dim = q.length;
  const base = row * dim;
  if (kind === 'gradient') {
    const s = [0, 0, 0, 0];
    const end = dim - (dim % 4);
    for (let j = 0; j < end; j++) s[j % 4]! += v[base + j]! * q[j]!;
    for (let j = end; j < dim; j++) s[0]! += v[base + j]! * q[j]!;
    return s[0]! + s[1]! + s[2]! + s[3]!;
  }
  let dot = 0;
  let norm = 0;
  for (let j = 0; j < dim; j++) {
    dot += v[base + j]! * q[j]!;
    norm += v[base + j]! * v[base + j]!;
  }
  const d = Math.sqrt(norm) * Math.sqrt(squaredNorm(q, dim));
  return d === 0 ? 0 : dot / d;
}

function squaredNorm(q: Float32Array, dim: number): number {
  let n = 0;
  for (let j = 0; j < dim; j++) n += q[j]! * q[j]!;
  return n;
}

/** Keeps the `capacity` best by `ranksBefore` (`bounded-heap.ts`). */
class MinHeap {
  private readonly heap: BoundedHeap<Influence>;

  constructor(private readonly capacity: number) {
    this.heap = new BoundedHeap(capacity, (a, b) => ranksBefore(a.score, a.row, b.score, b.row));
  }

  offer(row: number, score: number): void {
    const worst = this.heap.worst();
    if (!worst || ranksBefore(score, row, worst.score, worst.row)) this.heap.keep({ row, score });
  }

  sorted(): Influence[] {
    return mergeInfluences([this.heap.sorted()], this.capacity);
  }
}

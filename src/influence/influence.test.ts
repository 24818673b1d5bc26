/**
 * The fast scoring paths equal a plain reference exactly: `referenceScore` on every row and a
 * full sort (score descending, NaN last, ties to the lower row) give the same top K (rows,
 * scores bit for bit, order) as the chunked scorer (SIMD kernels where dim % 4 = 0, JavaScript
 * otherwise), chunks cut at odd rows, and rows split into parts scored separately and merged.
 * Seeded property tests; rows are duplicated and zeroed so ties and zero norms occur.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { VectorKind } from '../catalog/lineage-catalog.js';
import {
  InfluenceScorer,
  mergeInfluences,
  ranksBefore,
  referenceScore,
  topInfluences,
  type Influence,
} from './influence.js';
import { simdKernels } from './simd-kernels.js';

/** Random float32 rows, some repeated (ties) and some zero (zero norm). */
function randomRows(dim: number, count: number, seed: number): Float32Array {
  let s = seed >>> 0;
  const rand = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  const v = new Float32Array(dim * count);
  for (let i = 0; i < count; i++) {
    const pick = rand();
    if (pick < 0.1 && i > 0) v.copyWithin(i * dim, Math.floor(rand() * i) * dim, i * dim + dim);
    else if (pick >= 0.15) for (let j = 0; j < dim; j++) v[i * dim + j] = rand() * 2 - 1;
  }
  return v;
}

function reference(v: Float32Array, q: Float32Array, kind: VectorKind, k: number): Influence[] {
  const all = Array.from({ length: v.length / q.length }, (_, row) => ({
    row,
    score: referenceScore(v, row, q, kind),
  }));
  return all.sort((a, b) => (ranksBefore(a.score, a.row, b.score, b.row) ? -1 : 1)).slice(0, k);
}

const cases = fc.record({
  dim: fc.integer({ min: 1, max: 13 }),
  count: fc.integer({ min: 0, max: 90 }),
  k: fc.integer({ min: 0, max: 100 }),
  kind: fc.constantFrom<VectorKind>('gradient', 'embedding'),
  chunkRows: fc.integer({ min: 1, max: 17 }),
  cuts: fc.array(fc.integer({ min: 0, max: 90 }), { maxLength: 4 }),
  seed: fc.integer(),
  zeroQuery: fc.boolean(),
});

describe('InfluenceScorer', () => {
  it('gives exactly the reference top K, in one pass and in odd chunks', () => {
    fc.assert(
      fc.property(cases, ({ dim, count, k, kind, chunkRows, seed, zeroQuery }) => {
        const v = randomRows(dim, count, seed);
        const q = zeroQuery ? new Float32Array(dim) : randomRows(dim, 1, seed ^ 0x5bd1);
        const want = reference(v, q, kind, k);
        expect(topInfluences(v, dim, q, kind, k)).toEqual(want);
        const scorer = new InfluenceScorer(dim, q, kind, k, chunkRows);
        for (let first = 0; first < count; first += chunkRows) {
          const rows = Math.min(chunkRows, count - first);
          scorer.chunk.set(v.subarray(first * dim, (first + rows) * dim));
          scorer.scoreChunk(rows, first);
        }
        expect(scorer.top()).toEqual(want);
      }),
      { seed: 7, numRuns: 400 },
    );
  });

  it('merging the top K of parts split at any rows equals the top K of the whole', () => {
    fc.assert(
      fc.property(cases, ({ dim, count, k, kind, chunkRows, cuts, seed }) => {
        const v = randomRows(dim, count, seed);
        const q = randomRows(dim, 1, seed + 1);
        const bounds = [0, ...cuts.map((c) => Math.min(c, count)).sort((a, b) => a - b), count];
        const parts = bounds.slice(1).map((end, i) => {
          const scorer = new InfluenceScorer(dim, q, kind, k, chunkRows);
          scorer.add(v.subarray(bounds[i]! * dim, end * dim), bounds[i]!);
          return scorer.top();
        });
        expect(mergeInfluences(parts.reverse(), k)).toEqual(reference(v, q, kind, k));
      }),
      { seed: 11, numRuns: 300 },
    );
  });

  it('runs on WebAssembly SIMD here, so the cases with dim % 4 = 0 exercise the kernels', () => {
    expect(simdKernels(65536)).toBeDefined();
  });

  it('scores a dimension-128 chunk bit-identically to the reference (both kinds)', () => {
    const dim = 128;
    const v = randomRows(dim, 301, 3);
    const q = randomRows(dim, 1, 4);
    for (const kind of ['gradient', 'embedding'] as const) {
      const got = topInfluences(v, dim, q, kind, 301);
      expect(got).toEqual(reference(v, q, kind, 301));
      expect(got.every((g) => Object.is(g.score, referenceScore(v, g.row, q, kind)))).toBe(true);
    }
  });
});

describe('ranksBefore', () => {
  it('is a total order: higher score first, NaN last, ties to the lower row', () => {
    const items = [
      { row: 3, score: NaN },
      { row: 1, score: 2 },
      { row: 0, score: NaN },
      { row: 2, score: 2 },
      { row: 4, score: -Infinity },
      { row: 5, score: 7 },
    ];
    expect(mergeInfluences([items], 10).map((i) => i.row)).toEqual([5, 1, 2, 4, 0, 3]);
    expect(
      topInfluences(Float32Array.from([1, NaN, 2, 0]), 1, Float32Array.from([1]), 'gradient', 3),
    ).toEqual([
      { row: 2, score: 2 },
      { row: 0, score: 1 },
      { row: 3, score: 0 },
    ]);
  });
});

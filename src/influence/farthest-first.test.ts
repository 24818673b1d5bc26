/**
 * Farthest-first picks (issue 17, `select --diversity`): property test of the defining rule
 * against brute force: each pick is, among the allowed candidates not yet picked, one whose
 * cosine distance (float64) to its nearest earlier pick is largest, the first by rank among
 * equals (checked on exact ties), the first pick being the first allowed candidate; picks stop
 * when none is allowed.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { farthestFirst } from './farthest-first.js';

function cosineDistance(a: readonly number[], b: readonly number[]): number {
  let [ab, aa, bb] = [0, 0, 0];
  for (let k = 0; k < a.length; k++) [ab, aa, bb] = [ab + a[k]! * b[k]!, aa + a[k]! * a[k]!, bb + b[k]! * b[k]!];
  return aa === 0 || bb === 0 ? 1 : 1 - ab / (Math.sqrt(aa) * Math.sqrt(bb));
} // prettier-ignore

describe('farthestFirst', () => {
  it('picks by the farthest-first rule, ties by rank, within the caller allowance', () => {
    const vectors = fc.integer({ min: 1, max: 4 }).chain((dim) =>
      fc.array(fc.array(fc.constantFrom(-1, 0, 0.5, 1, 2), { minLength: dim, maxLength: dim }), {
        minLength: 1,
        maxLength: 14,
      }),
    );
    fc.assert(
      fc.property(
        vectors,
        fc.integer({ min: 1, max: 8 }),
        fc.option(fc.nat(3)),
        (vs, picks, cap) => {
          const dim = vs[0]!.length;
          const f32 = vs.map((v) => v.map((x) => Math.fround(x)));
          const data = new Float32Array(f32.flat());
          const group = (i: number) => i % 3;
          const allowed = (i: number, picked: readonly number[]) =>
            cap === null || picked.filter((p) => group(p) === group(i)).length < cap;
          const got = farthestFirst({ dim, data, row: (i) => i }, vs.length, picks, allowed);
          const picked: number[] = [];
          for (const g of got) {
            const open = vs
              .map((_, i) => i)
              .filter((i) => !picked.includes(i) && allowed(i, picked));
            const score = (i: number) =>
              Math.min(Infinity, ...picked.map((p) => cosineDistance(f32[i]!, f32[p]!)));
            const best = Math.max(...open.map(score));
            // the implementation keeps float64 sums of float32 products: equal up to rounding
            expect(score(g)).toBeCloseTo(best, 9);
            picked.push(g);
          }
          const left = vs.map((_, i) => i).filter((i) => !picked.includes(i) && allowed(i, picked));
          expect(got.length === picks || left.length === 0).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('starts from the first candidate and breaks exact ties by rank', () => {
    // 0 and 1 coincide; 2 and 3 coincide and are opposite to them; 4 is orthogonal.
    const data = new Float32Array([1, 0, 1, 0, -1, 0, -1, 0, 0, 1]);
    const rows = { dim: 2, data, row: (i: number) => i };
    expect(farthestFirst(rows, 5, 5)).toEqual([0, 2, 4, 1, 3]);
    expect(farthestFirst(rows, 5, 2, (i) => i !== 0)).toEqual([1, 2]);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assign } from './assignment.js';

/** The minimum total cost over matchings of the smaller side (brute force; Infinity forbidden). */
function bruteBest(cost: number[][]): { cost: number; size: number } {
  const m = cost[0]?.length ?? 0;
  let best = { cost: Infinity, size: -1 };
  const walk = (i: number, used: Set<number>, sum: number, size: number) => {
    if (i === cost.length) {
      if (size > best.size || (size === best.size && sum < best.cost)) best = { cost: sum, size };
      return;
    }
    walk(i + 1, used, sum, size);
    for (let j = 0; j < m; j++)
      if (!used.has(j) && Number.isFinite(cost[i]![j]!)) {
        used.add(j);
        walk(i + 1, used, sum + cost[i]![j]!, size + 1);
        used.delete(j);
      }
  };
  walk(0, new Set(), 0, 0);
  return best;
}

describe('assign (Hungarian method)', () => {
  it('picks the best overall pairing, not the greedy one', () => {
    // Greedy takes (0,0)=0.1 and then (1,1)=0.9; the best is (0,1)+(1,0) = 0.4.
    expect(
      assign([
        [0.1, 0.2],
        [0.2, 0.9],
      ]),
    ).toEqual([1, 0]);
  });

  it('leaves rows with only forbidden pairs unassigned', () => {
    expect(
      assign([
        [Infinity, Infinity],
        [0.5, Infinity],
      ]),
    ).toEqual([-1, 0]);
    expect(assign([])).toEqual([]);
  });

  it('equals the brute-force optimum on small matrices when every pair is allowed (property)', () => {
    const matrix = fc
      .tuple(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 5 }))
      .chain(([n, m]) =>
        fc.array(fc.array(fc.integer({ min: 0, max: 100 }), { minLength: m, maxLength: m }), {
          minLength: n,
          maxLength: n,
        }),
      );
    fc.assert(
      fc.property(matrix, (cost) => {
        const out = assign(cost);
        const cols = out.filter((j) => j >= 0);
        expect(new Set(cols).size).toBe(cols.length);
        expect(cols.length).toBe(Math.min(cost.length, cost[0]!.length));
        const total = out.reduce((s, j, i) => (j >= 0 ? s + cost[i]![j]! : s), 0);
        expect(total).toBe(bruteBest(cost).cost);
      }),
    );
  });
});

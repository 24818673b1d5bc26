/**
 * "Did you mean": the edit distance is a distance (model-checked with fast-check against a
 * plain recursive definition on short strings), and the suggestions are the typos of a name,
 * not unrelated names.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { closeNames, didYouMean, editDistance } from './close-names.js';

/** Optimal string alignment, by its recursive definition (exponential: short strings only). */
function reference(a: string, b: string): number {
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  const i = a.length;
  const j = b.length;
  const cost = a[i - 1] === b[j - 1] ? 0 : 1;
  let d = Math.min(
    reference(a.slice(0, -1), b) + 1,
    reference(a, b.slice(0, -1)) + 1,
    reference(a.slice(0, -1), b.slice(0, -1)) + cost,
  );
  if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
    d = Math.min(d, reference(a.slice(0, -2), b.slice(0, -2)) + 1);
  return d;
}

const short = fc.string({ unit: fc.constantFrom('a', 'b', 'c', 'm', 'n'), maxLength: 6 });

describe('editDistance', () => {
  it('equals the recursive definition, is symmetric and zero only on equal strings', () => {
    fc.assert(
      fc.property(short, short, (a, b) => {
        const d = editDistance(a, b);
        expect(d).toBe(reference(a, b));
        expect(editDistance(b, a)).toBe(d);
        expect(d === 0).toBe(a === b);
        expect(d).toBeLessThanOrEqual(Math.max(a.length, b.length));
      }),
      { seed: 10, numRuns: 300 },
    );
  });

  it('counts a swap of neighbours as one step', () => {
    expect(editDistance('mian', 'main')).toBe(1);
    expect(editDistance('featrue/x', 'feature/x')).toBe(1);
  });
});

describe('closeNames', () => {
  const refs = ['main', 'dev', 'feature/login', 'release-1', 'v1', 'v2'];

  it('suggests the typo targets, nearest first, never the name itself', () => {
    expect(closeNames('mian', refs)).toEqual(['main']);
    expect(closeNames('featrue/login', refs)).toEqual(['feature/login']);
    expect(closeNames('v3', refs)).toEqual(['v1', 'v2']);
    expect(closeNames('main', refs)).toEqual([]);
  });

  it('suggests nothing unrelated', () => {
    expect(closeNames('production', refs)).toEqual([]);
    expect(closeNames('x', refs)).toEqual([]);
  });

  it('words the hint', () => {
    expect(didYouMean(['main'])).toBe("did you mean 'main'?");
    expect(didYouMean(['v1', 'v2'])).toBe("did you mean 'v1' or 'v2'?");
    expect(didYouMean([])).toBe('');
  });
});

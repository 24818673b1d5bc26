/**
 * Ranking keys (issue 17): sorting a set's images by their key bytes gives `select`'s order
 * (hardest first under the strategy, ties by image id ascending), for any difficulties,
 * including 0, -0, tiny and negative values; entries decode to what was encoded.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareBytes } from '../tree/bytes.js';
import {
  decodeRankedImage,
  encodeRankedImage,
  RANKED_STRATEGIES,
  rankingKey,
  type RankedImage,
} from './prediction-ranking.js';
import { harder, seedlessUncertainties, uncertainty } from './prediction-uncertainty.js';
import { compareUtf8 } from '../api/lineage/select-rank.js';

const ranked = fc.record({
  image: fc.string({ minLength: 1, maxLength: 6 }),
  difficulty: fc.oneof(
    fc.constantFrom(0, -0, 1, 0.5, Number.MIN_VALUE, -1, Math.LN2),
    fc.double({ min: -4, max: 4, noNaN: true }),
  ),
  prediction: fc.constantFrom('p1', 'p2'),
  category: fc.constantFrom('cat', 'dog'),
});

describe('rankingKey', () => {
  it.each(RANKED_STRATEGIES)('orders %s hardest first, ties by image id', (strategy) => {
    fc.assert(
      fc.property(fc.uniqueArray(ranked, { selector: (r) => r.image, maxLength: 30 }), (rs) => {
        const byKey = [...rs].sort((a, b) =>
          compareBytes(rankingKey(strategy, a), rankingKey(strategy, b)),
        );
        const expected = [...rs].sort(
          (a, b) =>
            (harder(strategy, a.difficulty, b.difficulty)
              ? -1
              : harder(strategy, b.difficulty, a.difficulty)
                ? 1
                : 0) || (a.image < b.image ? -1 : a.image > b.image ? 1 : 0),
        );
        expect(byKey.map((r) => r.image)).toEqual(expected.map((r) => r.image));
      }),
    );
  });

  it('round-trips an entry', () => {
    fc.assert(
      fc.property(ranked, (r: RankedImage) => {
        const back = decodeRankedImage(encodeRankedImage(r));
        expect(back).toEqual({ ...r, difficulty: r.difficulty === 0 ? 0 : r.difficulty });
      }),
    );
  });
});

describe('seedlessUncertainties', () => {
  const probability = fc.oneof(
    fc.constantFrom(0, 0.5, 1),
    fc.double({ min: 0, max: 1, noNaN: true }),
  );
  const content = fc.record(
    {
      score: probability,
      scores: fc.dictionary(fc.constantFrom('cat', 'dog', 'car', 'bus', 'cow'), probability),
    },
    { requiredKeys: ['score'] },
  );
  it("is exactly each strategy's uncertainty, bit for bit", () => {
    fc.assert(
      fc.property(content, (c) => {
        const got = seedlessUncertainties(c);
        const want = RANKED_STRATEGIES.map((s) => uncertainty(s, c, 'img', ''));
        for (const [i, v] of want.entries()) expect(Object.is(got[i], v)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});

describe("select's tie order", () => {
  it('compareUtf8 is the order of the UTF-8 bytes, as the ranking keys', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'grapheme' }), (a, b) => {
        const want = Math.sign(Buffer.compare(Buffer.from(a), Buffer.from(b)));
        expect(Math.sign(compareUtf8(a, b))).toBe(want);
      }),
      { numRuns: 2000 },
    );
    expect(Math.sign(compareUtf8('\uFF21', '\u{1F600}'))).toBe(-1);
  });
});

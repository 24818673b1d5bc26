/**
 * `PackedPredictions` against a plain model (fast-check): whatever the input order, exact
 * repeats and sizes (some predictions are large enough to fill several 1 MiB blocks), its
 * sorted order gives exactly the distinct (key, content) pairs of `encodePredictionKey` and
 * `encodePredictionContent`, in strictly increasing key order; a key given again with other
 * content is refused naming the later line and the first.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FormatParseError } from '../../core/errors.js';
import {
  encodePredictionContent,
  encodePredictionKey,
  parsePredictionLine,
} from '../../dataset/prediction-line.js';
import { PackedPredictions } from './packed-predictions.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

const predictionArb = fc.record({
  image: fc.constantFrom('img-1', 'img-10', 'img-2', 'a', 'ü-7'),
  prediction: fc.constantFrom('0', '1', '2', '10'),
  category: fc.constantFrom('cat', 'dog'),
  score: fc.double({ min: 0, max: 1, noNaN: true }),
  note: fc.constantFrom(0, 10, 400_000).map((n) => 'x'.repeat(n)),
});

function pack(rows: readonly object[]): PackedPredictions {
  const packed = new PackedPredictions();
  rows.forEach((r, i) =>
    packed.add({ file: 'p.jsonl', p: parsePredictionLine(JSON.stringify(r), 'p.jsonl', i + 1) }),
  );
  return packed;
}

describe('PackedPredictions', () => {
  it('sorts and deduplicates as a plain model does, at any input order and size', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(predictionArb, {
          selector: (r) => `${r.image}\u0000${r.prediction}`,
          maxLength: 20,
        }),
        fc.array(fc.nat(), { maxLength: 5 }),
        fc.array(fc.nat(), { minLength: 32, maxLength: 32 }),
        (distinct, repeats, shuffle) => {
          const rows = [
            ...distinct,
            ...repeats.flatMap((k) => distinct[k % distinct.length] ?? []),
          ];
          const shuffled = rows
            .map((r, i) => ({ r, k: shuffle[i % shuffle.length]! }))
            .sort((a, b) => a.k - b.k)
            .map((x) => x.r);
          const packed = pack(shuffled);
          const got = packed.sortedOrder().map((i) => [hex(packed.key(i)), hex(packed.value(i))]);
          const want = distinct
            .map((r) => {
              const p = parsePredictionLine(JSON.stringify(r), 'p.jsonl', 1);
              return [hex(encodePredictionKey(p)), hex(encodePredictionContent(p))];
            })
            .sort((a, b) => Buffer.compare(Buffer.from(a[0]!, 'hex'), Buffer.from(b[0]!, 'hex')));
          expect(got).toEqual(want);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('refuses a key given again with other content, naming both lines', () => {
    const a = { image: 'i', prediction: '0', category: 'cat', score: 0.5 };
    const packed = pack([a, { ...a, prediction: '1' }, { ...a, score: 0.6 }]);
    const err = (() => {
      try {
        packed.sortedOrder();
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(FormatParseError);
    expect((err as FormatParseError).message).toMatch(/p\.jsonl.*3/);
    expect((err as FormatParseError).message).toContain('first at p.jsonl:1');
  });
});

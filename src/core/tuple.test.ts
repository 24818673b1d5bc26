import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeTuple, encodeTuple, tuplePrefixRange } from './tuple.js';

const part = fc.string({ unit: 'binary', maxLength: 8 });
const tuple = fc.array(part, { minLength: 1, maxLength: 3 });

function compareTuples(a: string[], b: string[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const c = Buffer.compare(Buffer.from(a[i]!, 'utf8'), Buffer.from(b[i]!, 'utf8'));
    if (c !== 0) return c;
  }
  return a.length - b.length;
}

describe('tuple key encoding', () => {
  it('round-trips', () => {
    fc.assert(
      fc.property(tuple, (t) => {
        expect(decodeTuple(encodeTuple(t))).toEqual(t);
      }),
      { seed: 7, numRuns: 1000 },
    );
  });

  it('orders bytewise exactly as the tuples order element by element', () => {
    fc.assert(
      fc.property(tuple, tuple, (a, b) => {
        expect(
          Math.sign(Buffer.compare(Buffer.from(encodeTuple(a)), Buffer.from(encodeTuple(b)))),
        ).toBe(Math.sign(compareTuples(a, b)));
      }),
      { seed: 8, numRuns: 3000 },
    );
  });

  it('bounds exactly the keys that extend a prefix', () => {
    fc.assert(
      fc.property(part, tuple, (p, t) => {
        const { start, end } = tuplePrefixRange([p]);
        const k = Buffer.from(encodeTuple(t));
        const inRange = Buffer.compare(k, start) >= 0 && Buffer.compare(k, end) < 0;
        expect(inRange).toBe(t[0] === p);
      }),
      { seed: 9, numRuns: 3000 },
    );
  });
});

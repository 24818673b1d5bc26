/**
 * Range headers: every satisfiable single range maps to bytes inside the resource that match
 * what the header asks for; unsatisfiable and ignorable headers are told apart.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { contentRange, rangeOf } from './byte-range.js';

describe('rangeOf', () => {
  it('maps a-b, a- and -n to the bytes they name, clipped to the resource', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000 }),
        fc.nat(12_000),
        fc.nat(12_000),
        (size, a, b) => {
          const [start, end] = a <= b ? [a, b] : [b, a];
          const closed = rangeOf(`bytes=${start}-${end}`, size);
          const open = rangeOf(`bytes=${start}-`, size);
          if (start >= size) {
            expect(closed).toEqual({ kind: 'unsatisfiable' });
            expect(open).toEqual({ kind: 'unsatisfiable' });
          } else {
            expect(closed).toEqual({ kind: 'partial', start, end: Math.min(end, size - 1) });
            expect(open).toEqual({ kind: 'partial', start, end: size - 1 });
          }
          const suffix = rangeOf(`bytes=-${a}`, size);
          if (a === 0) expect(suffix).toEqual({ kind: 'unsatisfiable' });
          else
            expect(suffix).toEqual({
              kind: 'partial',
              start: Math.max(0, size - a),
              end: size - 1,
            });
        },
      ),
    );
  });

  it('answers in full what it does not serve: no header, other units, multi-range, a reversed range', () => {
    for (const header of [
      undefined,
      'items=0-1',
      'bytes=0-1,4-5',
      'bytes=5-2',
      'bytes=-',
      'bytes=x-1',
      'bytes=1',
    ])
      expect([header, rangeOf(header, 100)]).toEqual([header, { kind: 'full' }]);
  });

  it('refuses every range of an empty resource', () => {
    for (const header of ['bytes=0-', 'bytes=0-0', 'bytes=-1'])
      expect(rangeOf(header, 0)).toEqual({ kind: 'unsatisfiable' });
  });

  it('writes Content-Range for a partial answer and for a 416', () => {
    expect(contentRange({ kind: 'partial', start: 0, end: 99 }, 1000)).toBe('bytes 0-99/1000');
    expect(contentRange({ kind: 'unsatisfiable' }, 1000)).toBe('bytes */1000');
  });
});

/** The hand-written byte ordering must be exactly `Buffer.compare`'s (the tree's key order). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bytesEqual, compareBytes } from './bytes.js';

const bytes = fc.uint8Array({ maxLength: 90 });
/** Pairs that share a prefix, so the comparison often runs past the first byte. */
const related = fc
  .tuple(bytes, bytes, bytes)
  .map(([prefix, a, b]) => [new Uint8Array([...prefix, ...a]), new Uint8Array([...prefix, ...b])]);

describe('compareBytes / bytesEqual', () => {
  it('order as Buffer.compare does (unsigned, shorter prefix first)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.tuple(bytes, bytes), related), ([a, b]) => {
        expect(compareBytes(a, b)).toBe(Buffer.compare(a, b));
        expect(bytesEqual(a, b)).toBe(Buffer.compare(a, b) === 0);
      }),
      { numRuns: 2000 },
    );
  });

  it('compare high bytes as unsigned and a prefix before its extension', () => {
    expect(compareBytes(Uint8Array.of(0x7f), Uint8Array.of(0x80))).toBe(-1);
    expect(compareBytes(Uint8Array.of(1, 2), Uint8Array.of(1))).toBe(1);
    expect(compareBytes(new Uint8Array(0), new Uint8Array(0))).toBe(0);
    const long = new Uint8Array(100).fill(7);
    const other = long.slice();
    other[99] = 8;
    expect(bytesEqual(long, other)).toBe(false);
    expect(bytesEqual(long, long.slice())).toBe(true);
  });
});

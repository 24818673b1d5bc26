import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeLabelKey,
  encodeImageKey,
  encodeLabelKey,
  idTooLong,
  IdTooLongError,
  imageKeyOf,
  MAX_ID_BYTES,
} from './label-key.js';

describe('id length bound', () => {
  it('counts UTF-8 bytes, not characters', () => {
    expect(idTooLong('a'.repeat(MAX_ID_BYTES))).toBeUndefined();
    expect(idTooLong('a'.repeat(MAX_ID_BYTES + 1))).toContain(`${MAX_ID_BYTES + 1} bytes`);
    expect(idTooLong('é'.repeat(MAX_ID_BYTES / 2))).toBeUndefined(); // 2 bytes each
    expect(idTooLong('é'.repeat(MAX_ID_BYTES / 2 + 1))).toBeDefined();
    expect(idTooLong('😀'.repeat(MAX_ID_BYTES / 4))).toBeUndefined(); // 4 bytes, 2 code units
    expect(idTooLong('😀'.repeat(MAX_ID_BYTES / 4 + 1))).toBeDefined();
  });

  it('agrees with the byte length for any string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 1200 }), (s) => {
        expect(idTooLong(s) === undefined).toBe(Buffer.byteLength(s, 'utf8') <= MAX_ID_BYTES);
      }),
      { seed: 7, numRuns: 300 },
    );
  });

  it('every key encoder refuses a longer id with IdTooLongError', () => {
    const long = 'x'.repeat(8000);
    expect(() => encodeLabelKey('img', long)).toThrow(IdTooLongError);
    expect(() => encodeLabelKey(long, '1')).toThrow(/image id 'x{40}\.\.\.' is 8000 bytes/);
    expect(() => encodeImageKey(long)).toThrow(IdTooLongError);
    const edge = 'y'.repeat(MAX_ID_BYTES);
    expect(decodeLabelKey(encodeLabelKey(edge, edge))).toEqual({ image: edge, label: edge });
  });
});

it('imageKeyOf gives the image key a label key starts with, zero bytes included (property)', () => {
  fc.assert(
    fc.property(fc.string({ minLength: 1 }), fc.string({ minLength: 1 }), (image, label) => {
      const key = encodeLabelKey(image, label);
      expect(Buffer.from(imageKeyOf(key))).toEqual(Buffer.from(encodeImageKey(image)));
    }),
    { seed: 3, numRuns: 500 },
  );
  expect(Buffer.from(imageKeyOf(encodeLabelKey('a\u0000b', '\u0000')))).toEqual(
    Buffer.from(encodeImageKey('a\u0000b')),
  );
});

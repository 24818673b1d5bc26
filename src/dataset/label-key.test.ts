import fc from 'fast-check';
import { expect, it } from 'vitest';
import { encodeImageKey, encodeLabelKey, imageKeyOf } from './label-key.js';

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

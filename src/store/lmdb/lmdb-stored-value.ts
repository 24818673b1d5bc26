/**
 * The bytes lmdb-js stores for a value written with `compression: true` (layer: store).
 *
 * lmdb-js keeps values under its threshold (1000 bytes) as they are, unless their first byte is
 * 250 or more; those, and every larger value, it stores LZ4-compressed behind a header whose
 * first byte says which: 254 = a 3-byte big-endian size (values under 16 MiB), 255 = an 8-byte
 * header with the size in bytes 2-7. Our chunks start with a marker below 250 ('P', 'S', 'C',
 * 'K'), so a first byte of 250-253 is damage. `decodeStoredValue` is the read half of that
 * format, done in JavaScript (`lz4-block.ts`) so that damage is an error, not a dump to stderr.
 */
import { decodeLz4Block, Lz4BlockError } from '../lz4-block.js';

const FIRST_COMPRESSED_STATUS = 250;
const SHORT_HEADER = 254;
const LONG_HEADER = 255;

/** The value bytes behind `stored`; throws `Lz4BlockError` if they cannot be decoded. */
export function decodeStoredValue(stored: Uint8Array, dictionary: Uint8Array): Uint8Array {
  const status = stored[0];
  if (status === undefined || status < FIRST_COMPRESSED_STATUS) return stored;
  if (status === SHORT_HEADER) {
    if (stored.length < 4) throw new Lz4BlockError('compressed value header is cut short');
    const size = (stored[1]! << 16) | (stored[2]! << 8) | stored[3]!;
    return decodeLz4Block(stored.subarray(4), size, dictionary);
  }
  if (status === LONG_HEADER) {
    if (stored.length < 8) throw new Lz4BlockError('compressed value header is cut short');
    if (stored[2] !== 0 || stored[3] !== 0)
      throw new Lz4BlockError('compressed value header gives a size over 4 GiB');
    const size = ((stored[4]! << 24) | (stored[5]! << 16) | (stored[6]! << 8) | stored[7]!) >>> 0;
    return decodeLz4Block(stored.subarray(8), size, dictionary);
  }
  throw new Lz4BlockError(`unknown compression status byte ${status}`);
}

/**
 * Order-preserving tuple encoding for tree keys (layer: core).
 *
 * A key is a tuple of strings. Each element is a type byte (0x02 = string, as in FoundationDB's
 * tuple layer, leaving room for other element types), its UTF-8 bytes with 0x00 escaped as
 * 0x00 0xFF, and a 0x00 terminator. Invariant: comparing two encodings bytewise orders the
 * tuples element by element, each element by its UTF-8 bytes, a shorter tuple before any tuple
 * it is a prefix of; so all keys that share leading elements (all labels of one image) form
 * one contiguous range, bounded by `tuplePrefixRange`.
 */
import { decodeUtf8 } from './utf8.js';
import { CorruptionError } from './errors.js';

const STRING_TYPE = 0x02;

export function encodeTuple(parts: readonly string[]): Uint8Array {
  const encoded = parts.map((p) => Buffer.from(p, 'utf8'));
  let size = 0;
  for (const e of encoded) size += e.length + 2 + countZeros(e);
  const out = Buffer.allocUnsafe(size);
  let pos = 0;
  for (const e of encoded) {
    out[pos++] = STRING_TYPE;
    for (let i = 0; i < e.length; i++) {
      const b = e[i]!;
      out[pos++] = b;
      if (b === 0) out[pos++] = 0xff;
    }
    out[pos++] = 0;
  }
  return out;
}

function countZeros(b: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < b.length; i++) if (b[i] === 0) n++;
  return n;
}

export function decodeTuple(key: Uint8Array): string[] {
  const parts: string[] = [];
  let i = 0;
  while (i < key.length) {
    if (key[i] !== STRING_TYPE) throw new CorruptionError(`unknown tuple element type ${key[i]}`);
    i++;
    const end = key.indexOf(0, i);
    if (end < 0) throw new CorruptionError('unterminated tuple element');
    if (key[end + 1] !== 0xff) {
      parts.push(decodeUtf8(key, i, end)); // no escaped zero: the common case
      i = end + 1;
      continue;
    }
    const bytes: number[] = [];
    for (;;) {
      if (i >= key.length) throw new CorruptionError('unterminated tuple element');
      const b = key[i++]!;
      if (b !== 0) bytes.push(b);
      else if (key[i] === 0xff) {
        bytes.push(0);
        i++;
      } else break;
    }
    parts.push(Buffer.from(bytes).toString('utf8'));
  }
  return parts;
}

/** [start, end): exactly the keys whose leading elements are `prefix`. */
export function tuplePrefixRange(prefix: readonly string[]): {
  start: Uint8Array;
  end: Uint8Array;
} {
  const start = Buffer.from(encodeTuple(prefix));
  const end = Buffer.concat([start, Buffer.from([STRING_TYPE + 1])]);
  return { start, end };
}

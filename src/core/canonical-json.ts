/**
 * Canonical bytes straight to JSON text (layer: core).
 *
 * `cat` and exports print millions of records; rendering the canonical encoding directly as
 * JSON text skips building intermediate objects. Output equals `JSON.stringify(decodeValue(b))`
 * (numbers print as JavaScript prints them, object members in canonical key order).
 */
import { ByteReader } from './byte-writer.js';
import { DECIMAL_TAG_BASE, isDecimalTag, readDecimal } from './canonical.js';
import { CorruptionError } from './errors.js';

export function canonicalToJson(bytes: Uint8Array): string {
  return readJson(new ByteReader(bytes));
}

/** The members of an encoded object as JSON text without the braces ('' for `{}`). */
export function canonicalObjectMembers(bytes: Uint8Array): string {
  const r = new ByteReader(bytes);
  if (r.byte() !== 9) throw new CorruptionError('expected an encoded object');
  return readMembers(r);
}

function readMembers(r: ByteReader): string {
  const n = r.varint();
  let s = '';
  for (let i = 0; i < n; i++) {
    if (i > 0) s += ',';
    s += JSON.stringify(r.utf8()) + ':' + readJson(r);
  }
  return s;
}

function readJson(r: ByteReader): string {
  const tag = r.byte();
  switch (tag) {
    case 0:
      return 'null';
    case 1:
      return 'false';
    case 2:
      return 'true';
    case 3:
      return String(r.varint());
    case 4:
      return String(-r.varint());
    case 6:
      return String(r.float64());
    case 7:
      return JSON.stringify(r.utf8());
    case 8: {
      const n = r.varint();
      let s = '[';
      for (let i = 0; i < n; i++) s += (i > 0 ? ',' : '') + readJson(r);
      return s + ']';
    }
    case 9:
      return '{' + readMembers(r) + '}';
    default:
      if (isDecimalTag(tag)) return String(readDecimal(r, tag - DECIMAL_TAG_BASE));
      throw new CorruptionError(`unknown canonical value tag ${tag}`);
  }
}

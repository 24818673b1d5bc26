/**
 * Selected members of an encoded object, without decoding the rest (layer: core).
 *
 * Exports render millions of stored labels straight from their canonical bytes and need only
 * one or two member values each (a label's `category_id` and `category`); decoding whole
 * objects for that would build every nested array and string just to drop them.
 */
import { ByteReader } from './byte-writer.js';
import { readMemberName, readValue, skipValue, type JsonValue } from './canonical.js';
import { CorruptionError } from './errors.js';

const OBJECT_TAG = 9;

/** The values of the members of `names` in the encoded object `bytes` (undefined when absent). */
export function selectMembers<const N extends readonly string[]>(
  bytes: Uint8Array,
  names: N,
): { [K in keyof N]: JsonValue | undefined } {
  if (bytes[0] !== OBJECT_TAG) throw new CorruptionError('expected an encoded object');
  const out = new Array<JsonValue | undefined>(names.length).fill(undefined);
  const r = new ByteReader(bytes);
  r.byte();
  let missing = names.length;
  for (let n = r.varint(); n > 0 && missing > 0; n--) {
    const i = names.indexOf(readMemberName(r));
    if (i < 0) skipValue(r);
    else {
      out[i] = readValue(r);
      missing--;
    }
  }
  return out as { [K in keyof N]: JsonValue | undefined };
}

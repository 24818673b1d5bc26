/**
 * Selected members of an encoded object, without decoding the rest (layer: core).
 *
 * Exports render millions of stored labels straight from their canonical bytes and need only
 * one or two member values each (a label's `category_id` and `category`); decoding whole
 * objects for that would build every nested array and string just to drop them.
 */
import { ByteReader } from './byte-writer.js';
import {
  readMemberName,
  readValue,
  visitValue,
  type JsonValue,
  type ValueVisitor,
} from './canonical.js';
import { CorruptionError } from './errors.js';

const OBJECT_TAG = 9;

/** Walks a value without building it. */
const SKIP: ValueVisitor<null> = { scalar: () => null, array: () => null, object: () => null };

/** The values of the members of `names` in the encoded object `bytes` (undefined when absent). */
export function selectMembers<const N extends readonly string[]>(
  bytes: Uint8Array,
  names: N,
): { [K in keyof N]: JsonValue | undefined } {
  if (bytes[0] !== OBJECT_TAG) throw new CorruptionError('expected an encoded object');
  const out = new Array<JsonValue | undefined>(names.length).fill(undefined);
  const r = new ByteReader(bytes);
  r.byte();
  for (let n = r.varint(); n > 0; n--) {
    const i = names.indexOf(readMemberName(r));
    if (i < 0) visitValue(r, SKIP);
    else out[i] = readValue(r);
  }
  return out as { [K in keyof N]: JsonValue | undefined };
}

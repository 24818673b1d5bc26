/**
 * Canonical bytes straight to JSON text (layer: core).
 *
 * `cat` and exports print millions of records; rendering the canonical encoding directly as
 * JSON text skips building intermediate objects. The text parses to the same value as
 * `decodeValue(b)`; numbers print as JavaScript prints them and object members come in
 * canonical (sorted) order, so the output is itself canonical JSON.
 */
import { ByteReader } from './byte-writer.js';
import { visitValue, type ValueVisitor } from './canonical.js';
import { CorruptionError } from './errors.js';

const TO_JSON: ValueVisitor<string> = {
  scalar: (v) => (typeof v === 'string' ? JSON.stringify(v) : String(v)),
  array: (items) => '[' + items.join(',') + ']',
  object: (names, values) => '{' + members(names, values) + '}',
};

function members(names: string[], values: string[]): string {
  let s = '';
  for (let i = 0; i < names.length; i++) s += (i > 0 ? ',' : '') + JSON.stringify(names[i]) + ':' + values[i];
  return s;
}

export function canonicalToJson(bytes: Uint8Array): string {
  return visitValue(new ByteReader(bytes), TO_JSON);
}

/** The members of an encoded object as JSON text without the braces ('' for `{}`). */
export function canonicalObjectMembers(bytes: Uint8Array): string {
  const json = canonicalToJson(bytes);
  if (json[0] !== '{') throw new CorruptionError('expected an encoded object');
  return json.slice(1, -1);
}

/**
 * Canonical binary encoding of JSON-like values (layer: core).
 *
 * Invariant: one logical value has exactly one encoding, on every machine, so content hashes are
 * stable. Rules:
 * - object members are sorted by name (UTF-16 code units); `undefined` members are dropped, as
 *   JSON drops them;
 * - -0 is 0; safe integers are varints; other finite numbers that are an exact short decimal
 *   (n / 10^k, k = 1..6: pixel coordinates such as 12.35) are (k, n) with the smallest such k,
 *   else float64; NaN and ±Infinity are rejected (not JSON);
 * - strings in the static dictionary (`canonical-dictionary.ts`) are stored as their index;
 * - strings that are exactly an ISO-8601 UTC instant as `Date#toISOString` prints it, with or
 *   without the `.sss` milliseconds, are stored as a zigzag varint of seconds or milliseconds
 *   and print back to the identical string.
 *
 * Tags (one byte): 0 null, 1 false, 2 true, 3 non-negative int, 4 negative int, 5 dictionary
 * string, 6 float64, 7 string, 8 array, 9 object, 10 + k (k = 1..6) decimal, 17 instant in
 * seconds, 18 instant in milliseconds. Object member names: varint 2·len then UTF-8, or
 * varint 2·index + 1 for a dictionary name.
 */
import { ByteReader, ByteWriter } from './byte-writer.js';
import { CANONICAL_DICTIONARY, dictionaryIndex } from './canonical-dictionary.js';
import { CorruptionError, InvalidArgumentError } from './errors.js';
import { formatInstant, parseInstantMillis } from './iso-instant.js';
import { MAX_NESTING, TOO_DEEP } from './json-value-check.js';

export type JsonValue = null | boolean | number | string | JsonValue[] | { [k: string]: JsonValue };

const enum Tag {
  Null = 0,
  False = 1,
  True = 2,
  UInt = 3,
  NegInt = 4,
  DictStr = 5,
  Float = 6,
  Str = 7,
  Arr = 8,
  Obj = 9,
  /** Decimal with scale k is tag DecimalBase + k. */
  DecimalBase = 10,
  InstantSeconds = 17,
  InstantMillis = 18,
}

const MAX_DECIMAL_SCALE = 6;
const POW10 = [1, 10, 100, 1000, 10000, 100000, 1000000];

const scratch = new ByteWriter(1 << 16);

export function encodeValue(value: unknown): Uint8Array {
  scratch.reset();
  writeValue(scratch, value);
  return scratch.finish();
}

/**
 * Append the canonical encoding of `value` to `w`. `depth`: how deep `value` sits in the value
 * being stored; arrays and objects deeper than MAX_NESTING are refused (`json-value-check.ts`).
 */
export function writeValue(w: ByteWriter, value: unknown, depth = 0): void {
  switch (typeof value) {
    case 'string':
      writeString(w, value);
      return;
    case 'number':
      writeNumber(w, value);
      return;
    case 'boolean':
      w.byte(value ? Tag.True : Tag.False);
      return;
    case 'object':
      if (value === null) w.byte(Tag.Null);
      else if (depth >= MAX_NESTING) throw new InvalidArgumentError('value', '...', TOO_DEEP);
      else if (Array.isArray(value)) writeArray(w, value, depth);
      else writeObject(w, value as Record<string, unknown>, undefined, depth);
      return;
    default:
      throw new InvalidArgumentError('value', typeof value, 'only JSON values can be stored');
  }
}

function writeString(w: ByteWriter, s: string): void {
  const d = dictionaryIndex(s);
  if (d >= 0) {
    w.byte(Tag.DictStr);
    w.varint(d);
    return;
  }
  if (s.length === 20 || s.length === 24) {
    const ms = parseInstantMillis(s);
    if (ms !== undefined) {
      const seconds = s.length === 20;
      w.byte(seconds ? Tag.InstantSeconds : Tag.InstantMillis);
      w.varint(zigzag(seconds ? ms / 1000 : ms));
      return;
    }
  }
  if (!s.isWellFormed()) {
    throw new InvalidArgumentError(
      'string',
      JSON.stringify(s),
      'contains a lone UTF-16 surrogate, which UTF-8 cannot hold',
    );
  }
  w.byte(Tag.Str);
  w.utf8(s);
}

function writeArray(w: ByteWriter, arr: readonly unknown[], depth: number): void {
  w.byte(Tag.Arr);
  w.varint(arr.length);
  for (const item of arr) writeValue(w, item === undefined ? null : item, depth + 1);
}

/** Member names in canonical order; insertion sort, fastest for the few members records have. */
function sortedKeys(obj: Record<string, unknown>): readonly string[] {
  const keys = Object.keys(obj);
  if (keys.length > 32) return keys.sort();
  for (let i = 1; i < keys.length; i++) {
    const k = keys[i]!;
    let j = i - 1;
    while (j >= 0 && keys[j]! > k) {
      keys[j + 1] = keys[j]!;
      j--;
    }
    keys[j + 1] = k;
  }
  return keys;
}

/**
 * Members named in `skip` are left out (callers encode part of a record without copying it);
 * `depth` as in `writeValue`.
 */
export function writeObject(
  w: ByteWriter,
  obj: Record<string, unknown>,
  skip?: ReadonlySet<string>,
  depth = 0,
): void {
  const keys = sortedKeys(obj);
  let n = 0;
  for (const k of keys) if (obj[k] !== undefined && !skip?.has(k)) n++;
  w.byte(Tag.Obj);
  w.varint(n);
  for (const k of keys) {
    const v = obj[k];
    if (v === undefined || skip?.has(k)) continue;
    writeMemberName(w, k);
    writeValue(w, v, depth + 1);
  }
}

function writeMemberName(w: ByteWriter, name: string): void {
  const d = dictionaryIndex(name);
  if (d >= 0) w.varint(2 * d + 1);
  else {
    if (!name.isWellFormed()) {
      throw new InvalidArgumentError(
        'member name',
        JSON.stringify(name),
        'contains a lone UTF-16 surrogate',
      );
    }
    const len = Buffer.byteLength(name, 'utf8');
    w.varint(2 * len);
    w.bytes(Buffer.from(name, 'utf8'));
  }
}

function writeNumber(w: ByteWriter, x: number): void {
  if (Number.isSafeInteger(x)) {
    if (x >= 0) {
      w.byte(Tag.UInt);
      w.varint(x === 0 ? 0 : x); // folds -0 into 0
    } else {
      w.byte(Tag.NegInt);
      w.varint(-x);
    }
    return;
  }
  if (!Number.isFinite(x))
    throw new InvalidArgumentError('number', x, 'NaN and Infinity cannot be stored');
  for (let k = 1; k <= MAX_DECIMAL_SCALE; k++) {
    const n = Math.round(x * POW10[k]!);
    if (Math.abs(n) < 2 ** 52 && n / POW10[k]! === x) {
      w.byte(Tag.DecimalBase + k);
      w.varint(zigzag(n));
      return;
    }
  }
  w.byte(Tag.Float);
  w.float64(x);
}

const zigzag = (n: number): number => (n >= 0 ? n * 2 : -n * 2 - 1);
const unzigzag = (z: number): number => (z % 2 === 0 ? z / 2 : -(z + 1) / 2);

export function decodeValue(bytes: Uint8Array): JsonValue {
  const r = new ByteReader(bytes);
  const v = readValue(r);
  if (!r.done) throw new CorruptionError('trailing bytes after canonical value');
  return v;
}

/** Visitor over one encoded value: `decodeValue` builds objects, `canonical-json.ts` prints text. */
export interface ValueVisitor<T> {
  scalar(v: null | boolean | number | string): T;
  array(items: T[]): T;
  object(names: string[], values: T[]): T;
}

export function readValue(r: ByteReader): JsonValue {
  return visitValue(r, BUILD);
}

const BUILD: ValueVisitor<JsonValue> = {
  scalar: (v) => v,
  array: (items) => items,
  object(names, values) {
    const out: Record<string, JsonValue> = {};
    for (let i = 0; i < names.length; i++) {
      const k = names[i]!;
      if (k === '__proto__')
        Object.defineProperty(out, k, {
          value: values[i],
          enumerable: true,
          writable: true,
          configurable: true,
        });
      else out[k] = values[i]!;
    }
    return out;
  },
};

export function visitValue<T>(r: ByteReader, v: ValueVisitor<T>): T {
  const tag = r.byte();
  switch (tag) {
    case Tag.Null:
      return v.scalar(null);
    case Tag.False:
      return v.scalar(false);
    case Tag.True:
      return v.scalar(true);
    case Tag.UInt:
      return v.scalar(r.varint());
    case Tag.NegInt:
      return v.scalar(-r.varint());
    case Tag.DictStr:
      return v.scalar(dictionaryString(r.varint()));
    case Tag.Float:
      return v.scalar(r.float64());
    case Tag.Str:
      return v.scalar(r.utf8());
    case Tag.InstantSeconds:
      return v.scalar(formatInstant(unzigzag(r.varint()) * 1000, false));
    case Tag.InstantMillis:
      return v.scalar(formatInstant(unzigzag(r.varint()), true));
    case Tag.Arr: {
      const n = r.varint();
      const items: T[] = new Array(n);
      for (let i = 0; i < n; i++) items[i] = visitValue(r, v);
      return v.array(items);
    }
    case Tag.Obj: {
      const n = r.varint();
      const names: string[] = new Array(n);
      const values: T[] = new Array(n);
      for (let i = 0; i < n; i++) {
        names[i] = readMemberName(r);
        values[i] = visitValue(r, v);
      }
      return v.object(names, values);
    }
    default:
      if (tag > Tag.DecimalBase && tag <= Tag.DecimalBase + MAX_DECIMAL_SCALE) {
        return v.scalar(unzigzag(r.varint()) / POW10[tag - Tag.DecimalBase]!);
      }
      throw new CorruptionError(`unknown canonical value tag ${tag}`);
  }
}

/** Moves past one encoded value without building or formatting any of it. */
export function skipValue(r: ByteReader): void {
  const tag = r.byte();
  switch (tag) {
    case Tag.Null:
    case Tag.False:
    case Tag.True:
      return;
    case Tag.Float:
      return r.skip(8);
    case Tag.Str:
      return r.skip(r.varint());
    case Tag.Arr:
      for (let n = r.varint(); n > 0; n--) skipValue(r);
      return;
    case Tag.Obj:
      for (let n = r.varint(); n > 0; n--) {
        const x = r.varint();
        if (x % 2 === 0) r.skip(x / 2);
        skipValue(r);
      }
      return;
    case Tag.UInt:
    case Tag.NegInt:
    case Tag.DictStr:
    case Tag.InstantSeconds:
    case Tag.InstantMillis:
      r.varint();
      return;
    default:
      if (tag > Tag.DecimalBase && tag <= Tag.DecimalBase + MAX_DECIMAL_SCALE) {
        r.varint();
        return;
      }
      throw new CorruptionError(`unknown canonical value tag ${tag}`);
  }
}

/** Reads an object member name (a dictionary index or inline UTF-8). */
export function readMemberName(r: ByteReader): string {
  const x = r.varint();
  if (x % 2 === 1) return dictionaryString((x - 1) / 2);
  const bytes = r.bytes(x / 2);
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
}

function dictionaryString(i: number): string {
  const s = CANONICAL_DICTIONARY[i];
  if (s === undefined) throw new CorruptionError(`unknown dictionary string ${i}`);
  return s;
}

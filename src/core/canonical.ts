/**
 * Canonical binary encoding of JSON-like values (layer: core).
 *
 * Invariant: one logical value has exactly one encoding, on every machine, so content hashes are
 * stable. Rules: object keys are sorted by UTF-16 code units and `undefined` members are
 * dropped (as JSON does); -0 is 0; safe integers are varints; other finite numbers that are an
 * exact short decimal (n / 10^k, k = 1..6, the usual case for pixel coordinates such as 12.35)
 * are stored as (k, n), the smallest k that reproduces the double exactly, else as float64.
 * NaN and ±Infinity are not JSON and are rejected.
 *
 * Tags (one byte): 0 null, 1 false, 2 true, 3 non-negative int, 4 negative int, 6 float64,
 * 7 string, 8 array, 9 object, 10 + k (k = 1..6) decimal n / 10^k with n zigzag-varint.
 */
import { ByteReader, ByteWriter } from './byte-writer.js';
import { CorruptionError, InvalidArgumentError } from './errors.js';

export type JsonValue = null | boolean | number | string | JsonValue[] | { [k: string]: JsonValue };

const enum Tag {
  Null = 0,
  False = 1,
  True = 2,
  UInt = 3,
  NegInt = 4,
  /** Decimal with scale k is tag DecimalBase + k. */
  DecimalBase = 10,
  Float = 6,
  Str = 7,
  Arr = 8,
  Obj = 9,
}

const MAX_DECIMAL_SCALE = 6;
const POW10 = [1, 10, 100, 1000, 10000, 100000, 1000000];

export function encodeValue(value: unknown): Uint8Array {
  const w = new ByteWriter(128);
  writeValue(w, value);
  return w.finish();
}

/** Append the canonical encoding of `value` to `w`. */
export function writeValue(w: ByteWriter, value: unknown): void {
  switch (typeof value) {
    case 'string':
      w.byte(Tag.Str);
      w.utf8(value);
      return;
    case 'number':
      writeNumber(w, value);
      return;
    case 'boolean':
      w.byte(value ? Tag.True : Tag.False);
      return;
    case 'object':
      if (value === null) w.byte(Tag.Null);
      else if (Array.isArray(value)) writeArray(w, value);
      else writeObject(w, value as Record<string, unknown>);
      return;
    default:
      throw new InvalidArgumentError('value', typeof value, 'only JSON values can be stored');
  }
}

function writeArray(w: ByteWriter, arr: readonly unknown[]): void {
  w.byte(Tag.Arr);
  w.varint(arr.length);
  for (const item of arr) writeValue(w, item === undefined ? null : item);
}

function writeObject(w: ByteWriter, obj: Record<string, unknown>): void {
  const keys = Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort();
  w.byte(Tag.Obj);
  w.varint(keys.length);
  for (const k of keys) {
    w.utf8(k);
    writeValue(w, obj[k]);
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
  if (!Number.isFinite(x)) throw new InvalidArgumentError('number', x, 'NaN and Infinity cannot be stored');
  for (let k = 1; k <= MAX_DECIMAL_SCALE; k++) {
    const n = Math.round(x * POW10[k]!);
    if (Math.abs(n) < 2 ** 52 && n / POW10[k]! === x) {
      w.byte(Tag.DecimalBase + k);
      w.varint(n >= 0 ? n * 2 : -n * 2 - 1);
      return;
    }
  }
  w.byte(Tag.Float);
  w.float64(x);
}

export function decodeValue(bytes: Uint8Array): JsonValue {
  const r = new ByteReader(bytes);
  const v = readValue(r);
  if (!r.done) throw new CorruptionError('trailing bytes after canonical value');
  return v;
}

export function readValue(r: ByteReader): JsonValue {
  const tag = r.byte();
  switch (tag) {
    case Tag.Null:
      return null;
    case Tag.False:
      return false;
    case Tag.True:
      return true;
    case Tag.UInt:
      return r.varint();
    case Tag.NegInt:
      return -r.varint();
    case Tag.Float:
      return r.float64();
    case Tag.Str:
      return r.utf8();
    case Tag.Arr: {
      const n = r.varint();
      const out: JsonValue[] = new Array(n);
      for (let i = 0; i < n; i++) out[i] = readValue(r);
      return out;
    }
    case Tag.Obj: {
      const n = r.varint();
      const out: Record<string, JsonValue> = {};
      for (let i = 0; i < n; i++) {
        const k = r.utf8();
        const v = readValue(r);
        if (k === '__proto__') Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
        else out[k] = v;
      }
      return out;
    }
    default:
      if (tag > Tag.DecimalBase && tag <= Tag.DecimalBase + MAX_DECIMAL_SCALE) return readDecimal(r, tag - Tag.DecimalBase);
      throw new CorruptionError(`unknown canonical value tag ${tag}`);
  }
}

/** The decimal n / 10^k whose zigzag-encoded n comes next. */
export function readDecimal(r: ByteReader, k: number): number {
  const z = r.varint();
  const n = z % 2 === 0 ? z / 2 : -(z + 1) / 2;
  return n / POW10[k]!;
}

export function isDecimalTag(tag: number): boolean {
  return tag > Tag.DecimalBase && tag <= Tag.DecimalBase + MAX_DECIMAL_SCALE;
}

export const DECIMAL_TAG_BASE: number = Tag.DecimalBase;

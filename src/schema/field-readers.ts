/**
 * Reading untyped JSON/YAML values into the schema model, with the field path in every error
 * (layer: schema). Paths look like `classes[2].attributes.color.values`; a file parser maps
 * them back to a line.
 */
import { SchemaInvalidError } from './schema-errors.js';

export type Fields = Readonly<Record<string, unknown>>;

export function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  const s = JSON.stringify(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

export function readObject(v: unknown, at: string): Fields {
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw new SchemaInvalidError(at, `expected an object, got ${describe(v)}`);
  return v as Fields;
}

export function readArray(v: unknown, at: string): readonly unknown[] {
  if (!Array.isArray(v)) throw new SchemaInvalidError(at, `expected a list, got ${describe(v)}`);
  return v;
}

/** A class id or another non-negative safe integer. */
export function readId(v: unknown, at: string): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0)
    throw new SchemaInvalidError(at, `expected a non-negative integer, got ${describe(v)}`);
  return v;
}

export function readName(v: unknown, at: string): string {
  if (typeof v !== 'string' || v.trim().length === 0 || v !== v.trim())
    throw new SchemaInvalidError(
      at,
      `expected a non-empty name without surrounding spaces, got ${describe(v)}`,
    );
  return v;
}

export function readIds(v: unknown, at: string, min = 1): number[] {
  const ids = readArray(v, at).map((x, i) => readId(x, `${at}[${i}]`));
  if (ids.length < min) throw new SchemaInvalidError(at, `expected at least ${min} class id(s)`);
  if (new Set(ids).size !== ids.length) throw new SchemaInvalidError(at, 'repeats a class id');
  return ids;
}

/** Rejects members other than `allowed` (a typo like `requird` must not pass silently). */
export function onlyFields(o: Fields, allowed: readonly string[], at: string): void {
  for (const k of Object.keys(o))
    if (!allowed.includes(k))
      throw new SchemaInvalidError(
        `${at}.${k}`,
        `unknown field (expected one of: ${allowed.join(', ')})`,
      );
}

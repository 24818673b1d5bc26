/**
 * JSON merge patch, RFC 7396 (layer: dataset; pure): what `apply`'s `patch` op does to a stored
 * label and its review.
 *
 * `applyMergePatch(target, patch)`: a patch that is not an object replaces the target; an object
 * patch is applied member by member onto the target (a non-object target counts as `{}`): a
 * `null` member removes that member, any other value is merged recursively (so nested objects
 * such as `attributes` merge, and arrays such as `bbox` are replaced whole). Neither argument is
 * modified. Properties (tested): applying the same patch twice gives the result of applying it
 * once; a patch without nulls leaves every member it names equal to its value.
 */
import type { JsonValue } from '../core/canonical.js';

type JsonObject = { [k: string]: JsonValue };

export function applyMergePatch(target: JsonValue | undefined, patch: JsonValue): JsonValue {
  if (!isObject(patch)) return patch;
  const out: JsonObject = isObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else
      // defineProperty: a member named `__proto__` is data, never the prototype.
      Object.defineProperty(out, k, {
        value: applyMergePatch(Object.hasOwn(out, k) ? out[k] : undefined, v),
        enumerable: true,
        writable: true,
        configurable: true,
      });
  }
  return out;
}

export const isObject = (v: JsonValue | undefined): v is JsonObject =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The merge patch that turns `from` into `to` (`applyMergePatch(from, diffMergePatch(from, to))`
 * equals `to` whenever `to` holds no `null` member: a merge patch cannot set one), or undefined
 * when they are equal. Members equal on both sides are left out, nested objects are diffed
 * member by member, anything else that differs is taken whole from `to`.
 */
export function diffMergePatch(from: JsonValue, to: JsonValue): JsonValue | undefined {
  if (!isObject(from) || !isObject(to)) return sameJson(from, to) ? undefined : to;
  const patch: JsonObject = {};
  let changed = false;
  for (const k of Object.keys(from))
    if (!Object.hasOwn(to, k)) {
      patch[k] = null;
      changed = true;
    }
  for (const [k, v] of Object.entries(to)) {
    const d = Object.hasOwn(from, k) ? diffMergePatch(from[k]!, v) : v;
    if (d === undefined) continue;
    Object.defineProperty(patch, k, {
      value: d,
      enumerable: true,
      writable: true,
      configurable: true,
    });
    changed = true;
  }
  return changed ? patch : undefined;
}

/** Structural equality of two JSON values (member order ignored). */
export function sameJson(a: JsonValue, b: JsonValue): boolean {
  if (a === b) return true;
  if (Array.isArray(a))
    return Array.isArray(b) && a.length === b.length && a.every((v, i) => sameJson(v, b[i]!));
  if (!isObject(a) || !isObject(b)) return false;
  const ka = Object.keys(a);
  return (
    ka.length === Object.keys(b).length &&
    ka.every((k) => Object.hasOwn(b, k) && sameJson(a[k]!, b[k]!))
  );
}

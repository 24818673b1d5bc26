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

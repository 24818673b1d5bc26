/**
 * Field names in one case for `--json` and the HTTP API (layer: core): snake_case, the case of the label interchange
 * (`annotated_at`, `file_name`). API results are TypeScript objects with camelCase members;
 * this renames their members once, at the surface, so every command agrees.
 *
 * Only Verso's own structure is renamed. Members whose values are user data are copied as they
 * are, since their keys are the user's (a run's `params`, a model's `metrics`, a class's
 * `attributes`, a commit's stored `operations`, the label records of a merge conflict or a
 * diff, per-split counts): DATA_MEMBERS lists them. A member is renamed only when it reads as
 * lowerCamelCase with every capital followed by a lower-case letter or digit
 * (`exampleCount` -> `example_count`), so `mAP` or `IoU` stay as they are. Non-plain objects
 * (byte arrays, dates) are left to `JSON.stringify`.
 */

const DATA_MEMBERS: ReadonlySet<string> = new Set([
  'operations',
  'params',
  'metrics',
  'output',
  'attributes',
  'base',
  'ours',
  'theirs',
  'value',
  'before',
  'after',
  'record',
  'annotator',
  'reviewer',
  'counts',
  'weights',
]);

const LOWER_CAMEL = /^[a-z][a-z0-9]*(?:[A-Z][a-z0-9]+)+$/;

export function snakeCase(name: string): string {
  return LOWER_CAMEL.test(name) ? name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`) : name;
}

/** `value` with the members of its plain objects renamed to snake_case (data members kept). */
export function snakeCaseJson(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(snakeCaseJson);
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (v === undefined) continue;
    out[snakeCase(k)] = DATA_MEMBERS.has(k) ? v : snakeCaseJson(v);
  }
  return out;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object') return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * What a parsed input value may hold before Verso stores it (layer: core, pure).
 *
 * - Nesting: at most `MAX_NESTING` levels of arrays and objects. Labels need a handful
 *   (`segmentation` is 2, `attributes.parts[i].bbox` 4); the limit keeps every recursive
 *   walk of a stored value (encoding, rendering, diff, merge) far from the call stack's limit,
 *   whatever the machine, so a value that was stored can always be read back.
 * - Strings and member names: well-formed UTF-16, i.e. no lone surrogate (`"\ud800"` in JSON
 *   escapes): UTF-8 cannot hold one, and encoding it would silently store U+FFFD instead.
 * - Numbers: finite. `JSON.parse` reads `1e400` as Infinity, which no JSON can write back.
 * The canonical writer (`canonical.ts`) enforces all three on every write path; parsers walk a
 * value here to name the field in their error (the JSONL import only when the writer refused a
 * line, to keep its hot path free). The walk stops at the limit, so it is itself safe on any
 * depth `JSON.parse` returns.
 */

export const MAX_NESTING = 64;

export interface ValueProblem {
  /** Where, as a field path (`attributes.parts[0].name`); '' for the value itself. */
  readonly field: string;
  readonly why: string;
}

export const TOO_DEEP = `arrays and objects nested more than ${MAX_NESTING} levels deep (Verso stores at most ${MAX_NESTING})`;

export const NOT_FINITE =
  'a number too large for a 64-bit float (it reads as infinity, which JSON cannot write back)';

export const LONE_SURROGATE =
  'contains a lone UTF-16 surrogate (a \\ud800-\\udfff escape that is not half of a pair), which no UTF-8 text can hold';

/**
 * The first problem in `value` (depth first, member order), or undefined. `strings: false`
 * skips the surrogate check (callers that know no `\u` escape occurs in the source text).
 */
export function jsonValueProblem(
  value: unknown,
  opts: { readonly strings?: boolean } = {},
): ValueProblem | undefined {
  const path: (string | number)[] = [];
  const why = walk(value, 0, opts.strings !== false, path);
  return why === undefined ? undefined : { field: fieldPath(path), why };
}

/** The problem's reason; `path` gets the segments leading to it (pushed on the way back up). */
function walk(
  v: unknown,
  depth: number,
  strings: boolean,
  path: (string | number)[],
): string | undefined {
  if (typeof v === 'string') return strings && !v.isWellFormed() ? LONE_SURROGATE : undefined;
  if (typeof v === 'number') return Number.isFinite(v) ? undefined : NOT_FINITE;
  if (typeof v !== 'object' || v === null) return undefined;
  if (depth >= MAX_NESTING) return TOO_DEEP;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const item: unknown = v[i];
      // Arrays of numbers (polygons, keypoints) are most of a label: no call per number.
      if (typeof item === 'number' && Number.isFinite(item)) continue;
      const why = walk(item, depth + 1, strings, path);
      if (why !== undefined) {
        path.push(i);
        return why;
      }
    }
    return undefined;
  }
  const obj = v as Record<string, unknown>;
  for (const k in obj) {
    if (strings && !k.isWellFormed()) {
      path.push(k);
      return `member name ${LONE_SURROGATE}`;
    }
    const why = walk(obj[k], depth + 1, strings, path);
    if (why !== undefined) {
      path.push(k);
      return why;
    }
  }
  return undefined;
}

/**
 * `['parts', 0, 'attributes']` (pushed innermost first) -> `attributes.parts[0]`; a long path
 * (deep nesting, more than 12 segments) is cut after its first 6: `deep[0][0][0][0][0]...`.
 */
function fieldPath(reversed: readonly (string | number)[]): string {
  let out = '';
  const last = reversed.length > 12 ? reversed.length - 6 : 0;
  for (let i = reversed.length - 1; i >= last; i--) {
    const s = reversed[i]!;
    // A name with a lone surrogate is shown escaped: printed raw it would read as U+FFFD.
    const name = typeof s === 'string' && !s.isWellFormed() ? JSON.stringify(s).slice(1, -1) : s;
    out += typeof name === 'number' ? `[${name}]` : out === '' ? name : `.${name}`;
  }
  return last > 0 ? `${out}...` : out;
}

/** A `JSON.parse` error on one line: V8 quotes the text around the fault, newlines included. */
export function jsonErrorText(e: unknown): string {
  return String((e as Error)?.message ?? e).replace(/\s+/g, ' ');
}

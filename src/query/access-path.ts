/**
 * Access paths of a filter (layer: query): the ways the labels a filter can match may be found
 * without scanning the snapshot. Pure: the planner (`api/query-plan.ts`) prices each path with
 * range counts on the real indexes and picks one, or the scan.
 *
 * Every path yields a *superset* of the labels its expression matches (the filter is always
 * evaluated again on what a path yields), so a path may be loose but never misses a label.
 * - `index`: key ranges of a secondary index (`index-entries.ts`); `exact` when the ranges hold
 *   exactly the matches of the comparison (then a count needs no lookups);
 * - `changes`: the keys of a `changed_since` / `review_changed_since` change set;
 * - `image`: one image's key range (`image in (a, b)`: the union of theirs);
 * - `union` (for `or`): every part has a path; `any` (for `and`): any one option will do.
 * `not`, `exists`, `!=`, and comparisons whose meaning depends on per-value parsing that the
 * index does not capture, have no path.
 */
import type { ChangeTree, Expr, Literal } from './ast.js';
import type { FieldRef } from './fields.js';
import {
  bucketRange,
  exactRange,
  instantRange,
  type IndexedField,
  INDEXED_FIELDS,
  type IndexRange,
} from './index-entries.js';

export type AccessPath =
  | {
      readonly type: 'index';
      readonly field: IndexedField;
      readonly ranges: readonly IndexRange[];
      readonly exact: boolean;
      /** The comparison, for `--explain`. */
      readonly text: string;
    }
  | { readonly type: 'changes'; readonly tree: ChangeTree; readonly ref: string }
  | { readonly type: 'image'; readonly image: string }
  | { readonly type: 'union'; readonly parts: readonly AccessPath[] }
  | { readonly type: 'any'; readonly options: readonly AccessPath[] };

export interface AccessOptions {
  /** Labels are read through a schema projection: their stored fields are not what is matched. */
  readonly contentMapped?: boolean;
}

export function accessPath(e: Expr, opts: AccessOptions = {}): AccessPath | undefined {
  switch (e.type) {
    case 'and': {
      const options = [accessPath(e.left, opts), accessPath(e.right, opts)]
        .filter((p): p is AccessPath => p !== undefined)
        .flatMap((p) => (p.type === 'any' ? p.options : [p]));
      if (options.length === 0) return undefined;
      return options.length === 1 ? options[0] : { type: 'any', options };
    }
    case 'or': {
      const [a, b] = [accessPath(e.left, opts), accessPath(e.right, opts)];
      return a && b ? { type: 'union', parts: [a, b] } : undefined;
    }
    case 'changed':
      return { type: 'changes', tree: e.tree, ref: e.ref };
    case 'compare':
      if (e.op === '!=') return undefined;
      return comparePath(e.field, e.op === '=' ? [e.value] : [], e.op, e.value, opts);
    case 'in':
      return comparePath(e.field, e.values, '=', undefined, opts);
    case 'in_period': {
      const f = indexedFieldOf(e.field, opts);
      if (!f?.date) return undefined;
      const { start, end } = e.interval;
      return index(f, [instantRange(f.field, start, end)], true, `${e.field.name} in ${e.period}`);
    }
    default:
      return undefined;
  }
}

/** `field = v1 or ... = vn` (`equal` non-empty), or `field OP bound` for an ordering OP. */
function comparePath(
  field: FieldRef,
  equal: readonly Literal[],
  op: string,
  bound: Literal | undefined,
  opts: AccessOptions,
): AccessPath | undefined {
  if (field.source === 'key' && field.path[0] === 'image' && equal.length > 0) {
    if (equal.some((l) => l.instant !== undefined)) return undefined;
    const parts = equal.map((l): AccessPath => ({ type: 'image', image: l.text }));
    return parts.length === 1 ? parts[0] : { type: 'union', parts };
  }
  const f = indexedFieldOf(field, opts);
  if (!f) return undefined;
  const loose = [bucketRange(f.field, 'o'), ...(f.date ? [bucketRange(f.field, 's')] : [])];
  if (equal.length === 0) {
    // An ordering comparison: only instants against a date field have an order the index keeps.
    if (!f.date || bound?.instant === undefined) return undefined;
    const t = bound.instant;
    const [from, to] =
      op === '>'
        ? [t + 1, Infinity]
        : op === '>='
          ? [t, Infinity]
          : op === '<'
            ? [-Infinity, t]
            : [-Infinity, t + 1];
    return index(
      f,
      [instantRange(f.field, from, to), ...loose],
      false,
      `${field.name} ${op} ${bound.text}`,
    );
  }
  const ranges: IndexRange[] = [];
  let exact = true;
  const seen = new Set<string>();
  for (const l of equal) {
    // `in (a, a)` or `in (a, "a")`: one range, or a count would add it twice.
    const id = JSON.stringify([l.text, l.instant, l.number, l.bool]);
    if (seen.has(id)) continue;
    seen.add(id);
    if (l.instant !== undefined) {
      if (!f.date) return undefined; // a text field compared as instants: not what the index keeps
      ranges.push(instantRange(f.field, l.instant, l.instant + 1));
      exact = false;
    } else if (f.date)
      return undefined; // a date field compared as text: likewise
    else {
      ranges.push(exactRange(f.field, l.text));
      if (l.number !== undefined || l.bool !== undefined) exact = false;
    }
  }
  if (!exact) ranges.push(...loose);
  const text = `${field.name} ${equal.length === 1 ? `= ${equal[0]!.text}` : `in (${equal.map((l) => l.text).join(', ')})`}`;
  return index(f, ranges, exact, text);
}

function index(
  field: IndexedField,
  ranges: readonly IndexRange[],
  exact: boolean,
  text: string,
): AccessPath {
  return { type: 'index', field, ranges, exact, text };
}

/** The indexed field a filter field names, if the index can answer it. */
function indexedFieldOf(f: FieldRef, opts: AccessOptions): IndexedField | undefined {
  if (f.source === 'split') return INDEXED_FIELDS.find((x) => x.tree === 'splits');
  if (f.path.length !== 1) return undefined;
  if (f.source === 'label' && !opts.contentMapped)
    return INDEXED_FIELDS.find((x) => x.tree === 'labels' && x.member === f.path[0]);
  if (f.source === 'review')
    return INDEXED_FIELDS.find((x) => x.tree === 'reviews' && x.member === f.path[0]);
  return undefined;
}

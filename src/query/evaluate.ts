/**
 * Compiles a filter's syntax tree to a predicate over a `RecordView` (layer: query).
 *
 * Semantics (docs/formats.md, "Filter language"):
 * - a comparison with a missing (or null) field value is false, and `a != v` is `not (a = v)`;
 * - numbers compare with bare numerals; booleans with bare `true`/`false` (`=`, `!=` only);
 *   strings compare with the literal's text (by UTF-16 code units), except that when the
 *   literal is an ISO date/instant or an offset (`-90d`) and the value parses as an ISO instant,
 *   both compare as instants; arrays and objects match only `exists`;
 * - `in (a, b)` is `= a or = b`; `in PERIOD` holds when the value is an instant in the period;
 * - `changed_since(R)` / `review_changed_since(R)` look the key up in the change set the caller
 *   computed for (tree, R) (`changeSetName`);
 * - `pred(M).X` reads the label's matched prediction in M (`RecordView.predictionOf`, filled by
 *   the caller's join), missing when it has none; `margin` and `entropy` are computed from its
 *   scores (`dataset/prediction-uncertainty.ts`); `iou(pred(M), label)` is always a number;
 *   `matched(pred(M))` holds when the label has a matched prediction;
 * - `annotators` is the number of annotators of the object the label is (0 for a label that is
 *   no object), `agreement` its agreement, missing when the image has fewer than two annotators
 *   (`RecordView.annotations`, filled by the caller's join);
 * - `FIELD in A..B` holds for a number within the range, both ends included; over tracks,
 *   `frame in A..B` holds when the track is visible at some frame of A..B, and `track.length`,
 *   `track.keyframes`, `track.first`, `track.last` read the track's summary (`RecordView.track`);
 * - a comparison of two fields (`pred(M).class != class`) is false when either is missing,
 *   else as a comparison with the right side's value as a literal.
 */
import type { JsonValue } from '../core/canonical.js';
import { parseInstantMillis } from '../core/iso-instant.js';
import { labelKind } from '../dataset/label-geometry.js';
import { uncertainty } from '../dataset/prediction-uncertainty.js';
import type { ChangeTree, CompareOp, Expr, Literal } from './ast.js';
import type { FieldRef } from './fields.js';
import type { RecordView } from './record-view.js';

export type Predicate = (v: RecordView) => boolean;

/** The trees a filter reads besides the labels, and the change sets it needs. */
export interface FilterNeeds {
  readonly reviews: boolean;
  readonly assets: boolean;
  readonly splits: boolean;
  readonly changes: readonly { readonly tree: ChangeTree; readonly ref: string }[];
  /** The prediction sets `pred(M)` terms name, as written, each once. */
  readonly predictions: readonly string[];
  /** Whether `annotators`/`agreement` are read (the objects and annotations trees). */
  readonly annotations: boolean;
}

export const changeSetName = (tree: ChangeTree, ref: string): string => `${tree}\u0000${ref}`;

export function filterNeeds(e: Expr): FilterNeeds {
  const sources = new Set<string>();
  const changes = new Map<string, { tree: ChangeTree; ref: string }>();
  const predictions = new Set<string>();
  const field = (f: FieldRef) => {
    sources.add(f.source);
    if (f.model !== undefined) predictions.add(f.model);
  };
  const walk = (x: Expr): void => {
    switch (x.type) {
      case 'and':
      case 'or':
        walk(x.left);
        walk(x.right);
        return;
      case 'not':
        return walk(x.expr);
      case 'changed':
        changes.set(changeSetName(x.tree, x.ref), { tree: x.tree, ref: x.ref });
        return;
      case 'matched':
        predictions.add(x.model);
        return;
      case 'compare_fields':
        field(x.left);
        field(x.right);
        return;
      default:
        field(x.field);
    }
  };
  walk(e);
  return {
    reviews: sources.has('review'),
    assets: sources.has('asset'),
    splits: sources.has('split'),
    changes: [...changes.values()],
    predictions: [...predictions],
    annotations: sources.has('annotations'),
  };
}

/** The predicate of `e`; `changeSets` holds the key ids (`keyIdOf`) of every change set it names. */
export function compileFilter(
  e: Expr,
  changeSets: ReadonlyMap<string, ReadonlySet<string>> = new Map(),
): Predicate {
  switch (e.type) {
    case 'and': {
      const [a, b] = [compileFilter(e.left, changeSets), compileFilter(e.right, changeSets)];
      return (v) => a(v) && b(v);
    }
    case 'or': {
      const [a, b] = [compileFilter(e.left, changeSets), compileFilter(e.right, changeSets)];
      return (v) => a(v) || b(v);
    }
    case 'not': {
      const a = compileFilter(e.expr, changeSets);
      return (v) => !a(v);
    }
    case 'exists': {
      const get = fieldGetter(e.field);
      return (v) => get(v) != null;
    }
    case 'compare': {
      const get = fieldGetter(e.field);
      const { op, value } = e;
      return (v) => compareValue(get(v), op, value);
    }
    case 'in': {
      const get = fieldGetter(e.field);
      const values = e.values;
      return (v) => {
        const x = get(v);
        return values.some((l) => compareValue(x, '=', l));
      };
    }
    case 'in_period': {
      const get = fieldGetter(e.field);
      const { start, end } = e.interval;
      return (v) => {
        const t = instantOf(get(v));
        return t !== undefined && t >= start && t < end;
      };
    }
    case 'in_range': {
      const { from, to } = e;
      if (e.field.source === 'track' && e.field.path[0] === 'frame')
        return (v) => (v.track()?.spans ?? []).some(([a, b]) => a <= to && b >= from);
      const get = fieldGetter(e.field);
      return (v) => {
        const x = get(v);
        return typeof x === 'number' && x >= from && x <= to;
      };
    }
    case 'changed': {
      const set = changeSets.get(changeSetName(e.tree, e.ref));
      if (!set) throw new Error(`no change set computed for ${e.tree} since ${e.ref}`);
      return (v) => set.has(v.keyId());
    }
    case 'matched': {
      const model = e.model;
      return (v) => v.predictionOf(model)?.prediction !== undefined;
    }
    case 'compare_fields': {
      const [left, right] = [fieldGetter(e.left), fieldGetter(e.right)];
      const op = e.op;
      return (v) => {
        const [a, b] = [left(v), right(v)];
        return a != null && b != null && typeof b !== 'object' && compareValue(a, op, literalOf(b));
      };
    }
  }
}

/** A stored scalar as the literal a comparison takes. */
function literalOf(x: string | number | boolean): Literal {
  return {
    text: String(x),
    quoted: typeof x === 'string',
    column: 0,
    ...(typeof x === 'number' ? { number: x } : {}),
    ...(typeof x === 'boolean' ? { bool: x } : {}),
  };
}

type Getter = (v: RecordView) => JsonValue | undefined;

function fieldGetter(f: FieldRef): Getter {
  switch (f.source) {
    case 'key':
      return f.path[0] === 'image' ? (v) => v.key().image : (v) => v.key().label;
    case 'kind':
      return (v) => labelKind(v.content());
    case 'split':
      return (v) => v.split();
    case 'label': {
      const [name, ...rest] = f.path as [string, ...string[]];
      const top: Getter = (v) => v.contentMember(name);
      return rest.length === 0 ? top : pathGetter(rest, top);
    }
    case 'review':
      return pathGetter(f.path, (v) => v.review());
    case 'asset':
      return pathGetter(f.path, (v) => v.asset());
    case 'pred':
      return predictionGetter(f.model!, f.path);
    case 'track': {
      const member = f.path[0] as 'length' | 'keyframes' | 'first' | 'last';
      return (v) => v.track()?.[member] ?? undefined;
    }
    case 'annotations':
      return f.path[0] === 'annotators'
        ? (v) => v.annotations()?.annotators ?? 0
        : (v) => v.annotations()?.agreement ?? undefined;
  }
}

function predictionGetter(model: string, path: readonly string[]): Getter {
  const [name, ...rest] = path as [string, ...string[]];
  switch (name) {
    case 'iou':
      return (v) => v.predictionOf(model)?.iou ?? 0;
    case 'prediction':
      return (v) => v.predictionOf(model)?.prediction?.id;
    case 'margin':
    case 'entropy':
      return (v) => {
        const p = v.predictionOf(model)?.prediction;
        return p && uncertainty(name, p.content, '', '');
      };
    default: {
      const top: Getter = (v) => v.predictionOf(model)?.prediction?.content[name];
      return rest.length === 0 ? top : pathGetter(rest, top);
    }
  }
}

function pathGetter(path: readonly string[], root: Getter): Getter {
  if (path.length === 1) {
    const name = path[0]!;
    return (v) => member(root(v), name);
  }
  return (v) => path.reduce<JsonValue | undefined>((x, name) => member(x, name), root(v));
}

function member(x: JsonValue | undefined, name: string): JsonValue | undefined {
  return x !== null && typeof x === 'object' && !Array.isArray(x) ? x[name] : undefined;
}

/** `x OP literal` (see the header); `!=` is the negation of `=`. */
export function compareValue(x: JsonValue | undefined, op: CompareOp, l: Literal): boolean {
  if (op === '!=') return !compareValue(x, '=', l);
  const c = order(x, l);
  if (c === undefined || (typeof x === 'boolean' && op !== '=')) return false;
  switch (op) {
    case '=':
      return c === 0;
    case '<':
      return c < 0;
    case '<=':
      return c <= 0;
    case '>':
      return c > 0;
    case '>=':
      return c >= 0;
  }
}

/** Sign of `x - literal`, or undefined when they do not compare. */
function order(x: JsonValue | undefined, l: Literal): number | undefined {
  if (typeof x === 'number') return l.number === undefined ? undefined : Math.sign(x - l.number);
  // Booleans are unordered: `=` holds for the same value and no ordering operator ever holds.
  if (typeof x === 'boolean') return l.bool === undefined ? undefined : x === l.bool ? 0 : NaN;
  if (typeof x !== 'string') return undefined;
  if (l.instant !== undefined) {
    const t = instantOf(x);
    if (t !== undefined) return Math.sign(t - l.instant);
  }
  return x === l.text ? 0 : x < l.text ? -1 : 1;
}

const ISO_LIKE = /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2}))?$/;

/** Epoch ms of an ISO date or instant string, else undefined. */
export function instantOf(x: JsonValue | undefined): number | undefined {
  if (typeof x !== 'string') return undefined;
  const strict = parseInstantMillis(x);
  if (strict !== undefined) return strict;
  if (!ISO_LIKE.test(x)) return undefined;
  const t = Date.parse(x.length === 10 ? `${x}T00:00:00Z` : x);
  return Number.isNaN(t) ? undefined : t;
}

/**
 * The filter language's syntax tree (layer: query). Built by `parser.ts`, compiled to a
 * predicate by `evaluate.ts`. Fields are resolved while parsing (`fields.ts`), so a tree only
 * ever names known fields; `column` (1-based) points into the expression for messages.
 */
import type { FieldRef } from './fields.js';

export type CompareOp = '=' | '!=' | '<' | '<=' | '>' | '>=';

/**
 * A literal as written. `text` is the bare word or the quoted string's content; `number` is
 * set for bare numerals, `bool` for bare `true`/`false`, `instant` (epoch ms) for ISO dates and
 * instants and for relative offsets such as `-90d` (resolved against the current time).
 */
export interface Literal {
  readonly text: string;
  readonly quoted: boolean;
  readonly number?: number;
  readonly bool?: boolean;
  readonly instant?: number;
  readonly column: number;
}

/** A time interval [start, end) in epoch ms; `end` may be +Infinity (`-90d`: since then). */
export interface Interval {
  readonly start: number;
  readonly end: number;
}

export type ChangeTree = 'labels' | 'reviews';

export type Expr =
  | { readonly type: 'and' | 'or'; readonly left: Expr; readonly right: Expr }
  | { readonly type: 'not'; readonly expr: Expr }
  | {
      readonly type: 'compare';
      readonly field: FieldRef;
      readonly op: CompareOp;
      readonly value: Literal;
    }
  | { readonly type: 'in'; readonly field: FieldRef; readonly values: readonly Literal[] }
  | {
      readonly type: 'in_period';
      readonly field: FieldRef;
      readonly period: string;
      readonly interval: Interval;
    }
  /**
   * `FIELD in A..B` (integers, both ends included): a number within the range; for a track's
   * `frame`, the track is visible at some frame of the range.
   */
  | {
      readonly type: 'in_range';
      readonly field: FieldRef;
      readonly from: number;
      readonly to: number;
    }
  | { readonly type: 'exists'; readonly field: FieldRef }
  | { readonly type: 'changed'; readonly tree: ChangeTree; readonly ref: string }
  /** `matched(pred(M))`: the label has a matched prediction in M. */
  | { readonly type: 'matched'; readonly model: string }
  /** `pred(M).class != class`: two fields of one label; false when either is missing. */
  | {
      readonly type: 'compare_fields';
      readonly left: FieldRef;
      readonly op: CompareOp;
      readonly right: FieldRef;
    };

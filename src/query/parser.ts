/**
 * Recursive-descent parser of the filter language (layer: query). Grammar (keywords are
 * case-insensitive; precedence `not` > `and` > `or`):
 *
 *   expr       := and ('or' and)*
 *   and        := unary ('and' unary)*
 *   unary      := 'not' unary | primary
 *   primary    := '(' expr ')' | 'exists' FIELD | CHANGE '(' REF ')' | 'matched' '(' PRED ')'
 *               | FIELD test
 *   test       := OP value | OP FIELD | ['not'] 'in' '(' value (',' value)* ')' | ['not'] 'in' PERIOD
 *               | ['not'] 'in' A..B      (integers A <= B, both included)
 *   CHANGE     := 'changed_since' | 'review_changed_since'
 *   FIELD      := NAME | PRED '.' NAME | 'iou' '(' PRED ',' 'label' ')'
 *   PRED       := 'pred' '(' M ')'      (M: a prediction set id or a model's NAME@VERSION)
 *   value      := "quoted string" | bare word (number, true/false, ISO date/instant, -90d, text)
 *
 * `OP FIELD` (a comparison of two fields of one label) is read when either side is a
 * prediction field: `pred(M).class != class`, `class = pred(M).class`; a bare word after a
 * prediction field's operator that names a field is that field (quote it to mean the text).
 *
 * Fields are resolved here (`fields.ts`): an unknown name is a `QuerySyntaxError` listing the
 * fields. Relative offsets and periods are resolved against `now` (`periods.ts`). A filter over
 * tracks (`subject: 'tracks'`) names the track fields instead (`resolveTrackField`), and their
 * `frame` only as `frame in A..B`.
 */
import { QuerySyntaxError } from './query-errors.js';
import type { CompareOp, Expr, Literal } from './ast.js';
import {
  FIELD_NAMES,
  PRED_FIELDS,
  predIouField,
  resolveField,
  resolvePredField,
  resolveTrackField,
  TRACK_FIELD_NAMES,
  type FieldRef,
} from './fields.js';
import { tokenize, type Token } from './lexer.js';
import { offsetInstant, PERIOD_NAMES, periodInterval } from './periods.js';

const KEYWORDS = new Set(['and', 'or', 'not', 'in', 'exists']);
const CHANGE_CALLS: Readonly<Record<string, 'labels' | 'reviews'>> = {
  changed_since: 'labels',
  review_changed_since: 'reviews',
};
const NUMBER = /^-?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

const RANGE = /^(-?\d+)\.\.(-?\d+)$/;

export interface ParseOptions {
  /** The current time in epoch ms for periods and offsets (default: the system clock). */
  readonly now?: number;
  /** What the filter selects: labels (the default) or video tracks (`verso tracks`). */
  readonly subject?: 'labels' | 'tracks';
}

export function parseFilter(expression: string, opts: ParseOptions = {}): Expr {
  return new Parser(expression, opts.now ?? Date.now(), opts.subject ?? 'labels').parseAll();
}

class Parser {
  private readonly tokens: Token[];
  private pos = 0;

  constructor(
    private readonly expression: string,
    private readonly now: number,
    private readonly subject: 'labels' | 'tracks',
  ) {
    this.tokens = tokenize(expression);
  }

  parseAll(): Expr {
    if (this.peek().type === 'end') this.fail(this.peek(), 'empty expression');
    const e = this.or();
    const t = this.peek();
    if (t.type !== 'end') this.fail(t, `expected 'and', 'or' or the end${found(t)}`);
    return e;
  }

  private or(): Expr {
    return this.binary('or', () => this.and());
  }

  private and(): Expr {
    return this.binary('and', () => this.unary());
  }

  /** Left-associative `operand (op operand)*`. */
  private binary(op: 'and' | 'or', operand: () => Expr): Expr {
    let left = operand();
    while (this.isKeyword(op)) {
      this.pos++;
      left = { type: op, left, right: operand() };
    }
    return left;
  }

  private unary(): Expr {
    if (!this.isKeyword('not')) return this.primary();
    this.pos++;
    return { type: 'not', expr: this.unary() };
  }

  private primary(): Expr {
    const t = this.next();
    if (t.type === '(') {
      const e = this.or();
      const close = this.next();
      if (close.type !== ')')
        this.fail(close, `expected ')' to close the '(' at column ${t.column}${found(close)}`);
      return e;
    }
    if (t.type === 'word' && t.text.toLowerCase() === 'exists')
      return { type: 'exists', field: this.field(this.next(), "'exists'") };
    const tree = t.type === 'word' ? CHANGE_CALLS[t.text] : undefined;
    if (tree && this.peek().type === '(') return { type: 'changed', tree, ref: this.callRef(t) };
    if (this.isCall(t, 'matched')) {
      this.pos++;
      const model = this.predCall(this.next());
      this.close("'matched(pred(M)'");
      return { type: 'matched', model };
    }
    return this.test(this.field(t));
  }

  /** `t` is the word `name` followed by '('. */
  private isCall(t: Token, name: string): boolean {
    return t.type === 'word' && t.text === name && this.peek().type === '(';
  }

  private close(after: string): void {
    const t = this.next();
    if (t.type !== ')') this.fail(t, `expected ')' after ${after}${found(t)}`);
  }

  /** `pred(M)` starting at `t`: M. */
  private predCall(t: Token): string {
    if (!this.isCall(t, 'pred')) this.fail(t, `expected 'pred(M)'${found(t)}`);
    this.pos++;
    const m = this.next();
    if ((m.type !== 'word' && m.type !== 'string') || m.text === '')
      this.fail(m, "expected a prediction set id or a model's NAME@VERSION after 'pred('");
    this.close(`'pred(${m.text}'`);
    return m.text;
  }

  /** `pred(M).NAME` or `iou(pred(M), label)` starting at `t`, or undefined when `t` starts neither. */
  private predField(t: Token): FieldRef | undefined {
    if (this.isCall(t, 'iou')) {
      this.pos++;
      const model = this.predCall(this.next());
      const comma = this.next();
      if (comma.type !== ',')
        this.fail(comma, `expected ', label' after 'pred(${model})'${found(comma)}`);
      const label = this.next();
      if (label.type !== 'word' || label.text !== 'label')
        this.fail(
          label,
          `expected 'label' (iou compares a label with its prediction)${found(label)}`,
        );
      this.close(`'iou(pred(${model}), label'`);
      return predIouField(model);
    }
    if (!this.isCall(t, 'pred')) return undefined;
    const model = this.predCall(t);
    const dot = this.next();
    const name = dot.type === 'word' && dot.text.startsWith('.') ? dot.text.slice(1) : undefined;
    const f = name === undefined ? undefined : resolvePredField(model, name);
    if (!f)
      this.fail(
        dot,
        `expected a prediction field after 'pred(${model})' (${Object.keys(PRED_FIELDS)
          .map((n) => `.${n}`)
          .join(', ')}, .attributes.X)${found(dot)}`,
      );
    return f;
  }

  private callRef(call: Token): string {
    this.pos++;
    const ref = this.next();
    if ((ref.type !== 'word' && ref.type !== 'string') || ref.text === '')
      this.fail(ref, `expected a ref after '${call.text}('`);
    const close = this.next();
    if (close.type !== ')') this.fail(close, `expected ')' after the ref${found(close)}`);
    return ref.text;
  }

  private field(t: Token, after?: string): FieldRef {
    if (t.type !== 'word' || KEYWORDS.has(t.text.toLowerCase()))
      this.fail(
        t,
        after
          ? `expected a field after ${after}${found(t)}`
          : `expected a field, 'not', 'exists' or '('${found(t)}`,
      );
    if (this.subject === 'tracks') {
      const f = resolveTrackField(t.text);
      if (!f)
        this.fail(t, `unknown track field '${t.text}' (fields: ${TRACK_FIELD_NAMES.join(', ')})`);
      if (f.path[0] === 'frame' && !this.isRangeNext())
        this.fail(
          t,
          "'frame' is read as 'frame in A..B' (the track is visible in some frame of A..B)",
        );
      return f;
    }
    const pred = this.predField(t);
    if (pred) return pred;
    const f = resolveField(t.text);
    if (!f)
      this.fail(
        t,
        `unknown field '${t.text}' (fields: ${FIELD_NAMES.join(', ')}, pred(M).X, iou(pred(M), label))`,
      );
    return f;
  }

  /** The next tokens are `in A..B` (or `not in A..B`). */
  private isRangeNext(): boolean {
    const at = this.tokens[this.pos]?.text.toLowerCase() === 'not' ? this.pos + 1 : this.pos;
    const [kw, range] = [this.tokens[at], this.tokens[at + 1]];
    return (
      kw?.type === 'word' &&
      kw.text.toLowerCase() === 'in' &&
      range?.type === 'word' &&
      RANGE.test(range.text)
    );
  }

  private test(field: FieldRef): Expr {
    const t = this.next();
    if (t.type === 'op') {
      const op = t.text as CompareOp;
      const right = this.fieldOperand(field);
      if (right) return { type: 'compare_fields', left: field, op, right };
      return { type: 'compare', field, op, value: this.value(t, field) };
    }
    if (t.type === 'word' && t.text.toLowerCase() === 'in') return this.inTest(field);
    if (t.type === 'word' && t.text.toLowerCase() === 'not' && this.isKeyword('in')) {
      this.pos++;
      return { type: 'not', expr: this.inTest(field) };
    }
    return this.fail(
      t,
      `expected an operator (=, !=, <, <=, >, >=, in) after '${field.name}'${found(t)}`,
    );
  }

  /** The field on the right of a comparison (see the header), or undefined for a value. */
  private fieldOperand(left: FieldRef): FieldRef | undefined {
    const t = this.peek();
    if (t.type !== 'word') return undefined;
    const at = this.pos;
    this.pos++;
    const pred = this.predField(t);
    if (pred) return pred;
    const f = left.source === 'pred' ? resolveField(t.text) : undefined;
    if (f) return f;
    this.pos = at;
    return undefined;
  }

  private inTest(field: FieldRef): Expr {
    const t = this.next();
    const range = t.type === 'word' ? RANGE.exec(t.text) : null;
    if (range) {
      const [from, to] = [Number(range[1]), Number(range[2])];
      if (from > to) this.fail(t, `the range ${t.text} is empty: write A..B with A <= B`);
      return { type: 'in_range', field, from, to };
    }
    if (t.type === 'word') {
      const interval = periodInterval(t.text, this.now);
      if (!interval)
        this.fail(
          t,
          `unknown period '${t.text}' (periods: ${PERIOD_NAMES.join(', ')}, -90d, -12h, -2w; or a range A..B)`,
        );
      return { type: 'in_period', field, period: t.text, interval };
    }
    if (t.type !== '(') this.fail(t, `expected '(' or a period after 'in'${found(t)}`);
    const values = [this.value(t, field)];
    for (let sep = this.next(); sep.type !== ')'; sep = this.next()) {
      if (sep.type !== ',') this.fail(sep, `expected ',' or ')' in the list${found(sep)}`);
      values.push(this.value(sep, field));
    }
    return { type: 'in', field, values };
  }

  private value(after: Token, field: FieldRef): Literal {
    const t = this.next();
    if (t.type === 'string') return this.literal(t, true, field);
    if (t.type === 'word' && !KEYWORDS.has(t.text.toLowerCase()))
      return this.literal(t, false, field);
    return this.fail(t, `expected a value after '${after.text}'${found(t)}`);
  }

  private literal(t: Token, quoted: boolean, field: FieldRef): Literal {
    const w = t.text;
    const base = { text: w, quoted, column: t.column };
    const instant = this.instant(t);
    if (instant !== undefined) return { ...base, instant };
    if (quoted) return base;
    if (NUMBER.test(w)) return { ...base, number: Number(w) };
    if (w === 'true' || w === 'false') return { ...base, bool: w === 'true' };
    const offset = offsetInstant(w, this.now);
    if (offset !== undefined) return { ...base, instant: offset };
    if (field.date && PERIOD_NAMES.includes(w))
      this.fail(t, `'${w}' is a period: write '${field.name} in ${w}'`);
    return base;
  }

  private instant(t: Token): number | undefined {
    const w = t.text;
    if (!DATE.test(w) && !INSTANT.test(w)) return undefined;
    const ms = Date.parse(DATE.test(w) ? `${w}T00:00:00Z` : w);
    const [y, m, d] = w.slice(0, 10).split('-').map(Number) as [number, number, number];
    const day = new Date(Date.UTC(y, m - 1, d));
    if (Number.isNaN(ms) || day.getUTCMonth() !== m - 1 || day.getUTCDate() !== d)
      this.fail(t, `invalid date '${w}'`);
    return ms;
  }

  private isKeyword(k: string): boolean {
    const t = this.peek();
    return t.type === 'word' && t.text.toLowerCase() === k;
  }

  private peek(): Token {
    return this.tokens[this.pos]!;
  }

  private next(): Token {
    const t = this.tokens[this.pos]!;
    if (t.type !== 'end') this.pos++;
    return t;
  }

  private fail(t: Token, why: string): never {
    throw new QuerySyntaxError(this.expression, t.column, why);
  }
}

/** `, found 'x'` for the token where a message points (nothing at the end: the caret says it). */
function found(t: Token): string {
  if (t.type === 'end') return '';
  return `, found ${t.type === 'string' ? JSON.stringify(t.text) : `'${t.text}'`}`;
}

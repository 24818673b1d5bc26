/**
 * Tokens of the filter language (layer: query).
 *
 * Tokens: `(`, `)`, `,`, comparison operators (`=`, `!=`, `<`, `<=`, `>`, `>=`; `==` is read
 * as `=`), double-quoted strings (JSON escapes) and words. A word is a maximal run of letters,
 * digits and `_ . - + : / ~ ^ @`: field names (`attributes.occluded`), keywords, bare values
 * (`approved`, `12.5`, `2026-07-01`, `2026-07-01T10:00:00Z`, `-90d`) and refs
 * (`production-v3`, `main~2`) and models (`det@2`) are all words; the parser decides which by position. Columns are
 * 1-based code-unit offsets into the expression.
 */
import { QuerySyntaxError } from './query-errors.js';

export type TokenType = 'word' | 'string' | 'op' | '(' | ')' | ',' | 'end';

export interface Token {
  readonly type: TokenType;
  /** The word, the string's decoded content, or the operator. */
  readonly text: string;
  readonly column: number;
}

const WORD_CHAR = /[A-Za-z0-9_.\-+:/~^@]/;

export function tokenize(expression: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < expression.length) {
    const c = expression[i]!;
    const column = i + 1;
    if (/\s/.test(c)) i++;
    else if (c === '(' || c === ')' || c === ',') {
      tokens.push({ type: c, text: c, column });
      i++;
    } else if (c === '"') {
      const end = stringEnd(expression, i);
      tokens.push({ type: 'string', text: decodeString(expression, i, end), column });
      i = end + 1;
    } else if ('=!<>'.includes(c)) {
      const two = expression.slice(i, i + 2);
      const op = ['!=', '<=', '>=', '=='].includes(two) ? two : c;
      if (op === '!')
        throw new QuerySyntaxError(expression, column, "expected '!=' (use 'not' to negate)");
      tokens.push({ type: 'op', text: op === '==' ? '=' : op, column });
      i += op.length;
    } else if (WORD_CHAR.test(c)) {
      let j = i + 1;
      while (j < expression.length && WORD_CHAR.test(expression[j]!)) j++;
      tokens.push({ type: 'word', text: expression.slice(i, j), column });
      i = j;
    } else throw new QuerySyntaxError(expression, column, `unexpected character '${c}'`);
  }
  tokens.push({ type: 'end', text: '', column: expression.length + 1 });
  return tokens;
}

/** Index of the closing quote of the string opening at `start`. */
function stringEnd(expression: string, start: number): number {
  for (let j = start + 1; j < expression.length; j++) {
    if (expression[j] === '\\') j++;
    else if (expression[j] === '"') return j;
  }
  throw new QuerySyntaxError(expression, start + 1, 'unterminated string');
}

function decodeString(expression: string, start: number, end: number): string {
  try {
    return JSON.parse(expression.slice(start, end + 1)) as string;
  } catch {
    throw new QuerySyntaxError(expression, start + 1, 'bad escape in string');
  }
}

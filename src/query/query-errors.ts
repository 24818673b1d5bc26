/**
 * Errors of the filter language (layer: query).
 */
import { VersoError } from '../core/errors.js';

/**
 * A filter expression (`--where`) that does not parse, or names an unknown field. The message
 * shows the expression with a caret under the 1-based `column`.
 */
export class QuerySyntaxError extends VersoError {
  constructor(expression: string, column: number, why: string) {
    super(
      'InvalidInput',
      'QUERY_SYNTAX',
      `filter: ${why} at column ${column}\n  ${expression}\n  ${' '.repeat(Math.max(0, column - 1))}^`,
      { expression, column, why },
    );
  }
}

/**
 * The one table from error categories to process exit codes (layer: cli).
 * 0 ok, 1 error (any VersoError or unexpected failure), 2 usage (bad command line).
 */
import type { ErrorCategory } from '../core/errors.js';

export const EXIT_OK = 0;
export const EXIT_ERROR = 1;
export const EXIT_USAGE = 2;

export const EXIT_CODE_BY_CATEGORY: Readonly<Record<ErrorCategory, number>> = {
  NotFound: EXIT_ERROR,
  AlreadyExists: EXIT_ERROR,
  InvalidInput: EXIT_ERROR,
  Conflict: EXIT_ERROR,
  Corruption: EXIT_ERROR,
  Internal: EXIT_ERROR,
};

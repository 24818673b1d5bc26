/**
 * Typed errors (layer: core).
 *
 * Every error Verso raises on purpose is a `VersoError` with a machine-readable `code`, a
 * `category` and structured `data`. Surfaces map categories to exit codes / HTTP statuses in
 * one place (`cli/exit-codes.ts`); callers branch on classes or codes, never on messages.
 *
 * This module holds the base class, the categories, the `ErrorCode` union (`error-codes.ts`)
 * and the few generic errors that several layers raise. Every other error class lives in the
 * layer that raises it (`io/io-errors.ts`, `catalog/catalog-errors.ts`, `vcs/ref-errors.ts`,
 * `schema/schema-errors.ts`, `query/query-errors.ts`, `api/<feature>/*-errors.ts`, ...); a class
 * raised by two layers lives in the lower one. Messages say what happened, in the terms of the
 * library; what the user can do about it with the CLI is `cli/error-hints.ts`, keyed by code.
 */
import type { ErrorCode } from './error-codes.js';

export type { ErrorCode } from './error-codes.js';

export type ErrorCategory =
  'NotFound' | 'AlreadyExists' | 'InvalidInput' | 'Conflict' | 'Corruption' | 'Internal';

export class VersoError extends Error {
  readonly code: ErrorCode;
  readonly category: ErrorCategory;
  readonly data: Readonly<Record<string, unknown>>;

  constructor(
    category: ErrorCategory,
    code: ErrorCode,
    message: string,
    data: Record<string, unknown> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
    this.category = category;
    this.code = code;
    this.data = data;
  }
}

/**
 * A malformed name, id or argument (not tied to an input file). `extra` is more `data` for a
 * surface's hint (e.g. `option`: the caller's input the value came from).
 */
export class InvalidArgumentError extends VersoError {
  constructor(what: string, value: unknown, why: string, extra: Record<string, unknown> = {}) {
    super('InvalidInput', 'INVALID_ARGUMENT', `invalid ${what} '${String(value)}': ${why}`, {
      what,
      value,
      ...extra,
    });
  }
}

/**
 * Bad content in an input file: names the file, the 1-based line (a number: `file:12`) or the
 * record (a string such as `annotations[12] (id 345)`: `file annotations[12] (id 345)`), and the
 * field. `extra` is more `data` for a surface's hint (e.g. `reader`: what reads this input).
 */
export class FormatParseError extends VersoError {
  constructor(
    file: string,
    line: number | string,
    field: string | null,
    why: string,
    extra: Record<string, unknown> = {},
  ) {
    const at = typeof line === 'number' ? `${file}:${line}` : `${file} ${line}`;
    const where = `${at}${field ? ` field '${field}'` : ''}`;
    super('InvalidInput', 'FORMAT_PARSE', `${where}: ${why}`, {
      file,
      line,
      field,
      why,
      ...extra,
    });
  }
}

/** A stored chunk is missing or its bytes do not hash to its key. */
export class CorruptionError extends VersoError {
  constructor(what: string, data: Record<string, unknown> = {}) {
    super('Corruption', 'CORRUPTION', what, data);
  }
}

/** No schema version of that name (or none in force at the asked time). */
export class SchemaVersionNotFoundError extends VersoError {
  constructor(version: string) {
    super('NotFound', 'SCHEMA_VERSION_NOT_FOUND', `schema version not found: '${version}'`, {
      version,
    });
  }
}

export function isVersoError(e: unknown): e is VersoError {
  return e instanceof VersoError;
}

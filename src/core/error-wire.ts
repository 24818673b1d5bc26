/**
 * Errors across a thread (or process) boundary (layer: core). A worker thread's `postMessage`
 * copies an `Error` as a plain `Error`: its class, `code`, `category` and `data` are lost, so a
 * malformed line read by a worker would surface as an internal failure where the same line read
 * on the main thread is a `FormatParseError`. The worker posts `toWireError(e)` instead, and the
 * receiving side rebuilds it with `fromWireError`: a `VersoError` with the same code, category,
 * message and data. Its class is the one registered for the code (the generic errors of this
 * layer always; a receiver passes the leaf classes it checks with `instanceof`), else
 * `VersoError` itself. An error that was no `VersoError` stays a plain `Error` with its message.
 */
import { isErrorCode, type ErrorCode } from './error-codes.js';
import {
  CorruptionError,
  FormatParseError,
  InvalidArgumentError,
  SchemaVersionNotFoundError,
  VersoError,
  isVersoError,
  type ErrorCategory,
} from './errors.js';

/** An error as structured-clonable data. `code` is absent for an error that is no `VersoError`. */
export interface WireError {
  readonly name: string;
  readonly message: string;
  readonly code?: ErrorCode;
  readonly category?: ErrorCategory;
  readonly data?: Readonly<Record<string, unknown>>;
}

/** Error classes by code: the class `fromWireError` gives an error with that code. */
export type ErrorClasses = {
  readonly [C in ErrorCode]?: abstract new (...args: never[]) => VersoError;
};

const GENERIC: ErrorClasses = {
  INVALID_ARGUMENT: InvalidArgumentError,
  FORMAT_PARSE: FormatParseError,
  CORRUPTION: CorruptionError,
  SCHEMA_VERSION_NOT_FOUND: SchemaVersionNotFoundError,
};

const CATEGORIES: ReadonlySet<string> = new Set<ErrorCategory>([
  'NotFound',
  'AlreadyExists',
  'InvalidInput',
  'Conflict',
  'Corruption',
  'Internal',
]);

export function toWireError(e: unknown): WireError {
  if (!isVersoError(e)) {
    const error = e instanceof Error ? e : undefined;
    return { name: error?.name ?? 'Error', message: error?.message ?? String(e) };
  }
  return {
    name: e.name,
    message: e.message,
    code: e.code,
    category: e.category,
    data: clonableData(e.data),
  };
}

/** `e` rebuilt on this side: a `VersoError` (of the class registered for its code) or an `Error`. */
export function fromWireError(wire: WireError, classes: ErrorClasses = {}): Error {
  const { code, category } = wire;
  if (!isErrorCode(code) || category === undefined || !CATEGORIES.has(category)) {
    const error = new Error(wire.message);
    if (wire.name !== 'Error') error.name = wire.name;
    return error;
  }
  const error = new VersoError(category, code, wire.message, { ...(wire.data ?? {}) });
  const cls = classes[code] ?? GENERIC[code];
  if (cls) Object.setPrototypeOf(error, cls.prototype);
  error.name = wire.name;
  return error;
}

/** `data` as `postMessage` can copy it (values it cannot copy, such as functions, are dropped). */
function clonableData(data: Readonly<Record<string, unknown>>): Record<string, unknown> {
  try {
    return structuredClone({ ...data });
  } catch {
    try {
      return JSON.parse(JSON.stringify(data)) as Record<string, unknown>;
    } catch {
      return {};
    }
  }
}

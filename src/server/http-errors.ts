/**
 * Errors as HTTP answers (layer: server): the one table from error categories to HTTP statuses,
 * the JSON error body every refusal carries, and `HttpRefusal` for the refusals only the server
 * makes (no token, wrong role, body too large, unknown route).
 *
 * The body is `{"error": {"code", "category", "message", "data"?}}`: `code` is the stable
 * `ErrorCode` a client branches on (the Python client raises one exception class per code;
 * `verso push` rebuilds the same `VersoError`), the message says what happened and what to do. Errors that are no `VersoError` are bugs: the
 * client gets 500 `INTERNAL` without internals, and the server logs the stack.
 */
import type { ErrorCode } from '../core/error-codes.js';
import { VersoError, isVersoError, type ErrorCategory } from '../core/errors.js';
import { snakeCaseJson } from '../core/json-case.js';

export const STATUS_BY_CATEGORY: Readonly<Record<ErrorCategory, number>> = {
  NotFound: 404,
  AlreadyExists: 409,
  InvalidInput: 400,
  Conflict: 409,
  Corruption: 500,
  Internal: 500,
};

/** Codes whose status is not their category's. */
const STATUS_BY_CODE: Partial<Record<ErrorCode, number>> = {
  UNAUTHENTICATED: 401,
  TOKEN_UNKNOWN: 401,
  TOKEN_REVOKED: 401,
  TOKEN_EXPIRED: 401,
  FORBIDDEN: 403,
  ACCESS_DENIED: 403,
  BRANCH_PROTECTED: 403,
  BODY_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
  REQUEST_TIMEOUT: 408,
  FORMAT_PARSE: 422,
  LABEL_SCHEMA: 422,
  SCHEMA_INVALID: 422,
  SYNC_BATCH_REFUSED: 422,
  REPOSITORY_BUSY: 503,
  DISK_FULL: 507,
};

/** A refusal made by the server itself, with its HTTP status. */
export class HttpRefusal extends VersoError {
  constructor(
    code: ErrorCode,
    readonly status: number,
    message: string,
    data: Record<string, unknown> = {},
  ) {
    super(status === 404 ? 'NotFound' : 'InvalidInput', code, message, data);
  }
}

export interface ErrorBody {
  readonly error: {
    readonly code: string;
    readonly category?: string;
    readonly message: string;
    readonly data?: unknown;
  };
}

export function statusOf(e: VersoError): number {
  if (e instanceof HttpRefusal) return e.status;
  return STATUS_BY_CODE[e.code] ?? STATUS_BY_CATEGORY[e.category];
}

/** The status and JSON body of any error; `internal` is true for a bug (log it). */
export function errorAnswer(e: unknown): { status: number; body: ErrorBody; internal: boolean } {
  if (isVersoError(e)) {
    const data = snakeCaseJson(e.data) as Record<string, unknown>;
    return {
      status: statusOf(e),
      body: {
        error: {
          code: e.code,
          category: e.category,
          message: e.message,
          ...(Object.keys(data).length > 0 ? { data } : {}),
        },
      },
      internal: false,
    };
  }
  return {
    status: 500,
    body: { error: { code: 'INTERNAL', message: 'internal server error (see the server log)' } },
    internal: true,
  };
}

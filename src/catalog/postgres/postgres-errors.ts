/**
 * PostgreSQL's failures as Verso errors, at the catalog's boundary (layer: catalog).
 *
 * Every message names the server as `host:port/database` (and the schema), never the password:
 * `describeServer` reads the connection string once and keeps only those parts, and
 * `withoutSecret` scrubs the password from any driver text quoted in a message.
 * - Connection failures (refused, reset, timed out, the backend terminated: SQLSTATE classes
 *   08, 57P0x) are `CatalogUnavailableError`; `isConnectionError` tells the retry loop which
 *   failures are worth another attempt.
 * - Serialization failures and deadlocks (40001, 40P01) left after the bounded retries are
 *   `RepositoryBusyError`: nothing was changed, the caller may retry.
 * - A write whose connection dropped after it was sent is `CatalogWriteUnknownError`: the
 *   statement or transaction is atomic, so it either happened entirely or not at all.
 * - Authentication, a missing database and other server errors get their own clear message.
 */
import { VersoError, isVersoError } from '../../core/errors.js';
import { RepositoryBusyError } from '../catalog-errors.js';

/** Where a catalog lives, for messages: no user password, ever. */
export interface ServerAddress {
  readonly host: string;
  readonly port: string;
  readonly database: string;
  readonly schema: string;
  /** The password of the connection string (as written and decoded), only to scrub it from driver messages. */
  readonly secrets: readonly string[];
}

export function describeServer(connectionString: string, schema: string): ServerAddress {
  try {
    const url = new URL(connectionString);
    return {
      host: url.hostname || 'localhost',
      port: url.port || '5432',
      database: decodeURIComponent(url.pathname.replace(/^\//, '')) || 'postgres',
      schema,
      secrets: url.password ? [url.password, decodeURIComponent(url.password)] : [],
    };
  } catch {
    throw new VersoError(
      'InvalidInput',
      'CATALOG_URL_INVALID',
      'the PostgreSQL catalog address is not a URL of the form postgres://USER[:PASS]@HOST:PORT/DB',
      {},
    );
  }
}

export function serverName(at: ServerAddress): string {
  return `${at.host}:${at.port}/${at.database} (schema ${at.schema})`;
}

/** `text` with the connection's password replaced by `***`. */
export function withoutSecret(text: string, at: ServerAddress): string {
  return at.secrets.reduce((out, secret) => out.split(secret).join('***'), text);
}

function sqlState(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

/** The connection failed or was lost (not a statement the server refused). */
export function isConnectionError(error: unknown): boolean {
  if (isVersoError(error)) return false;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && SOCKET_CODES.has(code)) return true;
  const state = sqlState(error);
  if (state !== undefined)
    return state.startsWith('08') || state === '57P01' || state === '57P02' || state === '57P03';
  const message = error instanceof Error ? error.message : '';
  return /Connection terminated|connection timeout|Client has encountered a connection error|not queryable/i.test(
    message,
  );
}

/** A serializable transaction lost to a concurrent one, or a deadlock: safe to run again. */
export function isSerializationFailure(error: unknown): boolean {
  const state = sqlState(error);
  return state === '40001' || state === '40P01';
}

/** The catalog server cannot be reached, or dropped the connection. */
export class CatalogUnavailableError extends VersoError {
  constructor(at: ServerAddress, why: string, cause?: unknown) {
    super(
      'Internal',
      'CATALOG_UNAVAILABLE',
      `the PostgreSQL catalog at ${serverName(at)} is unavailable: ${withoutSecret(why, at)}; nothing was changed, retry when it is reachable`,
      { host: at.host, port: at.port, database: at.database, schema: at.schema },
      { cause },
    );
  }
}

/** A write was sent, then its connection dropped before the answer: all or nothing happened. */
export class CatalogWriteUnknownError extends VersoError {
  constructor(at: ServerAddress, operation: string, why: string, cause?: unknown) {
    super(
      'Internal',
      'CATALOG_WRITE_UNKNOWN',
      `the connection to the PostgreSQL catalog at ${serverName(at)} was lost during ${operation} (${withoutSecret(why, at)}); ` +
        'the change is atomic, so it was applied entirely or not at all: check the state (e.g. the ref log) before retrying',
      { host: at.host, port: at.port, database: at.database, schema: at.schema, operation },
      { cause },
    );
  }
}

/** `create: false` on a schema that holds no Verso catalog. */
export class CatalogNotFoundError extends VersoError {
  constructor(at: ServerAddress) {
    super(
      'NotFound',
      'CATALOG_NOT_FOUND',
      `no Verso catalog at ${serverName(at)}: the schema has no Verso tables (create the repository first)`,
      { host: at.host, port: at.port, database: at.database, schema: at.schema },
    );
  }
}

/**
 * The Verso error for a failure of the catalog at `at` during `operation`; Verso errors are
 * returned as they are. `sent`: the failing statement may have reached the server (a write whose
 * outcome is then unknown).
 */
export function mapPostgresError(
  error: unknown,
  at: ServerAddress,
  operation: string,
  sent = false,
): unknown {
  if (isVersoError(error)) return error;
  const why = error instanceof Error ? error.message : String(error);
  if (isConnectionError(error))
    return sent
      ? new CatalogWriteUnknownError(at, operation, why, error)
      : new CatalogUnavailableError(at, why, error);
  const state = sqlState(error);
  const data = { host: at.host, port: at.port, database: at.database, schema: at.schema };
  if (isSerializationFailure(error))
    return new RepositoryBusyError(
      `the PostgreSQL catalog at ${serverName(at)} kept refusing ${operation} because of concurrent writers; nothing was changed, retry`,
      { ...data, sqlstate: state },
    );
  if (state === '28P01' || state === '28000')
    return new VersoError(
      'InvalidInput',
      'CATALOG_AUTH',
      `the PostgreSQL catalog at ${serverName(at)} refused the login: ${withoutSecret(why, at)} (check the user, PGPASSWORD or ~/.pgpass)`,
      data,
      { cause: error },
    );
  if (state === '3D000')
    return new VersoError(
      'NotFound',
      'CATALOG_DATABASE_NOT_FOUND',
      `the PostgreSQL catalog at ${serverName(at)} cannot be opened: the server has no database '${at.database}'`,
      data,
      { cause: error },
    );
  if (state === '53300' || state === '57014')
    return new RepositoryBusyError(
      `the PostgreSQL catalog at ${serverName(at)} is overloaded (${withoutSecret(why, at)}); nothing was changed, retry`,
      { ...data, sqlstate: state },
    );
  return new VersoError(
    'Internal',
    'CATALOG_IO',
    `the PostgreSQL catalog at ${serverName(at)} failed during ${operation}: ${withoutSecret(why, at)}${state ? ` (SQLSTATE ${state})` : ''}`,
    { ...data, sqlstate: state ?? null },
    { cause: error },
  );
}

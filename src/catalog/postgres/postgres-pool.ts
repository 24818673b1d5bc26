/**
 * The PostgreSQL catalog's connection pool and how statements run on it (layer: catalog).
 *
 * Every statement of the catalog goes through one of three doors, which decide what happens
 * when the connection fails and map every driver error to a Verso error (`postgres-errors.ts`):
 * - `read`: a query that changes nothing; retried with backoff on connection failures.
 * - `write`: one statement, atomic by itself (a conditional UPDATE, an INSERT ... ON CONFLICT,
 *   a data-modifying CTE). Getting a connection is retried, and so is a statement the driver
 *   refused unsent (a pooled connection that had died while idle); one lost after it was sent
 *   is retried only when `idempotent`, else reported as `CatalogWriteUnknownError` (it
 *   happened entirely or not at all).
 * - `transaction`: several statements in one transaction (optionally SERIALIZABLE). A
 *   serialization failure or deadlock (40001, 40P01) reruns the whole function, a bounded number
 *   of times; a connection lost before COMMIT was sent is rerun too (the server rolled it back);
 *   one lost during COMMIT is `CatalogWriteUnknownError`.
 * The pool's connections use the repository's schema as `search_path`, so statements name
 * tables unqualified, TCP keepalive, and `idle_in_transaction_session_timeout` (60 s) so a
 * server that froze mid-transaction cannot hold row locks for long; prepared statements are named (`QueryConfig.name`) for the hot paths.
 */
import pg from 'pg';
import {
  isConnectionError,
  isSerializationFailure,
  mapPostgresError,
  type ServerAddress,
} from './postgres-errors.js';

export type Query = pg.QueryConfig<unknown[]>;
export type Row = Record<string, unknown>;

const CONNECTION_ATTEMPTS = 5;
const SERIALIZATION_ATTEMPTS = 12;
const IDLE_IN_TRANSACTION_MS = 60_000;

export interface PoolSettings {
  readonly connectionString: string;
  readonly schema: string;
  readonly poolSize: number;
}

export class PgDatabase {
  readonly pool: pg.Pool;

  constructor(
    settings: PoolSettings,
    readonly at: ServerAddress,
  ) {
    this.pool = new pg.Pool({
      connectionString: settings.connectionString,
      max: settings.poolSize,
      application_name: `verso:${settings.schema}`,
      // A client that stops mid-transaction (a partitioned or frozen server) must not hold row
      // locks (a branch's CAS, the leases) for long: the server ends such sessions.
      options: `-c search_path=${settings.schema} -c idle_in_transaction_session_timeout=${IDLE_IN_TRANSACTION_MS}`,
      keepAlive: true,
      connectionTimeoutMillis: 10_000,
      allowExitOnIdle: true,
    });
    // A pooled connection the server closed while idle (restart, pg_terminate_backend) is
    // dropped by the pool; the next statement gets a fresh one.
    this.pool.on('error', () => undefined);
    // A connection lost while checked out but between statements (inside a transaction, or
    // inside pool.query) is reported by the statement that needs it; the event itself must not
    // crash the process.
    this.pool.on('connect', (client) => client.on('error', () => undefined));
  }

  async read<R = Row>(operation: string, query: Query): Promise<R[]> {
    for (let attempt = 1; ; attempt++) {
      try {
        const result = await this.pool.query(query);
        return result.rows as R[];
      } catch (error) {
        if (isConnectionError(error) && attempt < CONNECTION_ATTEMPTS) {
          await backoff(attempt);
          continue;
        }
        throw mapPostgresError(error, this.at, operation);
      }
    }
  }

  /** Runs one atomic statement; returns its row count and rows. */
  async write<R = Row>(
    operation: string,
    query: Query,
    opts: { readonly idempotent?: boolean } = {},
  ): Promise<{ rowCount: number; rows: R[] }> {
    for (let attempt = 1; ; attempt++) {
      const client = await this.connect(operation);
      try {
        const result = await client.query(query);
        client.release();
        return { rowCount: result.rowCount ?? 0, rows: result.rows as R[] };
      } catch (error) {
        const lost = isConnectionError(error);
        client.release(lost ? (error as Error) : undefined);
        const retry = opts.idempotent || neverSent(error);
        if (lost && retry && attempt < CONNECTION_ATTEMPTS) {
          await backoff(attempt);
          continue;
        }
        throw mapPostgresError(error, this.at, operation, true);
      }
    }
  }

  /**
   * Runs `body` in one transaction and commits it; reruns it on serialization failures and on a
   * connection lost before COMMIT. `body` may run several times: it must only use `client`.
   */
  async transaction<T>(
    operation: string,
    body: (client: pg.PoolClient) => Promise<T>,
    opts: { readonly serializable?: boolean } = {},
  ): Promise<T> {
    const begin = opts.serializable ? 'BEGIN ISOLATION LEVEL SERIALIZABLE' : 'BEGIN';
    let connectionFailures = 0;
    for (let attempt = 1; ; attempt++) {
      const client = await this.connect(operation);
      let committing = false;
      try {
        await client.query(begin);
        const value = await body(client);
        committing = true;
        await client.query('COMMIT');
        client.release();
        return value;
      } catch (error) {
        const lost = isConnectionError(error);
        if (!lost) await client.query('ROLLBACK').catch(() => undefined);
        client.release(lost ? (error as Error) : undefined);
        if (lost && committing) throw mapPostgresError(error, this.at, operation, true);
        if (lost && ++connectionFailures < CONNECTION_ATTEMPTS) {
          await backoff(connectionFailures);
          continue;
        }
        if (isSerializationFailure(error) && attempt < SERIALIZATION_ATTEMPTS) {
          await jitter(attempt);
          continue;
        }
        throw mapPostgresError(error, this.at, operation);
      }
    }
  }

  async end(): Promise<void> {
    await this.pool.end();
  }

  private async connect(operation: string): Promise<pg.PoolClient> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.pool.connect();
      } catch (error) {
        if (isConnectionError(error) && attempt < CONNECTION_ATTEMPTS) {
          await backoff(attempt);
          continue;
        }
        throw mapPostgresError(error, this.at, operation);
      }
    }
  }
}

/**
 * The pooled connection had already failed (the server closed it while it sat idle), so the
 * driver refused the statement without sending it: safe to run on another connection.
 */
function neverSent(error: unknown): boolean {
  return error instanceof Error && /is not queryable/.test(error.message);
}

/** 50 ms, 100 ms, 200 ms, ... before connection attempt `attempt + 1`. */
function backoff(attempt: number): Promise<void> {
  return sleep(50 * 2 ** (attempt - 1));
}

/** A short random pause, growing with the attempt, so racing transactions fall out of step. */
function jitter(attempt: number): Promise<void> {
  return sleep(Math.random() * 5 * Math.min(attempt, 6));
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The ISO-8601 UTC text of the database clock's `now()`, as `Date.toISOString` writes it. */
export const NOW_ISO = `to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** The same text for a `timestamptz` column or expression. */
export function isoOf(expression: string): string {
  return `to_char((${expression}) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
}

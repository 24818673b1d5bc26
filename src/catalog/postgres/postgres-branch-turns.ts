/**
 * Turns on a branch across servers (layer: catalog), for `PostgresCatalog.withBranchTurn`: the
 * writers of one branch on every server sharing the repository take turns, in arrival order,
 * on a PostgreSQL advisory lock keyed by schema and branch, held on a pooled connection of its
 * own while the write runs.
 *
 * Why: without turns, the server that wrote a branch's head builds its next write on it at
 * once, while another server must first load that head's pack index from the object store; the
 * latter keeps losing the ref's compare-and-swap and runs out of rebases (measured with three
 * servers: a few percent of writes refused with 409 after 20 lost races,
 * `test/scaleout/racing-servers.test.ts`). A turn is an optimisation of fairness, never what
 * makes a write correct (the compare-and-swap is), so whenever one cannot be had (its wait
 * passes `TURN_WAIT_MS`, the connection fails, or more than half the pool already serves
 * turns, which would starve the writes themselves of connections) the write runs without it.
 * A server that dies loses its connection, and PostgreSQL ends its turn with it.
 */
import type pg from 'pg';
import type { PgDatabase } from './postgres-pool.js';

/** The longest a writer waits for its turn before it writes without one. */
const TURN_WAIT_MS = 15_000;

export class PostgresBranchTurns {
  private active = 0;

  constructor(
    private readonly db: PgDatabase,
    private readonly schema: string,
    private readonly poolSize: number,
  ) {}

  async run<T>(branch: string, fn: () => Promise<T>): Promise<T> {
    if (this.active >= Math.max(1, Math.floor(this.poolSize / 2))) return fn();
    this.active++;
    try {
      const key = `verso:${this.schema}:branch:${branch}`;
      const client = await this.take(key);
      if (!client) return await fn();
      try {
        return await fn();
      } finally {
        await this.give(client, key);
      }
    } finally {
      this.active--;
    }
  }

  /** The connection holding the turn, or undefined when it cannot be had (see the header). */
  private async take(key: string): Promise<pg.PoolClient | undefined> {
    let client: pg.PoolClient | undefined;
    try {
      client = await this.db.pool.connect();
      await client.query(`SET lock_timeout = ${TURN_WAIT_MS}`);
      await client.query('SELECT pg_advisory_lock(hashtextextended($1, 0))', [key]);
      return client;
    } catch (error) {
      // A connection whose state is unknown is closed, not pooled: that ends any lock it got.
      client?.release(error instanceof Error ? error : true);
      return undefined;
    }
  }

  private async give(client: pg.PoolClient, key: string): Promise<void> {
    try {
      await client.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [key]);
      await client.query('RESET lock_timeout');
      client.release();
    } catch (error) {
      client.release(error instanceof Error ? error : true);
    }
  }
}

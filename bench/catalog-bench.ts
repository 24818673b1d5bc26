/**
 * `npm run bench -- catalog [--commits 2000]`: the catalog's commit path on SQLite and on
 * PostgreSQL (layer: bench).
 *
 * A commit's catalog work is `updateRef` (the CAS, with its ref-log entry) plus `recordCommit`.
 * Measured: commits per second one after another (SQLite file vs PostgreSQL on one connection,
 * a local embedded server), and on PostgreSQL with 8 writers on 8 branches through one pool of
 * 8 connections, and 8 writers racing on ONE branch (read head, CAS, retry on a lost race: the
 * ref CAS on one branch is the expected limit of scale-out). Writes `bench-results/catalog.json`.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Catalog } from '../src/catalog/catalog.js';
import type { ChunkHash } from '../src/core/hash.js';
import { PostgresCatalog } from '../src/catalog/postgres/postgres-catalog.js';
import { SqliteCatalog } from '../src/catalog/sqlite/sqlite-catalog.js';
import { startPostgres } from './servers/postgres-server.js';
import { benchLog, fmtNumber, renderTable, type TableRow } from './table.js';

const { values } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== 'catalog'),
  options: {
    commits: { type: 'string', default: '2000' },
    out: { type: 'string', default: 'bench-results' },
  },
});
const commits = Number(values.commits);
const log = benchLog('catalog');

const next = (hex: string): ChunkHash =>
  createHash('sha256').update(Buffer.from(hex, 'hex')).digest('hex') as ChunkHash;
const ROOT = next('00');

/** `count` commits on `branch`, one after another; returns commits per second. */
async function sequential(cat: Catalog, branch: string, count: number): Promise<number> {
  let head: ChunkHash | null = null;
  const t0 = performance.now();
  for (let i = 0; i < count; i++) {
    const id = next(head ?? `${ROOT}${branch.length}`.slice(0, 64));
    await cat.updateRef(branch, 'branch', head, id, { operation: 'commit', author: 'bench' });
    await cat.recordCommit({
      id,
      snapshot: ROOT,
      parents: head ? [head] : [],
      generation: i + 1,
      time: new Date().toISOString(),
    });
    head = id;
  }
  return count / ((performance.now() - t0) / 1000);
}

/** `writers` loops committing to one branch by read-then-CAS; commits per second and retries. */
async function racing(
  cats: readonly Catalog[],
  count: number,
): Promise<{ rate: number; retries: number }> {
  await cats[0]!.updateRef('hot', 'branch', null, ROOT);
  let done = 0;
  let retries = 0;
  const t0 = performance.now();
  await Promise.all(
    cats.map(async (cat) => {
      while (done < count) {
        const head = (await cat.getRef('hot'))!.target;
        const id = next(head);
        try {
          await cat.updateRef('hot', 'branch', head, id);
          await cat.recordCommit({ id, snapshot: ROOT, parents: [head], generation: 1, time: 't' });
          done++;
        } catch {
          retries++;
        }
      }
    }),
  );
  return { rate: done / ((performance.now() - t0) / 1000), retries };
}

const rows: TableRow[] = [];
const row = (operation: string, perSecond: number) =>
  rows.push({ operation, measured: `${fmtNumber(perSecond, 0)} commits/s`, target: '', ok: null });

const dir = mkdtempSync(join(tmpdir(), 'verso-catalog-bench-'));
const sqlite = SqliteCatalog.open(join(dir, 'catalog.sqlite'));
log(`SQLite: ${commits} sequential commits`);
row('SQLite, sequential (updateRef + recordCommit)', await sequential(sqlite, 'main', commits));
await sqlite.close();
rmSync(dir, { recursive: true, force: true });

log('starting PostgreSQL');
const server = await startPostgres();
try {
  const one = await PostgresCatalog.open({
    connectionString: server.url,
    schema: 'seq',
    poolSize: 1,
  });
  log(`PostgreSQL: ${commits} sequential commits on one connection`);
  row('PostgreSQL, sequential, 1 connection', await sequential(one, 'main', commits));
  await one.close();

  const pool = await PostgresCatalog.open({
    connectionString: server.url,
    schema: 'par',
    poolSize: 8,
  });
  log(`PostgreSQL: 8 writers on 8 branches, ${commits} commits in all`);
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: 8 }, (_, w) => sequential(pool, `b${w}`, Math.ceil(commits / 8))),
  );
  row(
    'PostgreSQL, 8 writers on 8 branches, pool of 8',
    commits / ((performance.now() - t0) / 1000),
  );
  await pool.close();

  const cats = await Promise.all(
    Array.from({ length: 8 }, () =>
      PostgresCatalog.open({ connectionString: server.url, schema: 'hot', poolSize: 1 }),
    ),
  );
  log(`PostgreSQL: 8 instances racing on one branch, ${commits} commits`);
  const hot = await racing(cats, commits);
  row(`PostgreSQL, 8 instances racing on 1 branch (${hot.retries} lost races)`, hot.rate);
  await Promise.all(cats.map((cat) => cat.close()));
} finally {
  await server.stop();
}

process.stdout.write(renderTable(`Catalog commit path, ${commits} commits`, rows));
mkdirSync(values.out, { recursive: true });
writeFileSync(join(values.out, 'catalog.json'), JSON.stringify({ commits, rows }, null, 2));

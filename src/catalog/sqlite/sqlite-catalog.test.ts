/**
 * SqliteCatalog: the Catalog contract, plus a real two-process race on one SQLite file.
 *
 * The race test runs our compiled module (`dist/`, built by `npm test` before vitest) in two
 * child processes; `test/require-fixtures.ts` fails the run when `dist/` has not been built.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChunkHash } from '../../core/hash.js';
import { describeCatalogContract } from '../catalog.contract.js';
import type { CatalogHarness } from '../catalog.contract.js';
import { SqliteCatalog } from './sqlite-catalog.js';
import { MIGRATIONS } from './sqlite-catalog-schema.js';

async function sqliteHarness(): Promise<CatalogHarness> {
  const dir = mkdtempSync(join(tmpdir(), 'verso-catalog-'));
  const file = join(dir, 'catalog.sqlite');
  let catalog = SqliteCatalog.open(file);
  return {
    get catalog() {
      return catalog;
    },
    async reopen() {
      await catalog.close();
      catalog = SqliteCatalog.open(file);
      return catalog;
    },
    async cleanup() {
      await catalog.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

describeCatalogContract('SqliteCatalog', sqliteHarness);

const DIST_MODULE = new URL('../../../dist/src/catalog/sqlite/sqlite-catalog.js', import.meta.url);
const INCREMENTS_PER_PROCESS = 200;

/** One racer: waits for "go" on stdin, then does read-then-CAS increments, retrying lost races. */
const CHILD_SCRIPT = `
import { createHash } from 'node:crypto';
import { SqliteCatalog } from ${JSON.stringify(DIST_MODULE.href)};
const [file, count] = process.argv.slice(2);
const next = (hex) => createHash('sha256').update(Buffer.from(hex, 'hex')).digest('hex');
const catalog = SqliteCatalog.open(file);
process.stdout.write('ready\\n');
await new Promise((resolve) => process.stdin.once('data', resolve));
let done = 0;
let retries = 0;
while (done < Number(count)) {
  const current = (await catalog.getRef('main')).target;
  await new Promise((resolve) => setImmediate(resolve)); // widen the read-to-write window
  try {
    await catalog.updateRef('main', 'branch', current, next(current));
    done++;
  } catch (error) {
    if (error?.code !== 'REF_UPDATE_RACE') throw error;
    retries++;
  }
}
await catalog.close();
process.stdout.write(JSON.stringify({ done, retries }) + '\\n');
process.stdin.destroy();
`;

interface Racer {
  readonly ready: Promise<void>;
  readonly result: Promise<{ done: number; retries: number }>;
  go(): void;
}

function startRacer(script: string, file: string): Racer {
  const child = spawn(process.execPath, [script, file, String(INCREMENTS_PER_PROCESS)], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let signalReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (signalReady = resolve));
  child.stdout.on('data', (data: Buffer) => {
    stdout += data.toString();
    if (stdout.startsWith('ready\n')) signalReady();
  });
  child.stderr.on('data', (data: Buffer) => (stderr += data.toString()));
  const result = new Promise<{ done: number; retries: number }>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      signalReady();
      if (code !== 0) reject(new Error(`racer exited with ${code}: ${stderr}`));
      else resolve(JSON.parse(stdout.slice('ready\n'.length)) as { done: number; retries: number });
    });
  });
  return { ready, result, go: () => child.stdin.write('go\n') };
}

describe('SqliteCatalog across processes', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'verso-catalog-race-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('loses no update when two processes race compare-and-swaps on one branch', async () => {
    const chain: ChunkHash[] = [createHash('sha256').update('genesis').digest('hex') as ChunkHash];
    for (let i = 0; i < 2 * INCREMENTS_PER_PROCESS; i++) {
      const prev = chain[chain.length - 1] ?? '';
      chain.push(createHash('sha256').update(Buffer.from(prev, 'hex')).digest('hex') as ChunkHash);
    }
    const file = join(dir, 'catalog.sqlite');
    const setup = SqliteCatalog.open(file);
    await setup.updateRef('main', 'branch', null, chain[0] ?? null);
    await setup.close();

    const script = join(dir, 'racer.mjs');
    writeFileSync(script, CHILD_SCRIPT);
    const racers = [startRacer(script, file), startRacer(script, file)];
    await Promise.all(racers.map((racer) => racer.ready));
    for (const racer of racers) racer.go();
    const results = await Promise.all(racers.map((racer) => racer.result));

    expect(results.map((r) => r.done)).toEqual([INCREMENTS_PER_PROCESS, INCREMENTS_PER_PROCESS]);
    const check = SqliteCatalog.open(file);
    expect((await check.getRef('main'))?.target).toBe(chain[2 * INCREMENTS_PER_PROCESS]);
    // Every won compare-and-swap left exactly its own entry: the log is the chain itself.
    const log = (await check.readRefLog({ ref: 'main' })).reverse();
    expect(log.map((e) => e.to)).toEqual(chain);
    expect(log.map((e) => e.from)).toEqual([null, ...chain.slice(0, -1)]);
    await check.close();
  });
});

describe('SqliteCatalog lineage immutability in the database', () => {
  it('refuses raw SQL that rewrites a finished run, a model or a prediction, or deletes one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'verso-catalog-'));
    const file = join(dir, 'catalog.sqlite');
    const catalog = SqliteCatalog.open(file);
    const hash = (s: string) => createHash('sha256').update(s).digest('hex') as ChunkHash;
    try {
      const base = {
        datasetRef: 'v1',
        commit: hash('c'),
        filter: null,
        schema: null,
        exampleSet: hash('e'),
        exampleCount: 2,
        slice: null,
        params: {},
        author: 'ann',
        startedAt: '2024-01-02T03:04:05.000Z',
        finishedAt: null,
        status: 'running' as const,
        vectors: null,
      };
      await catalog.lineage.insertRun({ ...base, id: 'run-1' });
      await catalog.lineage.insertRun({ ...base, id: 'run-2' });
      await catalog.lineage.finishRun('run-1', 'ok', '2024-01-02T05:00:00.000Z');
      const m = { run: 'run-1', name: 'det', version: '1', metrics: {}, createdAt: 'x' };
      await catalog.lineage.insertModel({ ...m, id: 'model-1' });
      const p = { model: 'model-1', image: 'i', output: '1', time: 't', externalId: null };
      await catalog.lineage.insertPredictions([{ ...p, id: 'p1', vector: null }]);
      const db = new Database(file);
      try {
        const refused = [
          "UPDATE runs SET vectors_blob = 'x', vectors_dim = 1 WHERE id = 'run-1'",
          "UPDATE runs SET example_set = 'x' WHERE id = 'run-2'",
          "UPDATE models SET run = 'run-2' WHERE id = 'model-1'",
          "UPDATE predictions SET output = '2' WHERE id = 'p1'",
          "DELETE FROM predictions WHERE id = 'p1'",
          "DELETE FROM models WHERE id = 'model-1'",
          "DELETE FROM runs WHERE id = 'run-2'",
        ];
        for (const sql of refused)
          expect(() => db.exec(sql), sql).toThrow('lineage records are immutable');
        // The one change still allowed: a running run's vectors, from none, once.
        db.exec("UPDATE runs SET vectors_blob = 'x', vectors_dim = 1 WHERE id = 'run-2'");
        expect(() => db.exec("UPDATE runs SET vectors_dim = 2 WHERE id = 'run-2'")).toThrow(
          'lineage records are immutable',
        );
      } finally {
        db.close();
      }
      expect((await catalog.lineage.getRun('run-1'))?.vectors).toBeNull();
    } finally {
      await catalog.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('SqliteCatalog ref log migration', () => {
  it('starts the log of a catalog made before it with one entry per existing ref', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'verso-catalog-reflog-'));
    try {
      const file = join(dir, 'catalog.sqlite');
      const logStep = MIGRATIONS.findIndex((m) => m.includes('CREATE TABLE ref_log'));
      const old = new Database(file);
      for (const step of MIGRATIONS.slice(0, logStep)) old.exec(step);
      old.pragma(`user_version = ${logStep}`);
      const target = 'ab'.repeat(32);
      old
        .prepare('INSERT INTO refs (name, kind, target, updated_at) VALUES (?, ?, ?, ?)')
        .run('main', 'branch', target, '2024-05-06T07:08:09.000Z');
      old.close();

      const catalog = SqliteCatalog.open(file);
      expect(await catalog.readRefLog()).toEqual([
        {
          seq: 1,
          ref: 'main',
          kind: 'branch',
          from: null,
          to: target,
          operation: 'log start',
          author: '',
          time: '2024-05-06T07:08:09.000Z',
          message: 'ref log started; earlier moves were not recorded',
        },
      ]);
      await catalog.updateRef('main', 'branch', target as ChunkHash, null);
      expect((await catalog.readRefLog({ ref: 'main' })).map((e) => e.seq)).toEqual([2, 1]);
      await catalog.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/**
 * Opening an existing catalog (issue 10 items 6 and 16): a missing, empty, truncated or
 * unreadable file is `CatalogDamagedError`, never a fresh empty catalog; opening an up-to-date
 * catalog writes nothing; SQLite's errors of later calls are typed Verso errors; and what is
 * still readable in a damaged file can be salvaged.
 */
import { mkdtempSync, rmSync, statSync, truncateSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { VersoError } from '../../core/errors.js';
import { DiskFullError } from '../../io/io-errors.js';
import { RepositoryBusyError } from '../catalog-errors.js';
import type { ChunkHash } from '../../core/hash.js';
import { SqliteCatalog } from './sqlite-catalog.js';
import { CatalogDamagedError } from './sqlite-catalog-file.js';
import { salvageCatalog } from './sqlite-catalog-salvage.js';
import { guardSqliteErrors, mapSqliteError } from './sqlite-errors.js';
import { hintFor } from '../../cli/error-hints.js';

const dir = mkdtempSync(join(tmpdir(), 'verso-catalog-open-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const HEAD = 'a'.repeat(64) as ChunkHash;
let n = 0;

/** A catalog with a branch, a tag, a config key and a schema version, closed. */
async function healthyCatalog(): Promise<string> {
  const file = join(dir, `catalog-${n++}.sqlite`);
  const c = SqliteCatalog.open(file);
  await c.updateRef('main', 'branch', null, HEAD);
  await c.updateRef('v1', 'tag', null, HEAD);
  await c.setConfig('blob_store', '/shared/blobs');
  await c.createSchemaVersion({
    name: '1.0',
    parent: null,
    delta: '[]',
    author: 'a',
    createdAt: '2026-01-01T00:00:00Z',
    message: 'first',
  });
  // Pad the file, so that truncating it cuts pages, not only the header.
  for (let i = 0; i < 300; i++)
    await c.recordCommit({
      id: i.toString(16).padStart(64, '0') as ChunkHash,
      snapshot: HEAD,
      parents: [],
      generation: 1,
      time: '2026-01-01T00:00:00Z',
    });
  await c.close();
  return file;
}

function damageOf(open: () => unknown): string {
  try {
    open();
  } catch (e) {
    expect(e).toBeInstanceOf(CatalogDamagedError);
    return (e as CatalogDamagedError).damage;
  }
  throw new Error('opened a damaged catalog');
}

describe('opening an existing catalog (create: false)', () => {
  it('refuses a missing, empty, truncated or foreign file and leaves it as it was', async () => {
    const missing = join(dir, 'none.sqlite');
    expect(damageOf(() => SqliteCatalog.open(missing, { create: false }))).toBe('missing');
    expect(existsSync(missing)).toBe(false);

    const empty = join(dir, 'empty.sqlite');
    writeFileSync(empty, '');
    expect(damageOf(() => SqliteCatalog.open(empty, { create: false }))).toBe('empty');
    expect(statSync(empty).size).toBe(0);

    const truncated = await healthyCatalog();
    truncateSync(truncated, Math.floor(statSync(truncated).size / 2));
    expect(damageOf(() => SqliteCatalog.open(truncated, { create: false }))).toBe('truncated');

    const foreign = join(dir, 'foreign.sqlite');
    writeFileSync(foreign, Buffer.alloc(8192, 7));
    expect(damageOf(() => SqliteCatalog.open(foreign, { create: false }))).toBe('unreadable');

    const tablesButNoVersion = await healthyCatalog();
    const raw = new Database(tablesButNoVersion);
    raw.pragma('user_version = 0');
    raw.close();
    expect(damageOf(() => SqliteCatalog.open(tablesButNoVersion, { create: false }))).toBe(
      'unreadable',
    );
  });

  it('the message says what is damaged and that nothing changed; the CLI hint says to run verso recover', () => {
    const empty = join(dir, 'empty2.sqlite');
    writeFileSync(empty, '');
    let error: unknown;
    try {
      SqliteCatalog.open(empty, { create: false });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CatalogDamagedError);
    expect((error as CatalogDamagedError).message).toMatch(
      /catalog .*empty2\.sqlite is empty \(0 bytes\); nothing was changed$/,
    );
    expect(hintFor(error as CatalogDamagedError)).toContain("Run 'verso recover'");
  });

  it('writes nothing when the catalog is up to date (reads work on a full disk)', async () => {
    const file = await healthyCatalog();
    const c = SqliteCatalog.open(file, { create: false });
    expect((await c.getRef('main'))?.target).toBe(HEAD);
    // The old open ran its migration in a write transaction: a WAL frame on every open.
    expect(existsSync(`${file}-wal`) ? statSync(`${file}-wal`).size : 0).toBe(0);
    await c.close();
  });

  it('salvages refs, tags, config and schema versions from a file it refuses', async () => {
    const file = await healthyCatalog();
    const raw = new Database(file);
    raw.pragma('user_version = 0');
    raw.close();
    const s = salvageCatalog(file);
    expect(s.refs.map((r) => [r.name, r.kind, r.target])).toEqual([
      ['main', 'branch', HEAD],
      ['v1', 'tag', HEAD],
    ]);
    expect(s.config.get('blob_store')).toBe('/shared/blobs');
    expect(s.schemaVersions.map((v) => v.name)).toEqual(['1.0']);
    expect(s.unreadable).toEqual([]);
    expect(existsSync(`${file}-wal`) || existsSync(`${file}-shm`)).toBe(false);
  });

  it('salvages nothing, and says so, from a truncated file', async () => {
    const file = await healthyCatalog();
    truncateSync(file, 4096);
    const s = salvageCatalog(file);
    expect(s.refs).toEqual([]);
    expect(s.unreadable.length).toBeGreaterThan(0);
  });
});

describe('SQLite errors at the catalog boundary', () => {
  const sqliteError = (code: string) => Object.assign(new Error(`sqlite says ${code}`), { code });

  it('maps full disks, damage, locks and other I/O errors to typed Verso errors', () => {
    const file = join(dir, 'c.sqlite');
    expect(mapSqliteError(sqliteError('SQLITE_FULL'), file)).toBeInstanceOf(DiskFullError);
    expect(mapSqliteError(sqliteError('SQLITE_CORRUPT'), file)).toBeInstanceOf(CatalogDamagedError);
    expect(mapSqliteError(sqliteError('SQLITE_NOTADB'), file)).toBeInstanceOf(CatalogDamagedError);
    expect(mapSqliteError(sqliteError('SQLITE_BUSY'), file)).toBeInstanceOf(RepositoryBusyError);
    const io = mapSqliteError(sqliteError('SQLITE_IOERR_WRITE'), file);
    // Plenty of space in the temp folder: an I/O error, not a full disk.
    expect(io).toBeInstanceOf(VersoError);
    expect((io as VersoError).code).toBe('CATALOG_IO');
    const other = new Error('not sqlite');
    expect(mapSqliteError(other, file)).toBe(other);
  });

  it('every method of a guarded object, sync or async, and of its sections, is mapped', async () => {
    const target = {
      sync(): never {
        throw sqliteError('SQLITE_FULL');
      },
      async later(): Promise<never> {
        throw sqliteError('SQLITE_CORRUPT');
      },
      fine: () => 42,
      section: {
        deep(): never {
          throw sqliteError('SQLITE_FULL');
        },
      },
    };
    const guarded = guardSqliteErrors(target, join(dir, 'x.sqlite'), ['section']);
    expect(() => guarded.sync()).toThrow(DiskFullError);
    await expect(guarded.later()).rejects.toThrow(CatalogDamagedError);
    expect(guarded.fine()).toBe(42);
    expect(() => guarded.section.deep()).toThrow(DiskFullError);
  });
});

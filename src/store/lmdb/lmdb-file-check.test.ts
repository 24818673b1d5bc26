/**
 * An existing LMDB chunk store is checked before LMDB maps it (issue 10 item 16): a truncated
 * data file used to end `verify` in SIGBUS with no message, a 0-byte one was silently made a new
 * empty store. Each is `ChunkStoreDamagedError` now; a healthy store opens as before.
 */
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { sha256 } from '../../core/hash.js';
import { pseudoRandomBytes } from '../chunk-store.contract.js';
import { LmdbChunkStore } from './lmdb-chunk-store.js';
import { ChunkStoreDamagedError, checkLmdbFile } from './lmdb-file-check.js';

const root = mkdtempSync(join(tmpdir(), 'verso-lmdb-check-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;

/** A closed store holding `count` chunks of a few KiB. */
async function storeWith(count: number): Promise<string> {
  const dir = join(root, `s${n++}`);
  const store = await LmdbChunkStore.open(dir);
  for (let i = 0; i < count; i++) {
    const bytes = pseudoRandomBytes(3000 + i, i + 1);
    store.put(sha256(bytes), bytes);
  }
  await store.close();
  return dir;
}

async function damageOf(dir: string): Promise<string> {
  const error: unknown = await LmdbChunkStore.open(dir, { create: false }).then(
    async (s) => {
      await s.close();
      return undefined;
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ChunkStoreDamagedError);
  return (error as ChunkStoreDamagedError).damage;
}

/**
 * A real data file written by lmdb-js (a gc after a killed import, from the crash tests), whose
 * newest meta counts 106 pages while the file holds 105: page 105 was allocated and freed in one
 * transaction, so LMDB listed it as free and never wrote it. Only the pages this check reads are
 * kept (the two meta pages and the free database's leaf, page 2); the others are zeroed.
 */
function looseTailFile(): string {
  const dir = join(root, `loose${n++}`);
  mkdirSync(dir);
  const gz = readFileSync(new URL('./fixtures/loose-tail-page.mdb.gz', import.meta.url));
  writeFileSync(join(dir, 'data.mdb'), gunzipSync(gz));
  return dir;
}

describe('checking the LMDB data file before opening', () => {
  it('accepts a file that ends before pages LMDB allocated, freed and never wrote', () => {
    const dir = looseTailFile();
    expect(statSync(join(dir, 'data.mdb')).size).toBe(105 * 4096);
    expect(checkLmdbFile(dir).entries).toBe(3);
  });

  it('still refuses that file cut before a page that is in use', () => {
    const dir = looseTailFile();
    // page 104 is the main database's root: in use, not free
    truncateSync(join(dir, 'data.mdb'), 104 * 4096);
    expect(() => checkLmdbFile(dir)).toThrow(
      /is truncated \(425984 bytes, its LMDB metadata needs 434176/,
    );
    // and cut inside the free page's predecessor (not a whole page)
    const partial = looseTailFile();
    truncateSync(join(partial, 'data.mdb'), 105 * 4096 - 100);
    expect(() => checkLmdbFile(partial)).toThrow(ChunkStoreDamagedError);
  });

  it('reads the chunk count of a healthy store from its meta pages, and opens it', async () => {
    const dir = await storeWith(50);
    expect(checkLmdbFile(dir).entries).toBe(50);
    const store = await LmdbChunkStore.open(dir, { create: false });
    let listed = 0;
    for await (const _ of store.hashes()) listed++;
    expect(listed).toBe(50);
    await store.close();
  });

  it('refuses a truncated file, whatever the cut, before mapping it', async () => {
    const dir = await storeWith(200);
    const file = join(dir, 'data.mdb');
    const size = statSync(file).size;
    for (const keep of [size - 4096, Math.floor(size / 2), 3 * 4096]) {
      truncateSync(file, keep);
      expect(await damageOf(dir)).toBe('truncated');
      expect(statSync(file).size).toBe(keep); // nothing written
    }
    await expect(LmdbChunkStore.open(dir, { create: false })).rejects.toThrow(
      /data\.mdb is truncated \(12288 bytes, its LMDB metadata needs \d+/,
    );
  });

  it('refuses a missing or empty file instead of creating an empty store', async () => {
    const dir = await storeWith(3);
    rmSync(join(dir, 'data.mdb'));
    expect(await damageOf(dir)).toBe('missing');
    writeFileSync(join(dir, 'data.mdb'), '');
    expect(await damageOf(dir)).toBe('truncated');
    expect(statSync(join(dir, 'data.mdb')).size).toBe(0);
  });

  it('refuses a file that is not LMDB', async () => {
    const dir = await storeWith(3);
    writeFileSync(join(dir, 'data.mdb'), pseudoRandomBytes(64 * 1024, 99));
    expect(await damageOf(dir)).toBe('unreadable');
  });
});

/**
 * PackChunkStore: the ChunkStore contract (with the default seal size, and with a tiny one so
 * every flush seals a pack), a fast-check model test against a Map, and the torn-tail test.
 */
import { mkdtempSync, readdirSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import type { FileHandle } from 'node:fs/promises';
import { CorruptionError } from '../../core/errors.js';
import { DiskFullError } from '../../io/io-errors.js';
import { hashToHex, sha256 } from '../../core/hash.js';
import { describeChunkStoreContract, pseudoRandomBytes } from '../chunk-store.contract.js';
import type { ChunkStoreHarness } from '../chunk-store.contract.js';
import { PackChunkStore } from './pack-chunk-store.js';
import type { PackChunkStoreOptions } from './pack-chunk-store.js';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'verso-pack-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function packHarness(opts: PackChunkStoreOptions): () => Promise<ChunkStoreHarness> {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), 'verso-pack-'));
    let store = await PackChunkStore.open(dir, opts);
    return {
      get store() {
        return store;
      },
      async reopen() {
        await store.close();
        store = await PackChunkStore.open(dir, { ...opts, create: false });
        return store;
      },
      async cleanup() {
        await store.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  };
}

describeChunkStoreContract('PackChunkStore', packHarness({}));
describeChunkStoreContract('PackChunkStore (seal every flush)', packHarness({ sealBytes: 1 }));

function journalFile(dir: string): string {
  const manifest = JSON.parse(readFileSync(join(dir, 'MANIFEST'), 'utf8')) as { journal: string };
  return join(dir, `${manifest.journal}.pack`);
}

describe('PackChunkStore files', () => {
  it('refuses to open a missing store with create: false', async () => {
    const dir = tempDir();
    await expect(PackChunkStore.open(join(dir, 'nope'), { create: false })).rejects.toMatchObject({
      code: 'CHUNK_STORE_DAMAGED',
    });
  });

  it('refuses a store whose sealed index is damaged', async () => {
    const dir = tempDir();
    const store = await PackChunkStore.open(dir, { sealBytes: 1 });
    store.put(sha256(new Uint8Array([1])), new Uint8Array([1]));
    await store.flush();
    await store.close();
    const idx = readdirSync(dir).find((n) => n.endsWith('.idx'))!;
    const bytes = readFileSync(join(dir, idx));
    bytes[bytes.length - 1]! ^= 1;
    writeFileSync(join(dir, idx), bytes);
    await expect(PackChunkStore.open(dir, { create: false })).rejects.toMatchObject({
      code: 'CHUNK_STORE_DAMAGED',
    });
  });

  it('reports a damaged record as CorruptionError naming the chunk', async () => {
    const dir = tempDir();
    const store = await PackChunkStore.open(dir);
    const bytes = pseudoRandomBytes(3000, 9);
    const hash = sha256(bytes);
    store.put(hash, bytes);
    await store.flush();
    const file = journalFile(dir);
    const raw = readFileSync(file);
    raw[8 + 41 + 100]! ^= 0xff; // inside the first record's payload
    writeFileSync(file, raw);
    const error: unknown = await store.get(hash).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CorruptionError);
    expect((error as CorruptionError).message).toContain(hashToHex(hash));
    await store.close();
  });

  it('compresses compressible chunks and grows by about the chunk bytes', async () => {
    const dir = tempDir();
    const store = await PackChunkStore.open(dir);
    const text = new TextEncoder().encode('{"label":"car","bbox":[1,2,3,4]}\n'.repeat(120));
    store.put(sha256(text), text);
    await store.flush();
    expect(statSync(journalFile(dir)).size).toBeLessThan(text.length / 4);
    expect(Buffer.from((await store.get(sha256(text)))!).equals(Buffer.from(text))).toBe(true);
    await store.close();
  });
});

describe('PackChunkStore failed append', () => {
  it('a full disk mid-append: DiskFullError, the partial bytes cut off, the chunk still staged', async () => {
    const dir = tempDir();
    const store = await PackChunkStore.open(dir);
    const a = pseudoRandomBytes(800, 21);
    store.put(sha256(a), a);
    await store.flush();
    const file = journalFile(dir);
    const committed = statSync(file).size;
    const handle = (store as unknown as { journal: { handle: FileHandle } }).journal.handle;
    const write = handle.write.bind(handle) as (...args: unknown[]) => Promise<unknown>;
    (handle as unknown as { write: unknown }).write = async (
      buf: Buffer,
      off: number,
      len: number,
      pos: number,
    ) => {
      await write(buf, off, len >>> 1, pos); // a short write, then the disk is full
      throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
    };
    const b = pseudoRandomBytes(900, 22);
    store.put(sha256(b), b);
    await expect(store.flush()).rejects.toBeInstanceOf(DiskFullError);
    expect(statSync(file).size).toBe(committed);
    expect(Buffer.from((await store.get(sha256(b)))!).equals(Buffer.from(b))).toBe(true);
    (handle as unknown as { write: unknown }).write = write;
    await store.flush();
    await store.close();
    const reopened = await PackChunkStore.open(dir, { create: false });
    for (const c of [a, b]) expect(await reopened.has(sha256(c))).toBe(true);
    await reopened.close();
  });
});

describe('PackChunkStore torn tail', () => {
  it('truncating the journal anywhere inside the last batch reopens at the previous flush', async () => {
    const dir = tempDir();
    const first = [pseudoRandomBytes(300, 1), pseudoRandomBytes(40, 2)];
    const last = [pseudoRandomBytes(200, 3), pseudoRandomBytes(60, 4)];
    let store = await PackChunkStore.open(dir);
    for (const b of first) store.put(sha256(b), b);
    await store.flush();
    const file = journalFile(dir);
    const committed = statSync(file).size;
    for (const b of last) store.put(sha256(b), b);
    await store.flush();
    await store.close();
    const full = readFileSync(file);
    for (let cut = committed; cut < full.length; cut++) {
      writeFileSync(file, full);
      truncateSync(file, cut);
      store = await PackChunkStore.open(dir, { create: false });
      expect(statSync(file).size).toBe(committed); // the torn bytes are gone
      for (const b of first) expect(await store.has(sha256(b))).toBe(true);
      for (const b of last) expect(await store.get(sha256(b))).toBeUndefined();
      await store.close();
    }
    writeFileSync(file, full);
    store = await PackChunkStore.open(dir, { create: false });
    for (const b of [...first, ...last]) expect(await store.has(sha256(b))).toBe(true);
    await store.close();
  });

  it('a record with a flipped bit ends the journal there, and later flushes append after it', async () => {
    const dir = tempDir();
    const a = pseudoRandomBytes(500, 5);
    const b = pseudoRandomBytes(500, 6);
    let store = await PackChunkStore.open(dir);
    store.put(sha256(a), a);
    await store.flush();
    const file = journalFile(dir);
    const committed = statSync(file).size;
    store.put(sha256(b), b);
    await store.flush();
    await store.close();
    const raw = readFileSync(file);
    raw[committed + 45]! ^= 4;
    writeFileSync(file, raw);
    store = await PackChunkStore.open(dir, { create: false });
    expect(statSync(file).size).toBe(committed);
    expect(await store.has(sha256(b))).toBe(false);
    store.put(sha256(b), b);
    await store.flush();
    await store.close();
    store = await PackChunkStore.open(dir, { create: false });
    expect(Buffer.from((await store.get(sha256(b)))!).equals(Buffer.from(b))).toBe(true);
    await store.close();
  });
});

type Op =
  | { kind: 'put'; chunk: number }
  | { kind: 'flush' }
  | { kind: 'delete'; chunks: number[] }
  | { kind: 'reopen' }
  | { kind: 'crash' };

describe('PackChunkStore model', () => {
  it('matches a Map through random put/flush/delete/reopen/seal sequences', async () => {
    const pool = Array.from({ length: 24 }, (_, i) =>
      pseudoRandomBytes(50 + ((i * 97) % 700), i + 1),
    );
    const opArb: fc.Arbitrary<Op> = fc.oneof(
      { weight: 6, arbitrary: fc.record({ kind: fc.constant('put' as const), chunk: fc.nat(23) }) },
      { weight: 3, arbitrary: fc.constant({ kind: 'flush' as const }) },
      {
        weight: 2,
        arbitrary: fc.record({
          kind: fc.constant('delete' as const),
          chunks: fc.array(fc.nat(23), { maxLength: 4 }),
        }),
      },
      { weight: 1, arbitrary: fc.constant({ kind: 'reopen' as const }) },
      { weight: 1, arbitrary: fc.constant({ kind: 'crash' as const }) },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(opArb, { maxLength: 40 }),
        fc.integer({ min: 1, max: 4000 }),
        async (ops, sealBytes) => {
          const dir = tempDir();
          let store = await PackChunkStore.open(dir, { sealBytes });
          const durable = new Map<string, Uint8Array>();
          const visible = new Map<string, Uint8Array>();
          for (const op of ops) {
            if (op.kind === 'put') {
              const bytes = pool[op.chunk]!;
              store.put(sha256(bytes), bytes);
              visible.set(hashToHex(sha256(bytes)), bytes);
            } else if (op.kind === 'flush') {
              await store.flush();
              for (const [k, v] of visible) durable.set(k, v);
            } else if (op.kind === 'delete') {
              const hashes = op.chunks.map((c) => sha256(pool[c]!));
              await store.delete(hashes);
              for (const h of hashes) {
                visible.delete(hashToHex(h));
                durable.delete(hashToHex(h));
              }
            } else if (op.kind === 'reopen') {
              await store.close();
              store = await PackChunkStore.open(dir, { sealBytes, create: false });
              for (const [k, v] of visible) durable.set(k, v);
            } else {
              // a crash: staged chunks are lost, the files stay as they are
              const crashed = store;
              store = await PackChunkStore.open(dir, { sealBytes, create: false });
              (crashed as unknown as { staged: Map<string, unknown> }).staged.clear();
              await crashed.close();
              visible.clear();
              for (const [k, v] of durable) visible.set(k, v);
            }
            const listed: string[] = [];
            for await (const h of store.hashes()) listed.push(hashToHex(h));
            expect(listed.sort()).toEqual([...visible.keys()].sort());
          }
          for (const [k, v] of visible) {
            const got = await store.get(sha256(v));
            expect(got && Buffer.from(got).equals(Buffer.from(v)), k).toBe(true);
          }
          for (const bytes of pool)
            if (!visible.has(hashToHex(sha256(bytes))))
              expect(await store.has(sha256(bytes))).toBe(false);
          await store.close();
        },
      ),
      { seed: 7, numRuns: 60 },
    );
  });
});

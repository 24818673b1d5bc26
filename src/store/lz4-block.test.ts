/**
 * The JavaScript LZ4 decoder against lmdb-js's native compressor: every value lmdb-js stores
 * compressed decodes to the bytes put, and damaged stored bytes are an `Lz4BlockError` (or bytes
 * the hash check rejects), never another exception, never a read outside a buffer.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { open, type RootDatabase } from 'lmdb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CorruptionError } from '../core/errors.js';
import { sha256 } from '../core/hash.js';
import { LmdbChunkStore } from './lmdb/lmdb-chunk-store.js';
import { decodeStoredValue } from './lmdb/lmdb-stored-value.js';
import { decodeLz4Block, Lz4BlockError } from './lz4-block.js';

const SEED = 20261207;

/** Label-like text (JSON with repeated field names and numbers): what chunks hold. */
function labelText(n: number, salt: number): Buffer {
  const parts: string[] = [];
  for (let i = 0; i < n; i++)
    parts.push(
      `{"image":"img_${(i * 7 + salt) % 97}","label":"${i}","category":"c${(i * salt) % 13}",` +
        `"bbox":[${i % 500},${(i * 3) % 400},${20 + (i % 40)},${30 + salt}],"annotator":"ann_${i % 5}"}`,
    );
  return Buffer.from(`P${parts.join('\n')}`);
}

const chunkArb = fc.oneof(
  fc.tuple(fc.integer({ min: 1, max: 200 }), fc.nat(1000)).map(([n, s]) => labelText(n, s)),
  fc
    .uint8Array({ minLength: 1000, maxLength: 5000 })
    .map((b) => Buffer.concat([Buffer.from('K'), b])),
  fc
    .tuple(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1000, max: 70000 }))
    .map(([period, size]) => {
      const b = Buffer.alloc(size);
      for (let i = 0; i < size; i++) b[i] = 0x50 + (i % period);
      return b;
    }),
);

let dir: string;
let store: LmdbChunkStore;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'verso-lz4-'));
  store = await LmdbChunkStore.open(dir);
});

afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The bytes lmdb-js stored for `hash`, read without decompression, and its dictionary. */
async function stored(hashes: readonly Uint8Array[]): Promise<{
  values: Buffer[];
  dictionary: Uint8Array;
}> {
  await store.close();
  const db = open({
    path: dir,
    keyEncoding: 'binary',
    encoding: 'binary',
    compression: true,
  }) as RootDatabase<Buffer, Buffer>;
  const raw = db.openDB({
    name: null as unknown as string,
    keyEncoding: 'binary',
    encoding: 'binary',
    compression: false,
  }) as unknown as RootDatabase<Buffer, Buffer>;
  const dict = (db as unknown as { compression: { dictionary: Buffer } }).compression.dictionary;
  const values = hashes.map((h) => Buffer.from(raw.getBinary(Buffer.from(h))!));
  await db.close();
  store = await LmdbChunkStore.open(dir);
  return { values, dictionary: dict.subarray(0, dict.length & ~7) };
}

describe('LZ4 values written by lmdb-js', () => {
  it('decode to exactly the bytes put (label text, random bytes, repeated patterns)', async () => {
    const chunks = fc.sample(chunkArb, { seed: SEED, numRuns: 150 });
    const hashes = chunks.map((c) => {
      const h = sha256(c);
      store.put(h, c);
      return h;
    });
    await store.flush();
    const { values } = await stored(hashes);
    expect(values.filter((v) => v[0] === 254).length).toBeGreaterThan(100); // compressed
    for (const [i, h] of hashes.entries())
      expect(Buffer.from((await store.get(h))!).equals(chunks[i]!)).toBe(true);
  });

  it('a flipped bit anywhere gives Lz4BlockError or some bytes, never another error', async () => {
    const chunks = fc.sample(chunkArb, { seed: SEED + 1, numRuns: 20 });
    const hashes = chunks.map((c) => {
      const h = sha256(c);
      store.put(h, c);
      return h;
    });
    await store.flush();
    const { values, dictionary } = await stored(hashes);
    fc.assert(
      fc.property(fc.nat(chunks.length - 1), fc.nat(), fc.nat(7), (i, at, bit) => {
        const damaged = Buffer.from(values[i]!);
        damaged[at % damaged.length]! ^= 1 << bit;
        // Other bytes are caught by the hash check; the same bytes (a flipped offset into a
        // repeated pattern can give them) are harmless.
        let error: unknown;
        try {
          decodeStoredValue(damaged, dictionary);
        } catch (e) {
          error = e;
        }
        if (error !== undefined) expect(error).toBeInstanceOf(Lz4BlockError);
      }),
      { seed: SEED, numRuns: 2000 },
    );
  });
});

describe('decodeLz4Block', () => {
  const dict = Buffer.from('abcdefgh');
  it('reads matches that reach into the dictionary and overlapping matches', () => {
    // literals "xy", match offset 4 length 4 -> "ghxy" (2 from the dictionary); then
    // literal "z", match offset 1 length 6 -> "zzzzzz"; last literals "!".
    const block = Buffer.from([0x20, 0x78, 0x79, 4, 0, 0x12, 0x7a, 1, 0, 0x10, 0x21]);
    expect(Buffer.from(decodeLz4Block(block, 14, dict)).toString()).toBe('xyghxyzzzzzzz!');
  });

  it('refuses what does not fit: offset 0, before the dictionary, past the block or output', () => {
    const cases: Array<[number[], number]> = [
      [[0x10, 0x61, 0, 0, 0x00], 5], // offset 0
      [[0x10, 0x61, 50, 0, 0x00], 5], // before the dictionary
      [[0x50, 0x61, 0x62], 5], // literals past the block
      [[0x10, 0x61], 9], // fills less than the header says
      [[0x40, 0x61, 0x62, 0x63, 0x64], 2], // literals overflow the output
      [[], 1], // empty block
      [[0x10, 0x61, 1], 9], // offset cut short
    ];
    for (const [bytes, size] of cases)
      expect(() => decodeLz4Block(Buffer.from(bytes), size, dict)).toThrow(Lz4BlockError);
  });

  it('refuses a header size no LZ4 block of that length can give, without allocating it', () => {
    expect(() => decodeLz4Block(Buffer.from([0x10, 0x61]), 2 ** 31, dict)).toThrow(Lz4BlockError);
    expect(() => decodeStoredValue(Buffer.from([251, 1, 2, 3]), dict)).toThrow(/status byte 251/);
  });

  it('a store read of damaged bytes is a CorruptionError naming the chunk', async () => {
    const chunk = labelText(100, 3);
    const hash = sha256(chunk);
    store.put(hash, chunk);
    await store.flush();
    const { values } = await stored([hash]);
    await store.close();
    const db = open({ path: dir, keyEncoding: 'binary', encoding: 'binary', compression: false });
    const damaged = Buffer.from(values[0]!);
    damaged[1] = damaged[1]! ^ 0x40; // the size in the header
    await db.put(Buffer.from(hash), damaged);
    await db.close();
    store = await LmdbChunkStore.open(dir);
    await expect(store.get(hash)).rejects.toThrow(CorruptionError);
    await expect(store.get(hash)).rejects.toThrow(/do not decompress|hash to/);
  });
});

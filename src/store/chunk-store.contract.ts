/**
 * The ChunkStore contract suite (layer: store, tests only).
 *
 * Every backend and decorator runs these same tests through `describeChunkStoreContract`, given
 * a factory for a fresh, empty store. Persistent backends also give `reopen` (close, then open
 * the same storage again), which the durability tests use; volatile ones leave it out.
 * Random inputs come from fast-check with a fixed seed, so failures reproduce.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { hashToHex, sha256 } from '../core/hash.js';
import type { ChunkStore } from './chunk-store.js';

export interface ChunkStoreHarness {
  /** The store under test (after `reopen`, the reopened one). */
  readonly store: ChunkStore;
  /** Closes the store and opens the same storage again; absent for volatile backends. */
  readonly reopen?: () => Promise<ChunkStore>;
  /** Closes the current store and removes what it stored. */
  cleanup(): Promise<void>;
}

const SEED = 20240611;
const MiB = 1 << 20;

/** Deterministic bytes (xorshift32), for chunks too large to draw from fast-check cheaply. */
export function pseudoRandomBytes(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed | 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

function putChunk(store: ChunkStore, bytes: Uint8Array): Uint8Array {
  const hash = sha256(bytes);
  store.put(hash, bytes);
  return hash;
}

async function listHex(store: ChunkStore): Promise<string[]> {
  const out: string[] = [];
  for await (const hash of store.hashes()) out.push(hashToHex(hash));
  return out.sort();
}

function expectBytes(actual: Uint8Array | undefined, expected: Uint8Array): void {
  expect(actual).toBeDefined();
  expect(Buffer.from(actual ?? []).equals(Buffer.from(expected))).toBe(true);
}

export function describeChunkStoreContract(
  name: string,
  create: () => Promise<ChunkStoreHarness>,
): void {
  describe(`ChunkStore contract: ${name}`, () => {
    let h: ChunkStoreHarness;
    beforeEach(async () => {
      h = await create();
    });
    afterEach(async () => {
      await h.cleanup();
    });

    it('returns exactly the bytes put (random chunks, seeded)', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.uint8Array({ maxLength: 5000 }), { maxLength: 8 }),
          async (chunks) => {
            const hashes = chunks.map((bytes) => putChunk(h.store, bytes));
            await h.store.flush();
            for (const [i, hash] of hashes.entries()) {
              expectBytes(await h.store.get(hash), chunks[i] ?? new Uint8Array());
              expect(await h.store.has(hash)).toBe(true);
            }
          },
        ),
        { seed: SEED, numRuns: 60 },
      );
    });

    it('returns undefined and has() false for an absent chunk', async () => {
      putChunk(h.store, new Uint8Array([1, 2, 3]));
      await h.store.flush();
      const absent = sha256(new Uint8Array([9, 9, 9]));
      expect(await h.store.get(absent)).toBeUndefined();
      expect(await h.store.has(absent)).toBe(false);
    });

    it('treats a repeated put as a no-op', async () => {
      const bytes = pseudoRandomBytes(3000, 1);
      const hash = putChunk(h.store, bytes);
      putChunk(h.store, bytes);
      await h.store.flush();
      putChunk(h.store, bytes);
      await h.store.flush();
      expectBytes(await h.store.get(hash), bytes);
      expect(await listHex(h.store)).toEqual([hashToHex(hash)]);
    });

    it('keeps its own copy: mutating the buffer after put changes nothing', async () => {
      const bytes = pseudoRandomBytes(2000, 2);
      const original = bytes.slice();
      const hash = putChunk(h.store, bytes);
      bytes.fill(0);
      expectBytes(await h.store.get(hash), original);
      await h.store.flush();
      expectBytes(await h.store.get(hash), original);
    });

    it('returns independent buffers from successive gets', async () => {
      const a = pseudoRandomBytes(4000, 3);
      const b = pseudoRandomBytes(4000, 4);
      const [ha, hb] = [putChunk(h.store, a), putChunk(h.store, b)];
      await h.store.flush();
      const gotA = await h.store.get(ha);
      await h.store.get(hb);
      expectBytes(gotA, a);
    });

    it('keeps flushed chunks across close and reopen', async () => {
      const chunks = [pseudoRandomBytes(10_000, 5), pseudoRandomBytes(10, 6), new Uint8Array(0)];
      const hashes = chunks.map((bytes) => putChunk(h.store, bytes));
      await h.store.flush();
      const store = h.reopen ? await h.reopen() : h.store;
      for (const [i, hash] of hashes.entries())
        expectBytes(await store.get(hash), chunks[i] ?? new Uint8Array());
      expect(await listHex(store)).toEqual(hashes.map(hashToHex).sort());
    });

    it('deletes chunks, ignores absent ones, and the deletion persists', async () => {
      const chunks = [1, 2, 3].map((seed) => pseudoRandomBytes(1500, seed + 10));
      const [a, b, c] = chunks.map((bytes) => putChunk(h.store, bytes)) as [
        Uint8Array,
        Uint8Array,
        Uint8Array,
      ];
      await h.store.flush();
      await h.store.delete([a, b, sha256(new Uint8Array([42]))]);
      expect(await h.store.get(a)).toBeUndefined();
      expect(await h.store.has(b)).toBe(false);
      expectBytes(await h.store.get(c), chunks[2] ?? new Uint8Array());
      const store = h.reopen ? await h.reopen() : h.store;
      expect(await listHex(store)).toEqual([hashToHex(c)]);
      putChunk(store, chunks[0] ?? new Uint8Array());
      await store.flush();
      expectBytes(await store.get(a), chunks[0] ?? new Uint8Array());
    });

    it('lists exactly the hashes put, each once (seeded)', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.uniqueArray(fc.uint8Array({ minLength: 1, maxLength: 64 }), { maxLength: 40 }),
          async (chunks) => {
            const before = await listHex(h.store);
            await h.store.delete(before.map((hex) => Buffer.from(hex, 'hex')));
            const expected = new Set(chunks.map((bytes) => hashToHex(putChunk(h.store, bytes))));
            await h.store.flush();
            expect(await listHex(h.store)).toEqual([...expected].sort());
          },
        ),
        { seed: SEED, numRuns: 30 },
      );
    });

    it('lets gc delete while it iterates hashes()', async () => {
      for (let i = 0; i < 50; i++) putChunk(h.store, pseudoRandomBytes(100, i + 100));
      await h.store.flush();
      let seen = 0;
      for await (const hash of h.store.hashes()) {
        seen++;
        await h.store.delete([hash]);
      }
      expect(seen).toBe(50);
      expect(await listHex(h.store)).toEqual([]);
    });

    it('stores a 1 MiB chunk and an empty chunk', async () => {
      const large = pseudoRandomBytes(MiB, 7);
      const empty = new Uint8Array(0);
      const [hl, he] = [putChunk(h.store, large), putChunk(h.store, empty)];
      await h.store.flush();
      expectBytes(await h.store.get(hl), large);
      expectBytes(await h.store.get(he), empty);
      expect(await h.store.has(he)).toBe(true);
      expect(await h.store.sizeBytes()).toBeGreaterThanOrEqual(MiB);
    });
  });
}

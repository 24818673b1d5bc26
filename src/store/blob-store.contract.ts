/**
 * The BlobStore contract suite (layer: store, tests only).
 *
 * Every backend runs these same tests through `describeBlobStoreContract`, given a factory for a
 * fresh, empty store; `reopen` (a new instance over the same storage) is optional. One test per
 * clause of `blob-store.ts`: content addressing (the key is the SHA-256 the store computes),
 * claimed hashes checked on write (a wrong one is refused and nothing stored), idempotent and
 * concurrent puts, streams (many pieces, empty, failing), absent and malformed keys, and the
 * local path. Nothing here depends on how a backend lays blobs out.
 */
import { readFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../core/errors.js';
import { sha256Hex } from '../core/hash.js';
import type { ChunkHash } from '../core/hash.js';
import { BlobHashMismatchError } from './blob-store.js';
import type { BlobStore } from './blob-store.js';
import { pseudoRandomBytes } from './chunk-store.contract.js';

export interface BlobStoreHarness {
  /** The store under test (after `reopen`, the reopened one). */
  readonly store: BlobStore;
  /** Opens the same storage again as a new instance; absent for volatile backends. */
  readonly reopen?: () => Promise<BlobStore>;
  /** Removes what the store stored. */
  cleanup(): Promise<void>;
}

/** `bytes` as an async stream of `size`-byte pieces. */
export async function* inPieces(bytes: Uint8Array, size: number): AsyncIterable<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

/** Yields `head`, then fails as a broken upload or a vanished file would. */
async function* failingAfter(head: Uint8Array): AsyncIterable<Uint8Array> {
  yield head;
  throw new Error('source broke');
}

function expectBytes(actual: Uint8Array | undefined, expected: Uint8Array): void {
  expect(actual).toBeDefined();
  expect(actual!.byteLength).toBe(expected.byteLength);
  expect(Buffer.from(actual!).equals(Buffer.from(expected))).toBe(true);
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.fail('expected a rejection'),
    (error: unknown) => error,
  );
}

export function describeBlobStoreContract(
  name: string,
  create: () => Promise<BlobStoreHarness>,
): void {
  describe(`BlobStore contract: ${name}`, () => {
    let h: BlobStoreHarness;
    let store: BlobStore;
    beforeEach(async () => {
      h = await create();
      store = h.store;
    });
    afterEach(async () => {
      await h.cleanup();
    });

    describe('content addressing', () => {
      it('keys a blob by the SHA-256 of its bytes and reads it back', async () => {
        const bytes = pseudoRandomBytes(5000, 1);
        const hash = sha256Hex(bytes);
        expect(await store.has(hash)).toBe(false);
        expect(await store.put(bytes)).toEqual({ hash, size: 5000 });
        expect(await store.has(hash)).toBe(true);
        expectBytes(await store.get(hash), bytes);
      });

      it('stores the same bytes once: puts and streams of them return the same key', async () => {
        const bytes = pseudoRandomBytes(3000, 2);
        const first = await store.put(bytes);
        expect(await store.put(bytes.slice())).toEqual(first);
        expect(await store.putStream(inPieces(bytes, 700))).toEqual(first);
        expectBytes(await store.get(first.hash), bytes);
      });

      it('keeps different bytes apart, one key each', async () => {
        const blobs = [1, 2, 3, 4].map((seed) => pseudoRandomBytes(100 * seed, seed + 10));
        const stored = [];
        for (const bytes of blobs) stored.push(await store.put(bytes));
        expect(new Set(stored.map((s) => s.hash)).size).toBe(blobs.length);
        for (let i = 0; i < blobs.length; i++)
          expectBytes(await store.get(stored[i]!.hash), blobs[i]!);
      });

      it('stores the empty blob', async () => {
        const empty = new Uint8Array(0);
        const stored = await store.put(empty);
        expect(stored).toEqual({ hash: sha256Hex(empty), size: 0 });
        expect(await store.putStream(inPieces(empty, 1))).toEqual(stored);
        expect(await store.has(stored.hash)).toBe(true);
        expect((await store.get(stored.hash))?.byteLength).toBe(0);
      });

      it('is not changed by the caller reusing its buffer after put', async () => {
        const bytes = pseudoRandomBytes(256, 3);
        const copy = bytes.slice();
        const { hash } = await store.put(bytes);
        bytes.fill(0);
        expectBytes(await store.get(hash), copy);
      });
    });

    describe('claimed hashes are checked on write', () => {
      it('accepts bytes that match their claimed hash', async () => {
        const bytes = pseudoRandomBytes(1000, 4);
        const hash = sha256Hex(bytes);
        expect(await store.put(bytes, hash)).toEqual({ hash, size: 1000 });
        expect(await store.putStream(inPieces(bytes, 99), hash)).toEqual({ hash, size: 1000 });
        expectBytes(await store.get(hash), bytes);
      });

      it('refuses put under a wrong claimed hash and stores nothing', async () => {
        const bytes = pseudoRandomBytes(1000, 5);
        const claimed = sha256Hex(new TextEncoder().encode('something else'));
        const error = await rejection(store.put(bytes, claimed));
        expect(error).toBeInstanceOf(BlobHashMismatchError);
        expect((error as BlobHashMismatchError).code).toBe('BLOB_HASH_MISMATCH');
        expect((error as BlobHashMismatchError).data).toEqual({
          expected: claimed,
          actual: sha256Hex(bytes),
          size: 1000,
        });
        expect(await store.has(claimed)).toBe(false);
        expect(await store.has(sha256Hex(bytes))).toBe(false);
      });

      it('refuses a stream under a wrong claimed hash and stores nothing', async () => {
        const bytes = pseudoRandomBytes(70_000, 6);
        const claimed = sha256Hex(bytes.subarray(1));
        const error = await rejection(store.putStream(inPieces(bytes, 4096), claimed));
        expect(error).toBeInstanceOf(BlobHashMismatchError);
        expect(await store.has(claimed)).toBe(false);
        expect(await store.has(sha256Hex(bytes))).toBe(false);
        expect(await store.get(sha256Hex(bytes))).toBeUndefined();
      });

      it('refuses a wrong claimed hash even when the bytes are already stored', async () => {
        const bytes = pseudoRandomBytes(500, 7);
        const { hash } = await store.put(bytes);
        const other = sha256Hex(pseudoRandomBytes(500, 8));
        expect(await rejection(store.put(bytes, other))).toBeInstanceOf(BlobHashMismatchError);
        expect(await store.has(other)).toBe(false);
        expectBytes(await store.get(hash), bytes);
      });

      it('refuses a malformed claimed hash (InvalidArgumentError)', async () => {
        const bytes = pseudoRandomBytes(10, 9);
        const upper = sha256Hex(bytes).toUpperCase() as ChunkHash;
        expect(await rejection(store.put(bytes, upper))).toBeInstanceOf(InvalidArgumentError);
        expect(await store.has(sha256Hex(bytes))).toBe(false);
      });
    });

    describe('streams', () => {
      it('stores many pieces as their concatenation', async () => {
        const bytes = pseudoRandomBytes(3 * 65536 + 17, 10);
        const streamed = await store.putStream(inPieces(bytes, 4096));
        expect(streamed).toEqual({ hash: sha256Hex(bytes), size: bytes.length });
        expectBytes(await store.get(streamed.hash), bytes);
        expect(await store.put(bytes)).toEqual(streamed);
      });

      it('stores nothing of a stream that fails, and the failure reaches the caller', async () => {
        const head = pseudoRandomBytes(2000, 11);
        await expect(store.putStream(failingAfter(head))).rejects.toThrow('source broke');
        expect(await store.has(sha256Hex(head))).toBe(false);
        // The store is still usable, and the same bytes store normally afterwards.
        expect(await store.put(head)).toEqual({ hash: sha256Hex(head), size: 2000 });
      });
    });

    describe('concurrent puts', () => {
      it('lets concurrent puts of the same bytes all succeed with one key and intact bytes', async () => {
        const bytes = pseudoRandomBytes(100_000, 12);
        const hash = sha256Hex(bytes);
        const results = await Promise.all([
          store.put(bytes),
          store.put(bytes.slice()),
          store.putStream(inPieces(bytes, 8192)),
          store.putStream(inPieces(bytes, 1000), hash),
          store.put(bytes, hash),
        ]);
        for (const result of results) expect(result).toEqual({ hash, size: bytes.length });
        expectBytes(await store.get(hash), bytes);
      });

      it('keeps concurrent puts of different bytes apart', async () => {
        const blobs = Array.from({ length: 8 }, (_, i) => pseudoRandomBytes(4000 + i, 20 + i));
        const results = await Promise.all(blobs.map((bytes) => store.put(bytes)));
        for (let i = 0; i < blobs.length; i++) {
          expect(results[i]!.hash).toBe(sha256Hex(blobs[i]!));
          expectBytes(await store.get(results[i]!.hash), blobs[i]!);
        }
      });
    });

    describe('absent and malformed keys', () => {
      it('answers an absent key with has false, get and localPath undefined (no error)', async () => {
        await store.put(pseudoRandomBytes(10, 13));
        const absent = sha256Hex(new Uint8Array([0]));
        expect(await store.has(absent)).toBe(false);
        expect(await store.get(absent)).toBeUndefined();
        expect(await store.localPath(absent)).toBeUndefined();
      });

      it('refuses a key that is not 64 lowercase hex chars (InvalidArgumentError)', async () => {
        const stored = await store.put(pseudoRandomBytes(10, 14));
        const malformed = [
          '../../etc/passwd',
          '',
          stored.hash.slice(0, 63),
          stored.hash.toUpperCase(),
          `${stored.hash}/x`,
        ] as ChunkHash[];
        for (const key of malformed) {
          expect(await rejection(store.get(key)), key).toBeInstanceOf(InvalidArgumentError);
          expect(await rejection(store.has(key)), key).toBeInstanceOf(InvalidArgumentError);
          expect(await rejection(store.localPath(key)), key).toBeInstanceOf(InvalidArgumentError);
        }
      });
    });

    describe('local path', () => {
      it('gives a path holding exactly the blob, or undefined when the backend keeps none', async () => {
        const bytes = pseudoRandomBytes(700, 15);
        const { hash } = await store.put(bytes);
        const path = await store.localPath(hash);
        if (path === undefined) return; // a backend without local files (an object store)
        expectBytes(new Uint8Array(await readFile(path)), bytes);
      });
    });

    it('keeps blobs across reopen', async () => {
      const bytes = pseudoRandomBytes(9000, 16);
      const { hash } = await store.put(bytes);
      const streamed = await store.putStream(inPieces(pseudoRandomBytes(300, 17), 7));
      const again = h.reopen ? await h.reopen() : store;
      expect(await again.has(hash)).toBe(true);
      expectBytes(await again.get(hash), bytes);
      expect(await again.has(streamed.hash)).toBe(true);
      expect(await again.put(bytes)).toEqual({ hash, size: 9000 });
    });
  });
}

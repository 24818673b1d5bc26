/**
 * Runs the ChunkStore contract against every backend and decorator, plus the checks that only
 * the verifying decorator has (it must catch bytes that do not match their hash).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CorruptionError } from '../core/errors.js';
import { hashToHex, sha256 } from '../core/hash.js';
import { describeChunkStoreContract } from './chunk-store.contract.js';
import type { ChunkStoreHarness } from './chunk-store.contract.js';
import { LmdbChunkStore } from './lmdb/lmdb-chunk-store.js';
import { MemoryChunkStore } from './memory/memory-chunk-store.js';
import { VerifyingChunkStore } from './verifying-chunk-store.js';

async function lmdbHarness(): Promise<ChunkStoreHarness> {
  const dir = mkdtempSync(join(tmpdir(), 'verso-lmdb-'));
  let store = await LmdbChunkStore.open(dir);
  return {
    get store() {
      return store;
    },
    async reopen() {
      await store.close();
      store = await LmdbChunkStore.open(dir);
      return store;
    },
    async cleanup() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function volatileHarness(
  store: MemoryChunkStore | VerifyingChunkStore,
): Promise<ChunkStoreHarness> {
  return Promise.resolve({ store, cleanup: () => store.close() });
}

describeChunkStoreContract('MemoryChunkStore', () => volatileHarness(new MemoryChunkStore()));
describeChunkStoreContract('LmdbChunkStore', lmdbHarness);
describeChunkStoreContract('VerifyingChunkStore(Memory)', () =>
  volatileHarness(new VerifyingChunkStore(new MemoryChunkStore())),
);

describe('VerifyingChunkStore', () => {
  it('throws CorruptionError naming the hash when the inner store returns other bytes', async () => {
    const inner = new MemoryChunkStore();
    const good = new Uint8Array([1, 2, 3, 4]);
    const hash = sha256(good);
    inner.put(hash, new Uint8Array([1, 2, 3, 5])); // a flipped bit, as a disk might return
    const store = new VerifyingChunkStore(inner);
    const error: unknown = await store.get(hash).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CorruptionError);
    expect((error as CorruptionError).data['hash']).toBe(hashToHex(hash));
    expect((error as CorruptionError).message).toContain(hashToHex(hash));
  });

  it('passes intact chunks and absent ones through', async () => {
    const store = new VerifyingChunkStore(new MemoryChunkStore());
    const bytes = new Uint8Array([7, 7, 7]);
    store.put(sha256(bytes), bytes);
    expect(Array.from((await store.get(sha256(bytes))) ?? [])).toEqual([7, 7, 7]);
    expect(await store.get(sha256(new Uint8Array([8])))).toBeUndefined();
  });
});

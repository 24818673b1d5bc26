/**
 * VerifyingChunkStore: a ChunkStore decorator that re-hashes every chunk it reads (layer: store).
 *
 * Chunks are named by their SHA-256, so a read can prove itself: `get` hashes the bytes the inner
 * store returned and throws `CorruptionError` (naming the hash asked for and the hash found) if
 * they differ, instead of letting a flipped bit reach the tree decoder. Everything else is
 * delegated unchanged; `put` trusts the caller's hash, as the ChunkStore contract says.
 * `LmdbChunkStore` makes the same check itself (`chunk-integrity.ts`); this decorator is for
 * backends that do not.
 */
import { checkChunkHash } from './chunk-integrity.js';
import type { ChunkStore } from './chunk-store.js';

export class VerifyingChunkStore implements ChunkStore {
  constructor(private readonly inner: ChunkStore) {}

  async get(hash: Uint8Array): Promise<Uint8Array | undefined> {
    const bytes = await this.inner.get(hash);
    if (bytes === undefined) return undefined;
    checkChunkHash(hash, bytes);
    return bytes;
  }

  has(hash: Uint8Array): Promise<boolean> {
    return this.inner.has(hash);
  }

  put(hash: Uint8Array, bytes: Uint8Array): void {
    this.inner.put(hash, bytes);
  }

  flush(): Promise<void> {
    return this.inner.flush();
  }

  ready(): Promise<void> {
    return this.inner.ready();
  }

  delete(hashes: readonly Uint8Array[]): Promise<void> {
    return this.inner.delete(hashes);
  }

  hashes(): AsyncIterable<Uint8Array> {
    return this.inner.hashes();
  }

  sizeBytes(): Promise<number> {
    return this.inner.sizeBytes();
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

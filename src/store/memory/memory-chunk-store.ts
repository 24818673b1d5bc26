/**
 * MemoryChunkStore: a ChunkStore held in a Map (layer: store).
 *
 * For tests and benchmarks' baselines. Keys are the hex form of the hash so equal hashes in
 * different `Uint8Array`s meet. Invariant: the map owns its bytes: `put` stores a copy and `get`
 * hands out a copy, so no caller can alter a stored chunk by reusing or mutating a buffer.
 * Nothing is durable, so `flush` has nothing to wait for and `put` is visible at once.
 */
import { hashToHex, hexToHash, HASH_BYTES } from '../../core/hash.js';
import type { ChunkHash } from '../../core/hash.js';
import { InvalidArgumentError } from '../../core/errors.js';
import type { ChunkStore } from '../chunk-store.js';

export class MemoryChunkStore implements ChunkStore {
  private readonly chunks = new Map<ChunkHash, Uint8Array>();

  async get(hash: Uint8Array): Promise<Uint8Array | undefined> {
    const bytes = this.chunks.get(hashToHex(hash));
    return bytes === undefined ? undefined : bytes.slice();
  }

  async has(hash: Uint8Array): Promise<boolean> {
    return this.chunks.has(hashToHex(hash));
  }

  put(hash: Uint8Array, bytes: Uint8Array): void {
    if (hash.length !== HASH_BYTES)
      throw new InvalidArgumentError('chunk hash', hash.length, 'expected 32 bytes');
    const key = hashToHex(hash);
    if (!this.chunks.has(key)) this.chunks.set(key, new Uint8Array(bytes));
  }

  async flush(): Promise<void> {}

  async ready(): Promise<void> {}

  async delete(hashes: readonly Uint8Array[]): Promise<void> {
    for (const hash of hashes) this.chunks.delete(hashToHex(hash));
  }

  async *hashes(): AsyncIterable<Uint8Array> {
    // A snapshot of the keys, so deleting while iterating (as gc does) is safe.
    for (const key of [...this.chunks.keys()]) yield hexToHash(key);
  }

  async sizeBytes(): Promise<number> {
    let total = 0;
    for (const bytes of this.chunks.values()) total += bytes.byteLength;
    return total;
  }

  async close(): Promise<void> {}
}

/**
 * ChunkStore: immutable, content-addressed chunks keyed by their SHA-256 (layer: store).
 *
 * Contract (checked for every backend by `chunk-store.contract.ts`):
 * - `put(hash, bytes)` stages a chunk; the caller guarantees `hash = sha256(bytes)`. Putting a
 *   chunk that exists is a no-op. Staged chunks may be visible to `get` before `flush`, but are
 *   durable (survive a crash) only once a later `flush()` has resolved. Write errors surface
 *   from `flush()`.
 * - `get` returns exactly the bytes put, or `undefined` if the chunk is absent.
 * - `ready()` resolves when the store can take more staged writes: bulk writers (imports) await
 *   it every few thousand puts, so staged memory stays bounded and a backend that commits on
 *   the event loop gets turns to do so.
 * - `delete` is for garbage collection only: callers must hold the repository's gc lease.
 * - `hashes()` yields every stored hash once, in no particular order.
 * - `getMany` (optional) is `get` of several chunks in one call, in order: a remote backend
 *   (S3) fetches them at once, in parallel and with neighbouring records coalesced, so a tree
 *   read can fetch a whole level in one round trip (`NodeStore.prefetch`). Local backends leave
 *   it out: for them one read per chunk is already cheap.
 * Backends: `LmdbChunkStore` (embedded default), `MemoryChunkStore` (tests); decorators such as
 * `VerifyingChunkStore` wrap any of them.
 */
export interface ChunkStore {
  get(hash: Uint8Array): Promise<Uint8Array | undefined>;
  has(hash: Uint8Array): Promise<boolean>;
  getMany?(hashes: readonly Uint8Array[]): Promise<(Uint8Array | undefined)[]>;
  put(hash: Uint8Array, bytes: Uint8Array): void;
  flush(): Promise<void>;
  ready(): Promise<void>;
  delete(hashes: readonly Uint8Array[]): Promise<void>;
  hashes(): AsyncIterable<Uint8Array>;
  /** Approximate bytes used on disk (or in memory), for benchmarks and `verso show`. */
  sizeBytes(): Promise<number>;
  close(): Promise<void>;
}

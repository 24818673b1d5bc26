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
 * Backends: `LmdbChunkStore` (embedded default), `MemoryChunkStore` (tests), `PackChunkStore`,
 * `S3PackChunkStore` (`s3/`, packs on an object store); decorators such as
 * `VerifyingChunkStore` wrap any of them.
 */
/** What another thread needs to open a store for reading. */
export interface ThreadReaderLocation {
  readonly backend: 'lmdb';
  /** The store's folder. */
  readonly directory: string;
}

export interface ChunkStore {
  get(hash: Uint8Array): Promise<Uint8Array | undefined>;
  /**
   * Optional batched read: the chunks of `hashes` in order (`undefined` for absent ones), as
   * `get` would return them one by one. Backends with a high round-trip cost (S3) fetch them in
   * parallel and merge neighbouring records into one request, so a caller that knows a whole
   * tree level up front reads it in about one round trip. Callers fall back to `get` when a
   * backend does not implement it.
   */
  getMany?(hashes: readonly Uint8Array[]): Promise<(Uint8Array | undefined)[]>;
  /**
   * Optional: where a worker thread of this process opens the same store to read it (as
   * `api/read/cat-worker.ts` does), so a long scan can run on every core. Absent
   * for stores only their own thread can read (memory) or that gain nothing from a second
   * client (S3: its reads wait on the network, and are already concurrent).
   */
  readonly threadReader?: ThreadReaderLocation;
  has(hash: Uint8Array): Promise<boolean>;
  put(hash: Uint8Array, bytes: Uint8Array): void;
  flush(): Promise<void>;
  ready(): Promise<void>;
  delete(hashes: readonly Uint8Array[]): Promise<void>;
  hashes(): AsyncIterable<Uint8Array>;
  /** Approximate bytes used on disk (or in memory), for benchmarks and `verso show`. */
  sizeBytes(): Promise<number>;
  close(): Promise<void>;
}

/**
 * BlobStore: image/video bytes keyed by the SHA-256 of their content (layer: store).
 *
 * Contract (checked for every backend by `blob-store.contract.ts`):
 * - `put`/`putStream` store the bytes once and return their hex SHA-256 and size; storing the
 *   same bytes again (under any name) stores nothing new. A blob becomes visible only complete
 *   and durable (written to a temporary name, fsynced, then renamed).
 * - `get` returns the bytes or `undefined`; `has` says whether the blob is stored.
 * - `localPath` returns the path of a stored blob's complete file on the local file system, for
 *   readers that read ranges of a large blob in place (or from worker threads) instead of
 *   loading it whole; `undefined` when the blob is absent or the backend keeps no local file.
 *   The file must only be read, never written or moved.
 * Backends: `FsBlobStore` (a folder sharded by hash prefix, the embedded default).
 */
import type { ChunkHash } from '../core/hash.js';

export interface StoredBlob {
  readonly hash: ChunkHash;
  readonly size: number;
}

export interface BlobStore {
  put(bytes: Uint8Array): Promise<StoredBlob>;
  putStream(source: AsyncIterable<Uint8Array>): Promise<StoredBlob>;
  get(hash: ChunkHash): Promise<Uint8Array | undefined>;
  has(hash: ChunkHash): Promise<boolean>;
  localPath(hash: ChunkHash): Promise<string | undefined>;
}

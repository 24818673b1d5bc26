/**
 * BlobStore: image/video bytes keyed by the SHA-256 of their content (layer: store).
 *
 * Contract (checked for every backend by `blob-store.contract.ts`):
 * - `put`/`putStream` store the bytes once and return their hex SHA-256 and size; storing the
 *   same bytes again (under any name) stores nothing new, also when the puts run at once. A
 *   blob becomes visible only complete and durable (written to a temporary name, fsynced, then
 *   renamed); a stream that fails stores nothing.
 * - The key is never taken on trust: the store hashes the bytes it writes. A caller that knows
 *   the hash the bytes should have passes it as `expected`; bytes that hash otherwise are
 *   refused with `BlobHashMismatchError` and nothing is stored.
 * - `get` returns the bytes or `undefined`; `has` says whether the blob is stored. A key that
 *   is not 64 lowercase hex chars is `InvalidArgumentError` (never a path or object name).
 * - `localPath` returns the path of a stored blob's complete file on the local file system, for
 *   readers that read ranges of a large blob in place (or from worker threads) instead of
 *   loading it whole; `undefined` when the blob is absent or the backend keeps no local file.
 *   The file must only be read, never written or moved.
 * - `presignedGetUrl` (optional): a URL anyone holding it may GET the blob's bytes from, straight
 *   from the store, until it expires (S3's presigned URLs); `undefined` when the blob is absent.
 *   Stores without such URLs leave it out, and the server serves the bytes itself.
 * Backends: `FsBlobStore` (`fs/`, a folder sharded by hash prefix, the embedded default); an
 * object-store backend (S3) implements the same interface and runs the same contract suite.
 */
import { VersoError } from '../core/errors.js';
import type { ChunkHash } from '../core/hash.js';

export interface StoredBlob {
  readonly hash: ChunkHash;
  readonly size: number;
}

export interface BlobStore {
  /** Stores `bytes`; with `expected`, only if they hash to it. */
  put(bytes: Uint8Array, expected?: ChunkHash): Promise<StoredBlob>;
  /** Stores the concatenated pieces of `source`; with `expected`, only if they hash to it. */
  putStream(source: AsyncIterable<Uint8Array>, expected?: ChunkHash): Promise<StoredBlob>;
  get(hash: ChunkHash): Promise<Uint8Array | undefined>;
  has(hash: ChunkHash): Promise<boolean>;
  localPath(hash: ChunkHash): Promise<string | undefined>;
  presignedGetUrl?(hash: ChunkHash, expiresInSeconds?: number): Promise<string | undefined>;
}

/** Bytes offered under a claimed hash hash to something else; nothing was stored. */
export class BlobHashMismatchError extends VersoError {
  constructor(expected: ChunkHash, actual: ChunkHash, size: number) {
    super(
      'InvalidInput',
      'BLOB_HASH_MISMATCH',
      `blob content does not match its claimed hash: expected sha256 ${expected}, ` +
        `the ${size} bytes hash to ${actual}; nothing was stored`,
      { expected, actual, size },
    );
  }
}

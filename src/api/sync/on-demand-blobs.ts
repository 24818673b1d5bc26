/**
 * Image bytes of a clone made with `--blobs on-demand` (layer: api): `OnDemandBlobStore` wraps
 * the clone's own blob store and, when a blob is not there, fetches it from the remote it was
 * cloned from (`SyncPeer.fetchBlob`), stores it (the local store hashes the bytes and refuses a
 * mismatch, so a remote cannot slip in other bytes) and answers from the stored copy; the next
 * read is local. So an export with images, `explain` thumbnails or a server on a clone download
 * only the images they actually read. Concurrent reads of one missing blob share one fetch; the
 * peer is connected on the first miss only (and again after a connection that failed).
 *
 * `has` answers for the local store only (what the clone holds, as `add images` and `clone
 * --blobs all` need). A blob the remote lacks too is absent (`undefined`), as in any store; a
 * remote that cannot be reached is `BLOB_FETCH_FAILED`, naming the blob and the remote.
 */
import { VersoError } from '../../core/errors.js';
import type { ChunkHash } from '../../core/hash.js';
import type { BlobStore, StoredBlob } from '../../store/blob-store.js';
import type { Repository } from '../repository/repository.js';
import type { Remote } from './remotes.js';
import type { SyncPeer } from './sync-remote.js';

/** A missing image's bytes could not be fetched from the remote the clone was made from. */
export class BlobFetchError extends VersoError {
  constructor(hash: ChunkHash, remote: Remote, cause: unknown) {
    const why = cause instanceof Error ? cause.message : String(cause);
    super(
      'Internal',
      'BLOB_FETCH_FAILED',
      `image bytes sha256 ${hash} are not in this clone, and fetching them from remote ` +
        `'${remote.name}' (${remote.url}) failed: ${why}`,
      { hash, remote: remote.name, url: remote.url },
      { cause },
    );
  }
}

export class OnDemandBlobStore implements BlobStore {
  private peer: Promise<SyncPeer> | undefined;
  private readonly fetching = new Map<ChunkHash, Promise<boolean>>();

  constructor(
    private readonly local: BlobStore,
    private readonly remote: Remote,
    private readonly connect: (remote: Remote) => Promise<SyncPeer>,
  ) {}

  put(bytes: Uint8Array, expected?: ChunkHash): Promise<StoredBlob> {
    return this.local.put(bytes, expected);
  }

  putStream(source: AsyncIterable<Uint8Array>, expected?: ChunkHash): Promise<StoredBlob> {
    return this.local.putStream(source, expected);
  }

  has(hash: ChunkHash): Promise<boolean> {
    return this.local.has(hash);
  }

  async get(hash: ChunkHash): Promise<Uint8Array | undefined> {
    const held = await this.local.get(hash);
    if (held !== undefined || !(await this.fetched(hash))) return held;
    return this.local.get(hash);
  }

  async localPath(hash: ChunkHash): Promise<string | undefined> {
    const held = await this.local.localPath(hash);
    if (held !== undefined || !(await this.fetched(hash))) return held;
    return this.local.localPath(hash);
  }

  /**
   * The peer, connected on first use. A failed connection is not kept: the next miss connects
   * again (a server on a clone must not fail every later image because the remote was down once).
   */
  private connected(): Promise<SyncPeer> {
    if (!this.peer) {
      const peer = this.connect(this.remote);
      this.peer = peer;
      peer.catch(() => {
        if (this.peer === peer) this.peer = undefined;
      });
    }
    return this.peer;
  }

  /** Fetches `hash` from the remote into the local store; false when the remote lacks it. */
  private fetched(hash: ChunkHash): Promise<boolean> {
    let pending = this.fetching.get(hash);
    if (!pending) {
      pending = this.fetchOnce(hash).finally(() => this.fetching.delete(hash));
      this.fetching.set(hash, pending);
    }
    return pending;
  }

  private async fetchOnce(hash: ChunkHash): Promise<boolean> {
    let bytes: Uint8Array | undefined;
    try {
      const peer = await this.connected();
      if (!peer.fetchBlob) return false;
      bytes = await peer.fetchBlob(hash);
    } catch (e) {
      throw new BlobFetchError(hash, this.remote, e);
    }
    if (bytes === undefined) return false;
    await this.local.put(bytes, hash);
    return true;
  }
}

/** `repo` with image bytes it lacks fetched from `remote` when read (a clone's on-demand blobs). */
export function withOnDemandBlobs(
  repo: Repository,
  remote: Remote,
  connect: (remote: Remote) => Promise<SyncPeer>,
): Repository {
  return { ...repo, blobs: new OnDemandBlobStore(repo.blobs, remote, connect) };
}

/**
 * The other repository of a transfer, as the transfer engine sees it (layer: api): the one
 * interface every transport implements. `localSyncPeer(repo)` (`sync-peer.ts`) is a repository
 * in this process (in-process tests; the HTTP server's handlers call the same verbs), and
 * `remote/http-sync-remote.ts` is the HTTP client of the server's `/repos/:repo/sync/*` routes.
 *
 * Contract:
 * - `has(ids)` answers, per id and in order, whether the peer stores that chunk. A peer stores a
 *   chunk only with everything reachable from it (the sender sends children before parents), so
 *   "has" means "has the whole subtree".
 * - `fetchChunks(ids)` returns a pack (`store/pack/pack-format.ts`) of exactly those chunks;
 *   `SyncChunksMissingError` when it lacks any.
 * - `pushChunks(pack)` verifies every chunk's hash, stores them all or none
 *   (`SyncBatchRefusedError`), and indexes the commits among them.
 * - `moveRef` moves a branch by compare-and-swap: refused (`SyncRefMovedError`) when the branch is
 *   not at `expected`, and (`NonFastForwardError`) when `next` does not contain the current
 *   head, unless `forceWithLease` (then only `expected` must match). Both carry the current head.
 * - `fetchBlob` (optional) gives an image's bytes (`--blobs all`); callers verify their hash.
 * - `schemaVersions` lists the registry in creation order; `addSchemaVersions` adds the ones it
 *   lacks (parents first), skips identical ones and refuses different ones of a known name.
 */
import type { ChunkHash } from '../../core/hash.js';
import type { RefKind, SchemaVersionRecord } from '../../catalog/catalog.js';

export interface SyncRef {
  readonly name: string;
  readonly kind: RefKind;
  readonly target: ChunkHash;
}

export interface RefMove {
  readonly name: string;
  /** Where the sender believes the branch is; null: it must not exist yet. */
  readonly expected: ChunkHash | null;
  readonly next: ChunkHash;
  readonly forceWithLease?: boolean;
}

export interface RefMoveResult {
  readonly name: string;
  readonly from: ChunkHash | null;
  readonly to: ChunkHash;
}

export interface ReceivedBatch {
  readonly chunks: number;
  readonly bytes: number;
  readonly commits: number;
}

export interface SyncPeer {
  /** Whether packs sent to this peer are LZ4-compressed (default: not; `transfer-pack.ts`). */
  readonly compressBatches?: boolean;
  listRefs(): Promise<SyncRef[]>;
  has(ids: readonly ChunkHash[]): Promise<boolean[]>;
  fetchChunks(ids: readonly ChunkHash[]): Promise<Uint8Array>;
  pushChunks(pack: Uint8Array): Promise<ReceivedBatch>;
  moveRef(move: RefMove): Promise<RefMoveResult>;
  schemaVersions(): Promise<SchemaVersionRecord[]>;
  addSchemaVersions(records: readonly SchemaVersionRecord[]): Promise<{ added: number }>;
  /** An image's bytes by their SHA-256 (undefined: the peer has none); absent: not offered. */
  fetchBlob?(sha256: ChunkHash): Promise<Uint8Array | undefined>;
}

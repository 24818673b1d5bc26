/**
 * The sync feature's public verbs (layer: api): remotes, clone, fetch, pull and push between two
 * repositories through any `SyncPeer` transport, and the serving verbs a peer answers with (the
 * HTTP routes in `server/routes/sync-routes.ts` call them; `localSyncPeer` wraps them for a
 * repository in this process).
 */
export type { ReceivedBatch, RefMove, RefMoveResult, SyncPeer, SyncRef } from './sync-remote.js';
export {
  addSchemaVersions,
  hasChunks,
  listSyncRefs,
  localSyncPeer,
  moveSyncRef,
  packChunks,
  receiveChunks,
  schemaVersions,
} from './sync-peer.js';
export {
  addRemote,
  getRemote,
  listRemotes,
  removeRemote,
  trackingBranch,
  type Remote,
} from './remotes.js';
export { BlobFetchError, OnDemandBlobStore, withOnDemandBlobs } from './on-demand-blobs.js';
export { fetchFrom, type FetchOptions, type FetchResult, type FetchedRef } from './fetch.js';
export { pushTo, type PushOptions, type PushResult } from './push.js';
export { pullFrom, type PullOptions, type PullResult } from './pull.js';
export { cloneRepository, type BlobsMode, type CloneOptions, type CloneResult } from './clone.js';
export type { TransferStats } from './transfer.js';
export { decodeTransferPack, transferPack, BATCH_BYTES, IDS_PER_REQUEST } from './transfer-pack.js';
export type { TransferChunk } from './transfer-pack.js';
export type { SchemaVersionRecord } from '../../catalog/catalog.js';
export {
  fromWireSchemaVersion,
  toWireSchemaVersion,
  type WireSchemaVersion,
} from './schema-version-wire.js';

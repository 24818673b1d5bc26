/**
 * The serving side of a transfer (layer: api): the verbs a repository answers a peer with, used
 * by the HTTP routes (`server/routes/sync-routes.ts`) and, wrapped as a `SyncPeer`, by
 * in-process transfers (`localSyncPeer`, tests and local-path remotes).
 *
 * Received batches and ref moves run under the writer lease, so gc (which excludes writers)
 * never runs in the middle of one. A ref move checks the new commit is stored (with its
 * snapshot) and indexed, then moves the branch by compare-and-swap from the expected head; a
 * non-fast-forward is refused unless forced with a lease that matches.
 */
import type { SchemaVersionRecord } from '../../catalog/catalog.js';
import { isVersoError } from '../../core/errors.js';
import { hexToHash, parseChunkHash, type ChunkHash } from '../../core/hash.js';
import { parseRefName } from '../../core/ref-name.js';
import { getCommit } from '../../vcs/commit.js';
import { isAncestor } from '../../vcs/merge-base.js';
import { withLease } from '../repository/lease.js';
import { refLogNote } from '../repository/ref-log.js';
import type { Repository } from '../repository/repository.js';
import { storeReceived } from './store-received.js';
import {
  NonFastForwardError,
  SchemaDivergedError,
  SyncBatchRefusedError,
  SyncChunksMissingError,
  SyncRefMovedError,
} from './sync-errors.js';
import type { ReceivedBatch, RefMove, RefMoveResult, SyncPeer, SyncRef } from './sync-remote.js';
import { decodeTransferPack, encodeTransferPack, type TransferChunk } from './transfer-pack.js';

export async function listSyncRefs(repo: Repository): Promise<SyncRef[]> {
  return (await repo.catalog.listRefs()).map((r) => ({
    name: r.name,
    kind: r.kind,
    target: r.target,
  }));
}

export async function hasChunks(repo: Repository, ids: readonly string[]): Promise<boolean[]> {
  return Promise.all(ids.map((id) => repo.chunks.has(hexToHash(parseChunkHash(id)))));
}

/**
 * The pack of `ids`, as buffers to stream. Every chunk is read (and checked by the store)
 * before the first buffer: a missing one is `SyncChunksMissingError` before anything is sent.
 */
export async function packChunks(
  repo: Repository,
  ids: readonly string[],
  compress = true,
): Promise<Iterable<Buffer>> {
  const chunks: TransferChunk[] = [];
  const missing: string[] = [];
  for (const id of ids) {
    const hash = hexToHash(parseChunkHash(id));
    const bytes = await repo.chunks.get(hash);
    if (bytes) chunks.push({ hash, bytes });
    else missing.push(id);
  }
  if (missing.length > 0) throw new SyncChunksMissingError(missing);
  return encodeTransferPack(chunks, compress);
}

/** Verifies and stores a pushed batch (all or nothing), indexing its commits. */
export async function receiveChunks(repo: Repository, pack: Uint8Array): Promise<ReceivedBatch> {
  const chunks = decodeTransferPack(pack);
  const commits = await withLease(repo, 'writer', () => storeReceived(repo, chunks));
  let bytes = 0;
  for (const c of chunks) bytes += c.bytes.length;
  return { chunks: chunks.length, bytes, commits };
}

export async function moveSyncRef(repo: Repository, move: RefMove): Promise<RefMoveResult> {
  const name = parseRefName(move.name, 'branch');
  const next = parseChunkHash(move.next);
  const expected = move.expected === null ? null : parseChunkHash(move.expected);
  return withLease(repo, 'writer', async () => {
    await checkPushedCommit(repo, next);
    const current = (await repo.catalog.getRef(name))?.target ?? null;
    if (current !== expected) throw new SyncRefMovedError(name, expected, current);
    if (
      current !== null &&
      !move.forceWithLease &&
      !(await isAncestor(repo.catalog, current, next))
    )
      throw new NonFastForwardError(name, current, next);
    const operation = move.forceWithLease ? 'push: forced' : 'push';
    try {
      await repo.catalog.updateRef(name, 'branch', expected, next, refLogNote(repo, operation));
    } catch (e) {
      if (isVersoError(e) && (e.code === 'REF_UPDATE_RACE' || e.code === 'REF_EXISTS'))
        throw new SyncRefMovedError(
          name,
          expected,
          (await repo.catalog.getRef(name))?.target ?? null,
        );
      throw e;
    }
    return { name, from: current, to: next };
  });
}

/** The pushed commit must be stored, with its snapshot, and indexed (its batch was received). */
async function checkPushedCommit(repo: Repository, id: ChunkHash): Promise<void> {
  const missing = (): never => {
    throw new SyncBatchRefusedError(`commit ${id} was not received; push its chunks first`, {
      hash: id,
    });
  };
  if (!(await repo.chunks.has(hexToHash(id)))) missing();
  const commit = await getCommit(repo.chunks, id);
  if (!(await repo.chunks.has(hexToHash(commit.snapshot)))) missing();
  if (!(await repo.catalog.getCommit(id))) missing();
}

export async function schemaVersions(repo: Repository): Promise<SchemaVersionRecord[]> {
  return repo.catalog.listSchemaVersions();
}

/** Adds the versions this registry lacks, in the order given (parents first). */
export async function addSchemaVersions(
  repo: Repository,
  records: readonly SchemaVersionRecord[],
): Promise<{ added: number }> {
  let added = 0;
  for (const r of records) {
    const known = await repo.catalog.getSchemaVersion(r.name);
    if (known) {
      if (known.delta !== r.delta || known.parent !== r.parent)
        throw new SchemaDivergedError(r.name);
      continue;
    }
    await repo.catalog.createSchemaVersion(r);
    added++;
  }
  return { added };
}

/** A repository in this process as the peer of a transfer. */
export function localSyncPeer(repo: Repository): SyncPeer {
  return {
    listRefs: () => listSyncRefs(repo),
    has: (ids) => hasChunks(repo, ids),
    fetchChunks: async (ids) => Buffer.concat([...(await packChunks(repo, ids, false))]),
    pushChunks: (pack) => receiveChunks(repo, pack),
    moveRef: (move) => moveSyncRef(repo, move),
    schemaVersions: () => schemaVersions(repo),
    addSchemaVersions: (records) => addSchemaVersions(repo, records),
    fetchBlob: (sha256) => repo.blobs.get(sha256),
  };
}

/**
 * The serving side of a transfer (layer: api): the verbs a repository answers a peer with, used
 * by the HTTP routes (`server/routes/sync-routes.ts`) and, wrapped as a `SyncPeer`, by
 * in-process transfers (`localSyncPeer`, tests and local-path remotes).
 *
 * Received batches and ref moves run under the writer lease, so gc (which excludes writers)
 * never runs in the middle of one. A ref move checks the new commit is stored and indexed with
 * its whole snapshot (`checkPushedCommit`), then moves the branch by compare-and-swap from the
 * expected head; a non-fast-forward is refused unless forced with a lease that matches.
 */
import type { SchemaVersionRecord } from '../../catalog/catalog.js';
import { isVersoError } from '../../core/errors.js';
import { hexToHash, parseChunkHash, type ChunkHash } from '../../core/hash.js';
import { parseRefName } from '../../core/ref-name.js';
import { TREE_NAMES } from '../../dataset/tree-names.js';
import { diffTrees } from '../../tree/diff.js';
import { NodeStore } from '../../tree/node-store.js';
import { getCommit } from '../../vcs/commit.js';
import { walkReachable } from '../../vcs/reachable.js';
import { emptySnapshot, getSnapshot, treeRoot } from '../../vcs/snapshot.js';
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

/** Node cache of the completeness check of a pushed commit (its own: see `checkPushedCommit`). */
const CHECK_CACHE_BYTES = 16 << 20;

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
    const current = (await repo.catalog.getRef(name))?.target ?? null;
    if (current !== expected) throw new SyncRefMovedError(name, expected, current);
    await checkPushedCommit(repo, next, current);
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

/**
 * The pushed commit must be stored and indexed, with its whole snapshot: every tree node that
 * differs from the current head's is read (a two-way diff, O(changes x depth), through a fresh
 * node cache so nothing read before counts; for a new branch, everything it reaches). This holds
 * even if gc ran between the push's batches and deleted some of them (gc is excluded from the
 * check to the move by the writer lease the caller holds): the move is refused, and a retried
 * push sends them again.
 */
async function checkPushedCommit(
  repo: Repository,
  id: ChunkHash,
  current: ChunkHash | null,
): Promise<void> {
  const missing = (what: string): never => {
    throw new SyncBatchRefusedError(
      `commit ${id} was not received whole (${what}); push its chunks again`,
      { hash: id },
    );
  };
  if (!(await repo.chunks.has(hexToHash(id)))) missing('the commit');
  if (!(await repo.catalog.getCommit(id))) missing('its index row');
  if (current === null) {
    // A new branch: everything it reaches must be here.
    for await (const c of walkReachable(repo.chunks, [id]))
      if (!c.bytes) missing(`${c.kind} ${c.id}`);
    return;
  }
  // Every commit the push adds (back to the current head's history), against its first parent.
  const nodes = new NodeStore(repo.chunks, CHECK_CACHE_BYTES);
  const seen = new Set<ChunkHash>();
  const stack: ChunkHash[] = [id];
  try {
    while (stack.length > 0) {
      const c = stack.pop()!;
      if (seen.has(c)) continue;
      seen.add(c);
      if (!(await repo.catalog.getCommit(c))) missing(`commit ${c}`);
      if (await isAncestor(repo.catalog, c, current)) continue;
      const commit = await getCommit(repo.chunks, c);
      const snapshot = await getSnapshot(repo.chunks, commit.snapshot);
      if (snapshot.categories !== null && !(await repo.chunks.has(hexToHash(snapshot.categories))))
        missing('a category list');
      const parent = commit.parents[0];
      const base = parent
        ? await getSnapshot(repo.chunks, (await getCommit(repo.chunks, parent)).snapshot)
        : emptySnapshot(nodes);
      for (const tree of TREE_NAMES)
        for await (const _ of diffTrees(nodes, treeRoot(base, tree), treeRoot(snapshot, tree)))
          void _;
      stack.push(...commit.parents);
    }
  } catch (e) {
    if (isVersoError(e) && e.code === 'CORRUPTION') missing(e.message);
    throw e;
  }
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

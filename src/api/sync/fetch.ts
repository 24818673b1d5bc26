/**
 * `verso fetch`: brings a peer's branches (and tags this repository lacks) into this one
 * (layer: api). Negotiation (`negotiate.ts`) reads the peer's commits, snapshots and internal
 * nodes as it walks them and asks this store which it has; the missing chunks are then stored
 * in the closed send order (leaves fetched in packed batches), flushed, and the new commits
 * indexed; the schema versions this registry lacks are added; the remote-tracking branches
 * `REMOTE/BRANCH` move last. All under the writer lease, so gc never collects fetched chunks
 * before a ref reaches them. Tags are created when absent (a tag never moves; one that differs
 * is left and reported).
 */
import type { ChunkHash } from '../../core/hash.js';
import { hexToHash } from '../../core/hash.js';
import { withLease } from '../repository/lease.js';
import { refLogNote } from '../repository/ref-log.js';
import type { Repository } from '../repository/repository.js';
import { planTransfer } from './negotiate.js';
import { trackingBranch } from './remotes.js';
import { indexReceivedCommits, putReceived } from './store-received.js';
import { addSchemaVersions } from './sync-peer.js';
import type { SyncPeer, SyncRef } from './sync-remote.js';
import { sendMissing, type TransferStats } from './transfer.js';
import { decodeTransferPack } from './transfer-pack.js';

export interface FetchOptions {
  /** The remote's name: tracking branches are `REMOTE/BRANCH`. */
  readonly remote: string;
  /** Only these branches (default: all). */
  readonly branches?: readonly string[];
}

export interface FetchedRef {
  readonly name: string;
  readonly from: ChunkHash | null;
  readonly to: ChunkHash;
}

export interface FetchResult extends TransferStats {
  readonly remote: string;
  /** Tracking branches that moved (or were created). */
  readonly updated: readonly FetchedRef[];
  readonly tags: readonly string[];
  /** Tags of the peer that name another commit here (left as they are). */
  readonly tagsDiffering: readonly string[];
  readonly schemaVersions: number;
  /** The peer's branches as fetched. */
  readonly branches: readonly SyncRef[];
}

export async function fetchFrom(
  repo: Repository,
  peer: SyncPeer,
  opts: FetchOptions,
): Promise<FetchResult> {
  const refs = await peer.listRefs();
  const branches = refs.filter(
    (r) => r.kind === 'branch' && (opts.branches === undefined || opts.branches.includes(r.name)),
  );
  const tags = opts.branches === undefined ? refs.filter((r) => r.kind === 'tag') : [];
  return withLease(repo, 'writer', async () => {
    const stats = await fetchCommits(
      repo,
      peer,
      [...branches, ...tags].map((r) => r.target),
    );
    const { added } = await addSchemaVersions(repo, await peer.schemaVersions());
    const updated: FetchedRef[] = [];
    for (const b of branches) {
      const name = trackingBranch(opts.remote, b.name);
      const from = (await repo.catalog.getRef(name))?.target ?? null;
      if (from === b.target) continue;
      await repo.catalog.updateRef(name, 'branch', from, b.target, refLogNote(repo, 'fetch'));
      updated.push({ name, from, to: b.target });
    }
    const newTags: string[] = [];
    const tagsDiffering: string[] = [];
    for (const t of tags) {
      const here = await repo.catalog.getRef(t.name);
      if (here?.target === t.target) continue;
      if (here) {
        tagsDiffering.push(t.name);
        continue;
      }
      await repo.catalog.updateRef(t.name, 'tag', null, t.target, refLogNote(repo, 'fetch'));
      newTags.push(t.name);
    }
    return {
      remote: opts.remote,
      ...stats,
      updated,
      tags: newTags,
      tagsDiffering,
      schemaVersions: added,
      branches,
    };
  });
}

/** Stores every chunk reachable from `roots` that this repository lacks, and indexes commits. */
export async function fetchCommits(
  repo: Repository,
  peer: SyncPeer,
  roots: readonly ChunkHash[],
): Promise<TransferStats> {
  const readPeer = async (ids: readonly ChunkHash[]) => {
    const got = new Map<ChunkHash, Uint8Array>();
    const want = new Set<string>(ids);
    for (const c of decodeTransferPack(await peer.fetchChunks(ids))) {
      const id = Buffer.from(c.hash).toString('hex') as ChunkHash;
      if (want.has(id)) got.set(id, c.bytes);
    }
    return got;
  };
  const plan = await planTransfer([...new Set(roots)], {
    receiverHas: (ids) => Promise.all(ids.map((id) => repo.chunks.has(hexToHash(id)))),
    senderRead: readPeer,
  });
  const commits: ChunkHash[] = [];
  const stats = await sendMissing(plan, readPeer, async (batch) => {
    commits.push(...(await putReceived(repo, batch)));
  });
  await repo.chunks.flush();
  await indexReceivedCommits(repo, commits);
  return stats;
}

/**
 * `verso push`: sends a branch to a peer and moves the peer's branch (layer: api). Negotiation
 * asks the peer which chunks it has (`negotiate.ts`); the missing ones are uploaded in packed
 * batches in the closed send order, so a push cut off anywhere leaves the peer with whole
 * subtrees and its refs unchanged, and a retry sends only the rest. Then the schema versions
 * the peer lacks, and last the ref move by compare-and-swap: from the head the peer reported
 * (a non-fast-forward is refused, `NonFastForwardError`), or with `forceWithLease` from the
 * remote-tracking branch's commit (the peer's head as last fetched), whatever the history.
 * The tracking branch `REMOTE/BRANCH` follows the peer's branch on success.
 */
import type { ChunkHash } from '../../core/hash.js';
import { hexToHash } from '../../core/hash.js';
import { refNotFound } from '../../vcs/ref-suggestions.js';
import { refLogNote } from '../repository/ref-log.js';
import type { Repository } from '../repository/repository.js';
import { planTransfer } from './negotiate.js';
import { trackingBranch } from './remotes.js';
import type { SyncPeer } from './sync-remote.js';
import { sendMissing, type TransferStats } from './transfer.js';
import { transferPack } from './transfer-pack.js';

export interface PushOptions {
  readonly remote: string;
  readonly branch: string;
  /** The peer's branch (default: the same name). */
  readonly remoteBranch?: string;
  readonly forceWithLease?: boolean;
  /** Chunk bytes per uploaded batch (default `BATCH_BYTES`). */
  readonly batchBytes?: number;
}

export interface PushResult extends TransferStats {
  readonly remote: string;
  readonly branch: string;
  readonly remoteBranch: string;
  readonly from: ChunkHash | null;
  readonly to: ChunkHash;
  readonly status: 'up-to-date' | 'pushed';
  readonly schemaVersions: number;
}

export async function pushTo(
  repo: Repository,
  peer: SyncPeer,
  opts: PushOptions,
): Promise<PushResult> {
  const remoteBranch = opts.remoteBranch ?? opts.branch;
  const local = (await repo.catalog.getRef(opts.branch))?.target;
  if (!local) throw await refNotFound(repo.catalog, opts.branch);
  const current =
    (await peer.listRefs()).find((r) => r.name === remoteBranch && r.kind === 'branch')?.target ??
    null;
  const base = { remote: opts.remote, branch: opts.branch, remoteBranch, from: current, to: local };
  if (current === local) {
    await followTracking(repo, opts.remote, remoteBranch, local);
    const none = { chunks: 0, bytes: 0, batches: 0, asked: 0, rounds: 0 };
    return { ...base, ...none, status: 'up-to-date', schemaVersions: 0 };
  }
  const readLocal = async (ids: readonly ChunkHash[]) => {
    const got = new Map<ChunkHash, Uint8Array>();
    for (const id of ids) {
      const bytes = await repo.chunks.get(hexToHash(id));
      if (bytes) got.set(id, bytes);
    }
    return got;
  };
  const plan = await planTransfer([local], {
    receiverHas: (ids) => peer.has(ids),
    senderRead: readLocal,
  });
  const stats = await sendMissing(
    plan,
    readLocal,
    async (batch) => {
      await peer.pushChunks(transferPack(batch, peer.compressBatches === true));
    },
    opts.batchBytes,
  );
  const known = new Set((await peer.schemaVersions()).map((v) => v.name));
  const lacking = (await repo.catalog.listSchemaVersions()).filter((v) => !known.has(v.name));
  const { added } = lacking.length > 0 ? await peer.addSchemaVersions(lacking) : { added: 0 };
  const expected = opts.forceWithLease
    ? ((await repo.catalog.getRef(trackingBranch(opts.remote, remoteBranch)))?.target ?? null)
    : current;
  const moved = await peer.moveRef({
    name: remoteBranch,
    expected,
    next: local,
    ...(opts.forceWithLease ? { forceWithLease: true } : {}),
  });
  await followTracking(repo, opts.remote, remoteBranch, local);
  return { ...base, from: moved.from, ...stats, status: 'pushed', schemaVersions: added };
}

/**
 * Moves `REMOTE/BRANCH` to where the peer's branch now is. No lease: the target is the pushed
 * local branch's head, which gc keeps anyway.
 */
async function followTracking(
  repo: Repository,
  remote: string,
  branch: string,
  target: ChunkHash,
): Promise<void> {
  const name = trackingBranch(remote, branch);
  const from = (await repo.catalog.getRef(name))?.target ?? null;
  if (from !== target)
    await repo.catalog.updateRef(name, 'branch', from, target, refLogNote(repo, 'push'));
}

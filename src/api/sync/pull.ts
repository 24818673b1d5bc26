/**
 * `verso pull`: fetch a peer's branch, then merge its tracking branch into the local one
 * (layer: api): up to date, a fast-forward, or a three-way merge that stops on conflicts
 * exactly as `verso merge` does (`MergeConflictError`, the merge left pending for
 * `merge status / resolve / commit / abort`).
 */
import { merge, type MergeResult } from '../merge/merge.js';
import type { Repository } from '../repository/repository.js';
import { fetchFrom, type FetchResult } from './fetch.js';
import { trackingBranch } from './remotes.js';
import type { SyncPeer } from './sync-remote.js';

export interface PullOptions {
  readonly remote: string;
  /** The local branch to merge into. */
  readonly branch: string;
  /** The peer's branch (default: the same name). */
  readonly remoteBranch?: string;
}

export interface PullResult {
  readonly fetch: FetchResult;
  readonly merge: MergeResult;
}

export async function pullFrom(
  repo: Repository,
  peer: SyncPeer,
  opts: PullOptions,
): Promise<PullResult> {
  const remoteBranch = opts.remoteBranch ?? opts.branch;
  const fetched = await fetchFrom(repo, peer, { remote: opts.remote, branches: [remoteBranch] });
  const source = trackingBranch(opts.remote, remoteBranch);
  const merged = await merge(repo, {
    source,
    into: opts.branch,
    message: `Merge ${source} into ${opts.branch}`,
  });
  return { fetch: fetched, merge: merged };
}

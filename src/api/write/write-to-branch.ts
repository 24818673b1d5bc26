/**
 * The writer skeleton (layer: api): one writer per branch at a time in this process
 * (`branch-queue.ts`), in its turn among other servers' writers of the branch when the
 * catalog is shared (`inBranchTurn`), under a writer lease, read the branch head, let the writer build the new
 * snapshot from it, and commit it with the head as the expected head, so the branch moves by
 * compare-and-swap from exactly the version the writer built on (`commit-to-branch.ts` keeps
 * the crash-safe order: chunks flushed, then catalog rows, then the ref). Anything the writer
 * throws leaves the branch where it was; the lease is released either way.
 *
 * A moved head (another process committed while the writer built): a writer whose commit is
 * "the head plus these key edits" reports the keys it touched (`BranchWrite.touched`); when
 * none of them, nor the schema or category list it checked labels against, differs between the
 * head it built on and the new head (`write-conflicts.ts`), it is built again on the new head
 * and committed from there, at most `MAX_REBASES` times, after a short random pause that lets
 * racing processes fall out of step. When some differ, `WriteConflictError` names them and
 * nothing is written: never a silent overwrite. A writer that reports no keys (import, migrate,
 * add images), or a write given `expectedHead` (strict: the caller built its change on that
 * commit), gets `RefUpdateRaceError` with the current head, as before. A write given `baseHead`
 * (the commit a client read before making its change) is checked the same way from that commit
 * to the head it is built on: a client's stale edit of a key someone changed since is a
 * conflict, not an overwrite. The head is read again
 * after each build, so a write that is already stale is rebased (or refused) before it writes
 * any chunk; the compare-and-swap still decides the last race.
 *
 * Writers whose commit is not "the branch head plus changes" call `commitToBranch` directly:
 * `init` (a root commit on a branch that does not exist yet) and the merge commit (its first
 * parent is the head the merge recorded when it started).
 */
import type { JsonValue } from '../../core/canonical.js';
import type { ChunkHash } from '../../core/hash.js';
import { RefUpdateRaceError } from '../../catalog/catalog-errors.js';
import type { Snapshot } from '../../vcs/snapshot.js';
import { withLease } from '../repository/lease.js';
import type { Repository } from '../repository/repository.js';
import { snapshotOfCommit } from '../repository/snapshot-at.js';
import { branchHead, type BranchHead } from './branch-head.js';
import { inBranchQueue, inBranchTurn } from './branch-queue.js';
import { commitToBranch, type CommitResult, type NewCommit } from './commit-to-branch.js';
import type { TouchedKeys } from './touched-keys.js';
import { findWriteConflicts } from './write-conflicts.js';
import { WriteConflictError } from './write-errors.js';

/**
 * Rebases one write may make before it gives up with `RefUpdateRaceError`: every rebase means
 * another writer committed meanwhile, so 20 is far more than a few processes need, and bounds
 * the work a write can waste under a storm of commits.
 */
export const MAX_REBASES = 20;
/** The longest random pause before a rebase (ms); it doubles per rebase up to this. */
const MAX_PAUSE_MS = 40;

/** What a writer built on the branch head: the commit to make and what it reports beside it. */
export interface BranchWrite<R extends object> {
  readonly snapshot: Snapshot;
  readonly message: string;
  readonly operations: { readonly [k: string]: JsonValue };
  readonly author?: string;
  readonly extraParents?: readonly ChunkHash[];
  /**
   * The keys the write read or wrote: given only by writers whose commit is the head plus these
   * key edits, which may then be rebased onto a moved head.
   */
  readonly touched?: TouchedKeys;
  /** The writer's own report, returned with the commit's result. */
  readonly report: R;
}

export interface WriteToBranchOptions {
  /**
   * Strict mode: the commit the caller expects the branch to be at. Any other head is refused
   * with `RefUpdateRaceError` (carrying the current head), and the write is never rebased.
   */
  readonly expectedHead?: ChunkHash;
  /**
   * The commit the caller read before making its change (a client's view of the branch): when
   * the head has moved since, the write is made on the head only if none of its keys changed in
   * between, else `WriteConflictError` names them. A writer that reports no keys is refused with
   * `RefUpdateRaceError` when the head moved.
   */
  readonly baseHead?: ChunkHash;
  /** Called before each rebase, with the head the write was built on and the new one. */
  readonly onRebase?: (from: ChunkHash, to: ChunkHash) => void;
}

export async function writeToBranch<R extends object>(
  repo: Repository,
  branch: string,
  build: (base: BranchHead) => Promise<BranchWrite<R>>,
  opts: WriteToBranchOptions = {},
): Promise<CommitResult & R> {
  return inBranchQueue(repo.root, branch, () =>
    inBranchTurn(repo, branch, () =>
      withLease(repo, 'writer', async () => {
        let base = await branchHead(repo, branch);
        if (opts.expectedHead !== undefined && base.head !== opts.expectedHead)
          throw new RefUpdateRaceError(branch, opts.expectedHead, base.head);
        /** Where the caller's view was last checked against the head (`baseHead`). */
        let checkedFrom =
          opts.baseHead === undefined || opts.baseHead === base.head
            ? undefined
            : {
                head: opts.baseHead,
                snapshot: await snapshotOfCommit(repo, opts.baseHead),
              };
        for (let rebases = 0; ; rebases++) {
          const { report, touched, ...commit } = await build(base);
          if (checkedFrom && checkedFrom.head !== base.head) {
            if (!touched) throw new RefUpdateRaceError(branch, checkedFrom.head, base.head);
            const stale = await findWriteConflicts(
              repo.nodes,
              checkedFrom.snapshot,
              base.snapshot,
              touched,
            );
            if (stale.length > 0)
              throw new WriteConflictError(branch, checkedFrom.head, base.head, stale);
            checkedFrom = undefined;
          }
          const outcome = await commitUnlessMoved(repo, {
            ...commit,
            branch,
            expectedHead: base.head,
          });
          if (!(outcome instanceof RefUpdateRaceError)) return { ...outcome, ...report };
          if (!touched || opts.expectedHead !== undefined || rebases === MAX_REBASES) throw outcome;
          await pause(rebases);
          const head = await branchHead(repo, branch);
          const conflicts = await findWriteConflicts(
            repo.nodes,
            base.snapshot,
            head.snapshot,
            touched,
          );
          if (conflicts.length > 0)
            throw new WriteConflictError(branch, base.head, head.head, conflicts);
          opts.onRebase?.(base.head, head.head);
          // Each rebase checks the keys from the head the write was last built on, so a chain of
          // rebases has checked every commit since the first build.
          base = head;
        }
      }),
    ),
  );
}

/**
 * Commits `c` unless the branch has moved from `c.expectedHead`: that is checked first, so a
 * stale build writes no chunk, and then by the compare-and-swap, which settles the last race.
 */
async function commitUnlessMoved(
  repo: Repository,
  c: NewCommit,
): Promise<CommitResult | RefUpdateRaceError> {
  const now = (await repo.catalog.getRef(c.branch))?.target ?? null;
  if (now !== c.expectedHead) return new RefUpdateRaceError(c.branch, c.expectedHead, now);
  try {
    return await commitToBranch(repo, c);
  } catch (e) {
    if (e instanceof RefUpdateRaceError) return e;
    throw e;
  }
}

/**
 * A random pause before rebase number `n` + 1 (up to 1, 2, 4, ... `MAX_PAUSE_MS` ms): processes
 * that lost the same race rebuild at different times instead of colliding again.
 */
function pause(n: number): Promise<void> {
  const ms = Math.random() * Math.min(MAX_PAUSE_MS, 2 ** n);
  return new Promise((r) => setTimeout(r, ms));
}

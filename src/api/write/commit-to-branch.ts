/**
 * Writes a commit and moves a branch to it, in the order that makes crashes harmless
 * (layer: api).
 *
 * 1. snapshot and commit chunks are staged, with the derived data (secondary indexes, blame:
 * `derived-data.ts`); 2. the chunk store is flushed (durable); 3. the commit and its derived
 * data are indexed in the catalog; 4. the branch moves by compare-and-swap from `expectedHead`,
 * recording the move in the ref log (operation `commit: <op>`, the commit's author and message).
 * A crash before 4 leaves the branch where it was (the new chunks are unreachable garbage for
 * gc); a writer that lost the race gets `RefUpdateRaceError` and nothing moved.
 *
 * Nothing to commit: a commit on top of `expectedHead`, with no other parent, whose snapshot is
 * the head's own snapshot changes nothing, so none is written (no commit chunk, no catalog row,
 * the branch does not move) and the result says `committed: false` with the head as `commit`.
 * Merge commits (several parents) and root commits are always written.
 *
 * `beforeMove`, when given, runs after step 3 and before step 4 with the candidate commit
 * (durable and indexed, so another process can read it); throwing stops the write there, the
 * branch unmoved (the gates of a protected branch, `api/access/merge-gates.ts`).
 */
import type { JsonValue } from '../../core/canonical.js';
import type { ChunkHash } from '../../core/hash.js';
import { VersoError } from '../../core/errors.js';
import type { RefLogNote } from '../../catalog/catalog.js';
import { getCommit, putCommit } from '../../vcs/commit.js';
import { putSnapshot, type Snapshot } from '../../vcs/snapshot.js';
import { stageDerivedData } from './derived-data.js';
import { authorOf, timeOf } from '../repository/identity.js';
import { refLogNote } from '../repository/ref-log.js';
import { snapshotIdOfCommit } from '../repository/snapshot-at.js';
import type { Repository } from '../repository/repository.js';
import { failpoint } from '../../core/failpoints.js';

/** What a branch is about to move to: the new commit (written and indexed) and its snapshot. */
export interface MoveCandidate {
  readonly commit: ChunkHash;
  readonly snapshot: ChunkHash;
}

/** A last check before a branch moves; throwing leaves the branch where it was. */
export type BeforeMove = (candidate: MoveCandidate) => Promise<void>;

export interface NewCommit {
  readonly branch: string;
  /** The branch head this commit builds on (its first parent); null for a new root commit. */
  readonly expectedHead: ChunkHash | null;
  readonly extraParents?: readonly ChunkHash[];
  readonly snapshot: Snapshot;
  readonly message: string;
  readonly author?: string;
  readonly operations: { readonly [k: string]: JsonValue };
  readonly beforeMove?: BeforeMove | undefined;
}

export interface CommitResult {
  /** The new commit; the unchanged head when `committed` is false. */
  readonly commit: ChunkHash;
  readonly snapshot: ChunkHash;
  /** False when the write changed nothing and no commit was made ("nothing to commit"). */
  readonly committed: boolean;
}

export async function commitToBranch(repo: Repository, c: NewCommit): Promise<CommitResult> {
  // An unchanged snapshot's chunk is already stored: putting it again adds nothing.
  const snapshot = putSnapshot(repo.chunks, c.snapshot);
  if (c.expectedHead && !c.extraParents?.length) {
    if ((await snapshotIdOfCommit(repo, c.expectedHead)) === snapshot)
      return { commit: c.expectedHead, snapshot, committed: false };
  }
  const parents = [...(c.expectedHead ? [c.expectedHead] : []), ...(c.extraParents ?? [])];
  const time = timeOf(repo);
  const commit = putCommit(repo.chunks, {
    snapshot,
    parents,
    author: authorOf(repo, c.author),
    time,
    message: c.message,
    operations: c.operations,
  });
  const recordDerived = await stageDerivedData(repo, { commit, parents, snapshot: c.snapshot });
  failpoint('before-chunks-flushed');
  await repo.chunks.flush();
  failpoint('after-chunks-flushed');
  await repo.catalog.recordCommit({
    id: commit,
    snapshot,
    parents,
    generation: await generationOf(repo, parents),
    time,
  });
  failpoint('after-commit-row');
  await recordDerived();
  const op = c.operations['op'];
  const note = refLogNote(
    repo,
    typeof op === 'string' ? `commit: ${op}` : 'commit',
    c.message,
    c.author,
  );
  if (c.beforeMove) await c.beforeMove({ commit, snapshot });
  failpoint('before-ref-cas');
  await moveBranch(repo, c.branch, c.expectedHead, commit, note);
  failpoint('after-ref-cas');
  return { commit, snapshot, committed: true };
}

/**
 * The ref CAS, surviving a lost answer: a catalog whose connection dropped after it sent the
 * move (`CATALOG_WRITE_UNKNOWN`, PostgreSQL) applied it entirely or not at all, so the ref is
 * read again: at the new commit, the move happened (with its ref log entry, one statement);
 * otherwise it is sent once more from the same expected head, and a head that moved meanwhile
 * is the usual `RefUpdateRaceError`.
 */
async function moveBranch(
  repo: Repository,
  branch: string,
  expected: ChunkHash | null,
  commit: ChunkHash,
  note: RefLogNote,
): Promise<void> {
  try {
    await repo.catalog.updateRef(branch, 'branch', expected, commit, note);
  } catch (error) {
    if (!(error instanceof VersoError) || error.code !== 'CATALOG_WRITE_UNKNOWN') throw error;
    if ((await repo.catalog.getRef(branch))?.target === commit) return;
    await repo.catalog.updateRef(branch, 'branch', expected, commit, note);
  }
}

async function generationOf(repo: Repository, parents: readonly ChunkHash[]): Promise<number> {
  let max = 0;
  for (const p of parents) {
    const entry = await repo.catalog.getCommit(p);
    if (entry) max = Math.max(max, entry.generation);
    else await getCommit(repo.chunks, p); // throws if the parent does not exist at all
  }
  return max + 1;
}

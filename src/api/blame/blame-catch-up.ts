/**
 * The one-time blame catch-up (layer: api): gives a commit a blame root when commit-time
 * maintenance skipped it (a commit past `limits.commitTimeBlame`, e.g. a 10M-label import, and
 * every commit after it; or a repository older than blame).
 *
 * Walks first parents through the catalog's commit index back to the nearest commit that has a
 * blame root (or to the root commit), then rolls forward one commit at a time, building each
 * blame tree from its parent's (`blame-step.ts`) and persisting it (flush, then the catalog
 * row), so an interrupted catch-up keeps its progress and the next one resumes there. A merge's
 * other parents are caught up first. The changes stream from the diff into the tree: memory
 * stays bounded at any dataset size. The caller holds a writer lease (gc must not collect the
 * staged chunks before their row exists).
 */
import { CorruptionError } from '../../core/errors.js';
import { hashToHex, type ChunkHash } from '../../core/hash.js';
import { getCommit } from '../../vcs/commit.js';
import { labelAndReviewChanges } from './blame-changes.js';
import { buildBlameTree, prepareBlameStep } from './blame-step.js';
import { snapshotOfCommit } from '../repository/snapshot-at.js';
import type { Repository } from '../repository/repository.js';

/** The blame root of `commit`, building the missing ones on its first-parent line first. */
export async function ensureBlameRoot(repo: Repository, commit: ChunkHash): Promise<ChunkHash> {
  const missing: ChunkHash[] = [];
  let root: ChunkHash | undefined;
  for (let c: ChunkHash | undefined = commit; c !== undefined;) {
    root = await repo.catalog.derived.getBlameRoot(c);
    if (root) break;
    missing.push(c);
    c = (await parentsOf(repo, c))[0];
  }
  for (const c of missing.reverse()) root = await catchUpOne(repo, c);
  return root!;
}

async function catchUpOne(repo: Repository, commit: ChunkHash): Promise<ChunkHash> {
  const parents = await parentsOf(repo, commit);
  for (const q of parents.slice(1)) await ensureBlameRoot(repo, q);
  const snapshot = await snapshotOfCommit(repo, commit);
  const step = await prepareBlameStep(repo, commit, parents, snapshot);
  if (!step) throw new CorruptionError(`blame catch-up: a parent of ${commit} has no blame root`);
  const tree = await buildBlameTree(
    repo,
    step,
    labelAndReviewChanges(repo.nodes, step.parentSnapshot, snapshot),
  );
  await repo.chunks.flush();
  const root = hashToHex(tree);
  await repo.catalog.derived.putBlameRoot({ commit, root });
  return root;
}

async function parentsOf(repo: Repository, commit: ChunkHash): Promise<readonly ChunkHash[]> {
  return (
    (await repo.catalog.getCommit(commit))?.parents ??
    (await getCommit(repo.chunks, commit)).parents
  );
}

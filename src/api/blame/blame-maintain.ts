/**
 * Blame maintenance at commit time (layer: api): the new commit's blame tree from its first
 * parent's plus the commit's changes (`blame-step.ts`), staged with the commit's chunks.
 *
 * Maintained only when every parent already has a blame root and the commit touches at most
 * `repo.limits.commitTimeBlame` keys (labels and reviews together; the diff stops as soon as it
 * passes the limit, so a 10M-label import pays nothing here). Otherwise nothing is recorded
 * and the first `blame` that needs this commit catches up (`blame-catch-up.ts`), streaming.
 */
import { hashToHex, hexToHash, type ChunkHash } from '../../core/hash.js';
import type { PathsToFetch } from '../../tree/prefetch-paths.js';
import { collectChanges, zipChanges } from './blame-changes.js';
import { buildBlameTree, prepareBlameStep } from './blame-step.js';
import { commitChangesOf, type NewCommitFacts, type RecordDerived } from '../write/commit-facts.js';
import type { CommitMaintainer } from '../write/commit-maintainer.js';
import type { Repository } from '../repository/repository.js';

const nothing: RecordDerived = async () => {};

export async function stageBlame(repo: Repository, facts: NewCommitFacts): Promise<RecordDerived> {
  const limit = repo.limits.commitTimeBlame;
  const step = await prepareBlameStep(repo, facts.commit, facts.parents, facts.snapshot);
  if (!step) return nothing;
  const shared = await commitChangesOf(repo, facts);
  const labels = await shared.of('labels', limit);
  const reviews = labels && (await shared.of('reviews', limit));
  if (!labels || !reviews) return nothing;
  const changes = await collectChanges(zipChanges(labels, reviews), limit);
  if (!changes) return nothing;
  const root = hashToHex(await buildBlameTree(repo, step, changes));
  return () => repo.catalog.derived.putBlameRoot({ commit: facts.commit, root });
}

/**
 * The paths of `keys` in `parent`'s blame tree: the old entries `stageBlame` reads for a commit
 * on `parent` that changes those keys (none when `parent` has no blame tree yet).
 */
export async function blamePathsToRead(
  repo: Repository,
  parent: ChunkHash,
  keys: readonly Uint8Array[],
): Promise<readonly PathsToFetch[]> {
  if (keys.length === 0) return [];
  const root = await repo.catalog.derived.getBlameRoot(parent);
  return root ? [{ root: hexToHash(root), keys }] : [];
}

/** The blame maintainer the composition root registers (`repository/compose.ts`). */
export const blameMaintainer: CommitMaintainer<Repository> = {
  name: 'blame',
  stage: stageBlame,
  pathsToRead: blamePathsToRead,
};

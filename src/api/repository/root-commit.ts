/**
 * A new repository's first commit (layer: api): branch `main` at the empty snapshot, then the
 * repository format recorded in the catalog. `init` makes it on the embedded backends
 * (`init-repository.ts`) and on PostgreSQL + S3 (`init-remote.ts`).
 */
import { emptySnapshot } from '../../vcs/snapshot.js';
import { commitToBranch, type CommitResult } from '../write/commit-to-branch.js';
import { DEFAULT_BRANCH, type Repository } from './repository.js';

/** The new repository's first commit: `main` at the empty snapshot; then its format is recorded. */
export async function makeRootCommit(repo: Repository): Promise<CommitResult> {
  const result = await commitToBranch(repo, {
    branch: DEFAULT_BRANCH,
    expectedHead: null,
    snapshot: emptySnapshot(repo.nodes),
    message: 'Initialize repository',
    operations: { op: 'init' },
  });
  await repo.catalog.setConfig('format', '1');
  return result;
}

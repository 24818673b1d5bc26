/**
 * `verso init`: creates a repository with branch `main` at a root commit of the empty
 * snapshot (layer: api). Every branch therefore has a commit to start from, and
 * `branch create` works immediately.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { VersoError } from '../core/errors.js';
import { emptySnapshot } from '../vcs/snapshot.js';
import { commitToBranch, type CommitResult } from './commit-to-branch.js';
import { openBackends, versoDir, type Repository } from './repository.js';

export const DEFAULT_BRANCH = 'main';

export interface InitResult extends CommitResult {
  readonly root: string;
  readonly branch: string;
}

export async function initRepository(dir: string): Promise<InitResult> {
  const root = resolve(dir);
  if (existsSync(join(versoDir(root), 'catalog.sqlite')))
    throw new VersoError(
      'AlreadyExists',
      'REPOSITORY_EXISTS',
      `a Verso repository already exists at ${root}`,
      { root },
    );
  mkdirSync(root, { recursive: true });
  const repo: Repository = await openBackends(root);
  try {
    const result = await commitToBranch(repo, {
      branch: DEFAULT_BRANCH,
      expectedHead: null,
      snapshot: emptySnapshot(repo.nodes),
      message: 'Initialize repository',
      operations: { op: 'init' },
    });
    await repo.catalog.setConfig('format', '1');
    return { root, branch: DEFAULT_BRANCH, ...result };
  } finally {
    await repo.close();
  }
}

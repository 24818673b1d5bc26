/**
 * Finding and opening the repository a command works on (layer: cli): `--repo DIR`, else
 * `VERSO_REPO`, else the current folder and its parents. The environment also gives the
 * repository its identity and clock (`repositoryOptions`): the API reads no environment.
 */
import { InvalidArgumentError } from '../core/errors.js';
import { queryNow } from '../query/periods.js';
import type { Clock } from '../api/repository/index.js';
import type { Repository, RepositoryOptions } from '../api/repository/index.js';

export interface GlobalOptions {
  readonly repo?: string;
}

export async function withRepository<T>(
  opts: GlobalOptions,
  fn: (repo: Repository) => Promise<T>,
): Promise<T> {
  const { findRepositoryRoot, openRepository } = await import('../api/repository/index.js');
  const start = opts.repo ?? process.env['VERSO_REPO'] ?? process.cwd();
  const repo = await openRepository(findRepositoryRoot(start), repositoryOptions());
  try {
    return await fn(repo);
  } finally {
    await repo.close();
  }
}

/**
 * The author is `VERSO_AUTHOR` (else the repository's default, the OS user). Commits are
 * stamped with `VERSO_COMMIT_TIME` when set (for reproducible scripts and tests; an invalid
 * value fails the write that needs it), queries take "now" from `VERSO_NOW`, else
 * `VERSO_COMMIT_TIME`, else the system clock.
 */
export function repositoryOptions(env: NodeJS.ProcessEnv = process.env): RepositoryOptions {
  const author = env['VERSO_AUTHOR'];
  const clock: Clock = {
    now() {
      const fixed = env['VERSO_COMMIT_TIME'];
      if (!fixed) return new Date();
      const t = new Date(fixed);
      if (Number.isNaN(t.getTime()))
        throw new InvalidArgumentError('VERSO_COMMIT_TIME', fixed, 'expected an ISO-8601 date');
      return t;
    },
    queryNow: () => queryNow(env),
  };
  return { clock, ...(author ? { identity: { author } } : {}) };
}

/**
 * Finding and opening the repository a command works on (layer: cli): `--repo DIR`, else
 * `VERSO_REPO`, else the current folder and its parents.
 */
import type { Repository } from '../api/repository/repository.js';

export interface GlobalOptions {
  readonly repo?: string;
}

export async function withRepository<T>(
  opts: GlobalOptions,
  fn: (repo: Repository) => Promise<T>,
): Promise<T> {
  const { findRepositoryRoot, openRepository } = await import('../api/repository/repository.js');
  const start = opts.repo ?? process.env['VERSO_REPO'] ?? process.cwd();
  const repo = await openRepository(findRepositoryRoot(start));
  try {
    return await fn(repo);
  } finally {
    await repo.close();
  }
}

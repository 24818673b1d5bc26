/**
 * `verso init`: creates a repository with branch `main` at a root commit of the empty
 * snapshot (layer: api). Every branch therefore has a commit to start from, and
 * `branch create` works immediately. `--blob-store DIR` puts image blobs in a folder outside
 * the repository (shared by every repository initialised with it). `--catalog` and `--store`
 * make a repository on PostgreSQL + S3 instead (`init-remote.ts`).
 */
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { InvalidArgumentError, VersoError } from '../../core/errors.js';
import { prepareOutputPath } from '../../io/output-file.js';
import type { CommitResult } from '../write/commit-to-branch.js';
import { BLOB_STORE_CONFIG, DEFAULT_BRANCH, versoDir, type Repository } from './repository.js';
import { readBackendConfig } from './backend-config.js';
import { openBackends } from './compose.js';
import { makeRootCommit } from './root-commit.js';
import {
  initRemoteRepository,
  type RemoteInitOptions,
  type RemoteInitResult,
} from './init-remote.js';

export interface InitResult
  extends CommitResult, Partial<Omit<RemoteInitResult, keyof CommitResult>> {
  readonly root: string;
  readonly branch: string;
  readonly blobStore?: string;
}

export interface InitOptions extends RemoteInitOptions {
  /** A blob folder outside the repository, possibly shared with other repositories. */
  readonly blobStore?: string;
}

export async function initRepository(dir: string, opts: InitOptions = {}): Promise<InitResult> {
  if (opts.catalog !== undefined || opts.store !== undefined || opts.attach)
    return initRemoteRepository(dir, opts);
  const root = resolve(dir);
  const blobStore = opts.blobStore === undefined ? undefined : resolve(opts.blobStore);
  if (blobStore !== undefined && existsSync(blobStore) && !statSync(blobStore).isDirectory())
    throw new InvalidArgumentError('blob store', blobStore, 'is not a folder');
  if (existsSync(join(versoDir(root), 'catalog.sqlite')) || readBackendConfig(versoDir(root)))
    throw new VersoError(
      'AlreadyExists',
      'REPOSITORY_EXISTS',
      `a Verso repository already exists at ${root}`,
      { root },
    );
  // A chunk store without its catalog is a damaged repository, not room for a new one: a new
  // catalog would leave every stored commit unreachable, for gc to delete.
  if (existsSync(join(versoDir(root), 'chunks')))
    throw new VersoError(
      'AlreadyExists',
      'REPOSITORY_EXISTS',
      `a Verso repository already exists at ${root}, without its catalog (nothing was changed)`,
      { root, withoutCatalog: true },
    );
  // Both folders must be writable before anything is created (no half-made repository).
  if (blobStore !== undefined) prepareOutputPath(opts.blobStore!, 'folder');
  prepareOutputPath(dir, 'folder');
  const repo: Repository = await openBackends(root, opts);
  try {
    if (blobStore !== undefined) await repo.catalog.setConfig(BLOB_STORE_CONFIG, blobStore);
    const result = await makeRootCommit(repo);
    return { root, branch: DEFAULT_BRANCH, ...result, ...(blobStore ? { blobStore } : {}) };
  } finally {
    await repo.close();
  }
}

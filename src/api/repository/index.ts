/**
 * The repository feature's public verbs (layer: api): composing (`createRepository`), opening
 * and creating a repository, its branches and tags, and the ref log. What the CLI and a server
 * call; the other features use this folder's modules directly.
 *
 * The commit-time maintainers (`STANDARD_MAINTAINERS`, the `CommitMaintainer` contract and its
 * commit facts) are not exported: `createRepository` installs the standard ones itself when
 * `maintainers` is not given, so nothing outside needs them; they are commit-pipeline
 * internals (`write/commit-maintainer.ts`) that tests reach through their modules.
 */
export {
  findRepositoryRoot,
  type Repository,
  type RepositoryDeps,
  type RepositoryOptions,
} from './repository.js';
export { createRepository, openRepository } from './compose.js';
export { DEFAULT_BRANCH, versoDir } from './repository.js';
export type { InitOptions, InitResult } from './init-repository.js';
import type { InitOptions, InitResult } from './init-repository.js';
export { osIdentity, systemClock, type Clock, type Identity } from './identity.js';
export { DEFAULT_LIMITS, type Limits } from './limits.js';
export {
  createBranch,
  createTag,
  deleteBranch,
  deleteTag,
  listRefs,
  type DeleteBranchOptions,
  type DeletedBranch,
} from './refs.js';
export { readRefLog, type ReadRefLogOptions } from './ref-log.js';
export { onDemandBlobRemote } from './clone-config.js';
export type { Progress, ProgressFn } from './progress.js';

/**
 * `verso init` (`init-repository.ts`), loaded when called: the commit pipeline it needs is not
 * loaded by the commands that only open a repository (CLI start-up, issue 12).
 */
export async function initRepository(dir: string, opts?: InitOptions): Promise<InitResult> {
  return (await import('./init-repository.js')).initRepository(dir, opts);
}

/**
 * The repository feature's public verbs (layer: api): composing (`createRepository`), opening
 * and creating a repository, its branches and tags, and the ref log. What the CLI and a server
 * call; the other features use this folder's modules directly.
 */
export {
  findRepositoryRoot,
  type Repository,
  type RepositoryDeps,
  type RepositoryOptions,
} from './repository.js';
export { createRepository, openRepository, STANDARD_MAINTAINERS } from './compose.js';
export type {
  CommitMaintainer,
  NewCommitFacts,
  RecordDerived,
} from '../write/commit-maintainer.js';
export {
  DEFAULT_BRANCH,
  initRepository,
  type InitOptions,
  type InitResult,
} from './init-repository.js';
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
export type { Progress, ProgressFn } from './progress.js';

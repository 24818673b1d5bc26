/**
 * The repository feature's verbs (layer: api): what the CLI and the library use from it.
 */
export { findRepositoryRoot, openRepository } from './repository.js';
export type { Repository } from './repository.js';
export { createBranch, createTag, deleteBranch, deleteTag, listRefs } from './refs.js';
export type { DeletedBranch } from './refs.js';
export { readRefLog } from './ref-log.js';
export { initRepository } from './init-repository.js';
export type { InitResult } from './init-repository.js';

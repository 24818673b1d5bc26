/**
 * The merge feature's public verbs (layer: api): merging a branch, the state of a merge with
 * conflicts, resolving them, and committing or aborting it.
 */
export { merge, type MergeOptions, type MergeResult } from './merge.js';
export { abortMerge, commitMerge, type DuplicateNote } from './merge-commit.js';
export {
  mergeStatus,
  resolveConflicts,
  type ConflictView,
  type DroppedField,
  type MergeStatus,
  type ResolveOptions,
  type ResolveResult,
} from './merge-resolve.js';

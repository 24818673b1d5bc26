/**
 * The merge feature's verbs (layer: api): merge, and the pending merge's status, resolve,
 * commit and abort.
 */
export { merge } from './merge.js';
export type { MergeResult } from './merge.js';
export { mergeStatus, resolveConflicts } from './merge-resolve.js';
export type { MergeStatus, ResolveResult } from './merge-resolve.js';
export { abortMerge, commitMerge } from './merge-commit.js';

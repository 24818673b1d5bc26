/**
 * The write feature's verbs (layer: api): edit batches applied to a branch.
 */
export { applyEdits } from './apply-edits.js';
export type { ApplyEditsResult } from './apply-edits.js';
export { scanSplits, setSplits, showSplits } from './splits.js';
export type { CommitResult } from './commit-to-branch.js';

/**
 * The write feature's verbs (layer: api): edit batches applied to a branch.
 */
export { applyEdits } from './apply-edits.js';
export type { ApplyEditsResult } from './apply-edits.js';

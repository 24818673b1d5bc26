/**
 * The blame feature's verbs (layer: api): who introduced, changed and reviewed each label.
 */
export { blame } from './blame.js';
export type { LabelBlame } from './blame.js';

/**
 * The query feature's verbs (layer: api): secondary indexes, filter plans, counts.
 */
export { buildIndexes, showIndexes } from './tree-index.js';
export type { IndexReport } from './tree-index.js';
export { explainQuery, explanationLines } from './query-explain.js';
export type { QueryExplanation } from './query-explain.js';

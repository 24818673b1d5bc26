/**
 * The query feature's public verbs (layer: api): explaining how a filter is answered, and the
 * secondary indexes (show, build).
 */
export { explainQuery, type QueryExplanation } from './query-explain.js';
export { buildIndexes, showIndexes, type IndexReport, type TreeIndexState } from './tree-index.js';

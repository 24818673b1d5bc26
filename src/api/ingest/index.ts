/**
 * The ingest feature's verbs (layer: api): importing native label files.
 */
export { importLabels } from './import-labels.js';
export type { ImportLabelsResult } from './import-labels.js';

/** The ingest feature's public verb (layer: api): the streaming JSONL label import. */
export {
  importLabels,
  type ImportLabelsOptions,
  type ImportLabelsResult,
} from './import-labels.js';
export type { ImportMode } from './import-label-trees.js';
export type { RemovedReport } from './change-report.js';
export type { RecordImportResult } from './record-import.js';
export {
  importAnnotatorLabels,
  type ImportAnnotatorLabelsOptions,
  type ImportAnnotatorLabelsResult,
} from './import-annotator-labels.js';

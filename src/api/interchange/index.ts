/**
 * The interchange feature's verbs (layer: api): format imports and exports.
 */
export { importCoco } from './import-coco.js';
export { importYolo } from './import-yolo.js';
export { importVoc } from './import-voc.js';
export { importCvat } from './import-cvat.js';
export { importLabelStudio } from './import-label-studio.js';
export type { FormatImportOptions, ImageImportResult } from './reimport-match-import.js';
export { exportSnapshot } from './export.js';
export type { ExportResult } from './export.js';

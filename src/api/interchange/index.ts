/**
 * The interchange feature's public verbs (layer: api): importing COCO, YOLO, Pascal VOC, CVAT
 * and Label Studio files, and exporting a version in those formats.
 */
export { importCoco, type ImportCocoOptions, type ImportCocoResult } from './import-coco.js';
export { importYolo, type ImportYoloOptions } from './import-yolo.js';
export { importVoc, type ImportVocOptions } from './import-voc.js';
export { importCvat, type ImportCvatOptions } from './import-cvat.js';
export { importLabelStudio, type ImportLabelStudioOptions } from './import-label-studio.js';
export type { FormatImportOptions, ImageImportResult } from './reimport-match-import.js';
export { EXPORT_FORMATS, exportSnapshot, type ExportOptions, type ExportResult } from './export.js';
export type { VideoImportResult } from './write-video-tracks.js';
export { importMot, type ImportMotOptions } from './import-mot.js';

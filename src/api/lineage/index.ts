/**
 * The lineage feature's public verbs (layer: api): training runs, models, predictions, saved
 * slices, lineage up and down, explaining a prediction by its training examples, and ranking a
 * run's examples by self-influence (suspects).
 */
export { startRun, type RunStartOptions, type RunStartResult } from './run-start.js';
export { finishRun } from './run-finish.js';
export { addRunVectors, type AddVectorsResult } from './run-vectors.js';
export { registerModel, type ModelRegisterOptions } from './model-register.js';
export {
  recordPrediction,
  recordPredictionFile,
  recordPredictionStream,
  type PredictionInput,
  type PredictRecordResult,
} from './predict-record.js';
export { saveSlice, type SliceSaveOptions } from './slice-save.js';
export {
  importPredictions,
  type PredictImportOptions,
  type PredictImportResult,
} from './predict-import.js';
export {
  listPredictionSets,
  predictionSetJson,
  showPredictionSet,
  type ClassSummary,
  type PredictionSetSummary,
} from './prediction-sets.js';
export {
  selectImages,
  type SelectedImage,
  type SelectOptions,
  type SelectResult,
} from './select.js';
export { SELECT_STRATEGIES, type SelectStrategy } from '../../dataset/prediction-uncertainty.js';
export {
  DEFAULT_MIN_SCORE,
  listDisagreements,
  type Disagreement,
  type DisagreementsOptions,
  type DisagreementsResult,
} from './predict-disagreements.js';
export { listModels, listPredictions, listRuns } from './lineage-list.js';
export {
  lineageDown,
  lineageUp,
  type CommitSummary,
  type LineageDown,
  type LineageUp,
  type LineageUpOptions,
  type PredictionSummary,
} from './lineage.js';
export type { LaterRun, PredictionSetDown, SliceDown, SliceUp } from './lineage-loop.js';
export {
  promotePredictions,
  promotedLabelId,
  type PromoteOptions,
  type PromoteResult,
} from './predict-promote.js';
export type { LabelUp } from './lineage-label-up.js';
export {
  branchSlice,
  exportSlice,
  findSlice,
  showSlice,
  type SliceDetails,
  type SliceExportOptions,
} from './slices.js';
export {
  disagreementsJson,
  promoteJson,
  sliceBranchJson,
  sliceJson,
  sliceRecordJson,
} from './prediction-verbs-json.js';
export { explainPrediction, type ExplainedExample, type ExplainResult } from './explain.js';
export {
  rankSuspects,
  SUSPECTS_BY,
  type AnnotatorSuspects,
  type Suspect,
  type SuspectsBy,
  type SuspectsOptions,
  type SuspectsResult,
} from './suspects.js';
export { firstMissingExample, runExampleBlocks, showPrediction, showRun } from './lineage-show.js';
export {
  decodeVectorHeader,
  VECTOR_HEADER_BYTES,
  VECTOR_MAGIC,
  VECTOR_VERSION,
  type VectorHeader,
} from '../../influence/vector-file.js';
export { vectorRefusal } from '../../catalog/lineage-catalog.js';
export { splitExampleKey } from '../../influence/vector-file.js';
export type {
  ModelRecord,
  PredictionRecord,
  PredictionSetRecord,
  RunRecord,
  SliceRecord,
} from '../../catalog/catalog.js';

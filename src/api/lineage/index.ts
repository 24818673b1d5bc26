/**
 * The lineage feature's verbs (layer: api): runs, slices, models, predictions, lineage walks
 * and influence explanations.
 */
export { startRun } from './run-start.js';
export { finishRun } from './run-finish.js';
export { addRunVectors } from './run-vectors.js';
export { saveSlice } from './slice-save.js';
export { registerModel } from './model-register.js';
export { recordPrediction, recordPredictionFile } from './predict-record.js';
export { lineageDown, lineageUp } from './lineage.js';
export type { LineageUp, PredictionSummary } from './lineage.js';
export { explainPrediction } from './explain.js';
export { listModels, listPredictions, listRuns } from './lineage-list.js';

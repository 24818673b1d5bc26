/**
 * The read feature's verbs (layer: api): history, snapshots, differences, labels, counts.
 */
export { logCommits } from './log.js';
export type { LogEntry } from './log.js';
export { showCommit } from './show.js';
export { diffDetails, diffStat } from './diff.js';
export type { ChangeDetail, DiffStat } from './diff.js';
export { catLabelBlocks } from './cat.js';
export { countLabels } from './count.js';
export { listAssets, showAsset } from './assets.js';

/**
 * The write feature's public verbs (layer: api): applying an edit batch and setting splits, and
 * the result types every writer shares. The commit pipeline (`writeToBranch`,
 * `commitToBranch`, derived data) is used by the other features' writers directly.
 */
export { applyEdits, type ApplyEditsOptions, type ApplyEditsResult } from './apply-edits.js';
export type { EditSource } from './edit-source.js';
export {
  scanSplits,
  setSplits,
  showSplits,
  type SetSplitsOptions,
  type SetSplitsResult,
  type SplitsView,
} from './splits.js';
export type { CommitResult } from './commit-to-branch.js';
export type { ClippedLabel, GeometryReport, WritePolicy } from './label-write-check.js';
export { WriteConflictError } from './write-errors.js';
export type { WriteConflict } from './write-conflicts.js';
export { inBranchQueue } from './branch-queue.js';

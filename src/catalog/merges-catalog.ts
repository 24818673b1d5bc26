/**
 * MergesCatalog: merges waiting for conflict resolutions, at most one per destination branch
 * (layer: catalog). The merge's state is its own JSON, opaque here.
 *
 * Contract (checked for every backend by `merges-catalog.contract.ts`):
 * - `putPendingMerge(branch, state, expectedVersion)` creates the branch's pending merge when
 *   `expectedVersion` is null (throws `MergeInProgressError` if one exists) or replaces it when
 *   its version equals `expectedVersion` (else `PendingMergeRaceError`: no resolution is lost);
 *   returns the new version (1 on create, +1 on each replace).
 * - `deletePendingMerge` removes it (only at `expectedVersion` when given) and says whether it
 *   did. `listPendingMerges` lists them by branch name.
 */

/** A merge waiting for conflict resolutions; `state` is the merge's own JSON (opaque here). */
export interface PendingMergeRecord {
  readonly branch: string;
  readonly version: number;
  readonly state: string;
  readonly updatedAt: string;
}

export interface MergesCatalog {
  getPendingMerge(branch: string): Promise<PendingMergeRecord | undefined>;
  listPendingMerges(): Promise<PendingMergeRecord[]>;
  putPendingMerge(branch: string, state: string, expectedVersion: number | null): Promise<number>;
  deletePendingMerge(branch: string, expectedVersion?: number): Promise<boolean>;
}

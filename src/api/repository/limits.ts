/**
 * Per-commit limits (layer: api): how much derived data a commit maintains at commit time
 * before leaving it to a later streaming pass. Carried by the `Repository` so tests can inject
 * small limits and exercise both sides through the real write path.
 */

export interface Limits {
  /**
   * Keys (labels and reviews together) a commit may change and still get its blame at commit
   * time (`blame/blame-maintain.ts`); bigger commits are left to the blame catch-up.
   */
  readonly commitTimeBlame: number;
  /**
   * Records of a tree a commit may change and still have its secondary index maintained
   * (`query/tree-index-maintain.ts`); bigger changes leave the tree to `verso index build`.
   */
  readonly indexMaintenance: number;
}

/**
 * The defaults. Blame: the changes are collected before the tree is written (~100 bytes each),
 * so this bounds commit-time work and memory; a 500-key apply on 1M labels spends ~0.1 s
 * (docs/architecture.md, "Blame"). Index: a bulk import is indexed by one streaming pass.
 */
export const DEFAULT_LIMITS: Limits = {
  commitTimeBlame: 100_000,
  indexMaintenance: 200_000,
};

/**
 * Counts of added / removed / modified records, per tree (layer: dataset). Commit operation
 * summaries and `diff --stat` use it.
 */
import type { ChangeType } from '../tree/diff.js';

export interface ChangeCounts {
  added: number;
  removed: number;
  modified: number;
}

export function zeroCounts(): ChangeCounts {
  return { added: 0, removed: 0, modified: 0 };
}

export function countChange(c: ChangeCounts, type: ChangeType): void {
  c[type]++;
}

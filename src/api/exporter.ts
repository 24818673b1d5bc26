/**
 * The contract of one export format (layer: api): `export.ts` resolves the ref and calls the
 * format's exporter, which streams the snapshot to `out` and says what it wrote.
 */
import type { ChunkHash } from '../core/hash.js';
import type { Snapshot } from '../vcs/snapshot.js';
import type { Repository } from './repository.js';

export interface ExportCounts {
  readonly images?: number;
  readonly labels: number;
  /** Labels the format cannot represent, left out (YOLO, VOC). */
  readonly skipped?: number;
}

/** Writes the snapshot `snap` of `commit` to `out`. */
export type Exporter = (
  repo: Repository,
  commit: ChunkHash,
  snap: Snapshot,
  out: string,
) => Promise<ExportCounts>;

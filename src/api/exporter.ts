/**
 * The contract of one export format (layer: api): `export.ts` resolves the ref and calls the
 * format's exporter, which streams the snapshot to `out` and says what it wrote.
 */
import type { ChunkHash } from '../core/hash.js';
import type { Snapshot } from '../vcs/snapshot.js';
import type { Category } from './categories.js';
import type { LabelFilter } from './query-filter.js';
import type { Repository } from './repository.js';
import type { ContentBytesMapper } from './schema-projection.js';

export interface ExportCounts {
  readonly images?: number;
  readonly labels: number;
  /** Labels the format cannot represent, left out (YOLO, VOC). */
  readonly skipped?: number;
}

/**
 * How the snapshot is read (decided once, in `export.ts`): `categories` is the snapshot's own
 * category list (empty when it has none); with `export --schema X` each label's content is
 * mapped to X (`mapContent`) and the categories are X's classes. With `export --where EXPR`,
 * `filter` selects the labels written (it sees the content after `mapContent`); image-based
 * formats then write only the images that have a matching label.
 */
export interface ExportView {
  readonly mapContent?: ContentBytesMapper;
  readonly categories: readonly Category[];
  readonly filter?: LabelFilter;
}

/** Writes the snapshot `snap` of `commit` to `out`. */
export type Exporter = (
  repo: Repository,
  commit: ChunkHash,
  snap: Snapshot,
  out: string,
  view: ExportView,
) => Promise<ExportCounts>;

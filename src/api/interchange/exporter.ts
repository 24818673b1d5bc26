/**
 * The contract of one export format (layer: api): `export.ts` resolves the ref and calls the
 * format's exporter, which streams the snapshot to `out` and says what it wrote.
 */
import type { ChunkHash } from '../../core/hash.js';
import type { Snapshot } from '../../vcs/snapshot.js';
import type { Category } from '../read/categories.js';
import type { ImageFileCounts } from './export-images.js';
import type { LabelFilter } from '../query/query-filter.js';
import type { Repository } from '../repository/repository.js';
import type { ContentBytesMapper } from '../schema/schema-projection.js';

export interface ExportCounts {
  readonly images?: number;
  readonly labels: number;
  /** Labels the format cannot represent, or of a class outside the category list, left out. */
  readonly skipped?: number;
  /** Track formats: the tracks written (`labels` then counts their shapes or rows). */
  readonly tracks?: number;
  /** Stored fields the format has no place for, not written (CVAT: MOT's `confidence`...). */
  readonly fields_left_out?: readonly string[];
  /** `--with-images`: image files placed (hard-linked or copied). */
  readonly image_files?: ImageFileCounts;
}

/**
 * How the snapshot is read (decided once, in `export.ts`): `categories` is the snapshot's one
 * category list, the same whatever the filter (`export-categories.ts`); with `export --schema X`
 * each label's content is mapped to X (`mapContent`) and the categories are X's classes. A label
 * whose class is not in the list (only possible under a schema) is left out and counted as
 * skipped. With `export --where EXPR`,
 * `filter` selects the labels written (it sees the content after `mapContent`); image-based
 * formats then write only the images that have a matching label.
 */
export interface ExportView {
  readonly mapContent?: ContentBytesMapper;
  /**
   * The snapshot's category list by `export-categories.ts` rule 1 or 2 (`categorySource`), not
   * yet completed with the other classes the labels use (`withUsedClasses`); empty for JSONL.
   */
  readonly categories: readonly Category[];
  readonly categorySource: 'schema' | 'stored' | 'labels';
  readonly filter?: LabelFilter;
  /** `export --with-images`: also place the image files (`export-images.ts`; see `ExportOptions`). */
  readonly withImages?: boolean | 'blobs-only';
}

/** Writes the snapshot `snap` of `commit` to `out`. */
export type Exporter = (
  repo: Repository,
  commit: ChunkHash,
  snap: Snapshot,
  out: string,
  view: ExportView,
) => Promise<ExportCounts>;

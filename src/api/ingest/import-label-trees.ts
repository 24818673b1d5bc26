/**
 * The write stage every importer shares (layer: api): sorted, unique label records become the
 * branch's next labels and reviews trees, by the import's mode, after the placement check.
 *
 * 1. placement (`label-write-check.ts`): when the snapshot records images, each record is
 *    checked against its image's asset record, read by one cursor over the assets tree walked
 *    in step with the records (both are in image order); clipped labels are re-encoded;
 * 2. the mode (docs/formats.md, "What an import replaces"):
 *    - `per_image` (default): the images the import covers get exactly its labels, the others
 *      keep theirs (`image-replace.ts`);
 *    - `replace_all`: the branch's labels and reviews become exactly the import's;
 *    - `upsert` (`import labels --upsert`): the import's labels are put on top; a record without
 *      a review keeps the stored one, `"review": null` removes it;
 * 3. the change report (`change-report.ts`): counts, and the images that lost labels.
 * A bad record throws the importer's error (`invalid`, naming it by its tag) before any commit.
 */
import type { LabelKey } from '../../dataset/label-key.js';
import { decodeLabelKey, imageKeyOf } from '../../dataset/label-key.js';
import { bytesEqual } from '../../tree/bytes.js';
import { mutateTree, type Edit } from '../../tree/mutate.js';
import { countEntries, scanLeaves } from '../../tree/read.js';
import { labelChanges, type LabelChanges } from './change-report.js';
import { replaceImages, type LabelRoots } from './image-replace.js';
import {
  imageInfoOf,
  type ImageInfo,
  type LabelProblem,
  type LabelWriteCheck,
} from '../write/label-write-check.js';
import { ReviewCursor } from '../read/label-review-scan.js';
import type { ProgressFn } from '../repository/progress.js';
import type { Repository } from '../repository/repository.js';
import { buildFromSorted, type SortedRecord } from './sorted-label-build.js';

export type ImportMode = 'per_image' | 'replace_all' | 'upsert';

/** Names a record that failed a check, by the tag it was added with. */
export type InvalidLabel = (tag: number, key: LabelKey, problem: LabelProblem) => Error;

export interface ImportLabelTreesInput {
  /** The branch's labels and reviews roots before the import. */
  readonly base: LabelRoots;
  readonly mode: ImportMode;
  /** Sorted, unique records and how many. */
  readonly records: AsyncIterable<SortedRecord>;
  readonly count: number;
  /** Images covered besides those of the records (`per_image`): increasing, unique image keys. */
  readonly covered?: AsyncIterable<Uint8Array>;
  readonly coveredCount?: number;
  /** The assets tree the labels will sit with (after the import's own assets). */
  readonly assets: Uint8Array;
  readonly check: LabelWriteCheck;
  readonly invalid: InvalidLabel;
  readonly onProgress?: ProgressFn;
}

export interface ImportedLabelTrees extends LabelRoots {
  readonly changes: LabelChanges;
}

export async function importLabelTrees(
  repo: Repository,
  input: ImportLabelTreesInput,
): Promise<ImportedLabelTrees> {
  const images = await countEntries(repo.nodes, input.assets);
  input.check.setImagesRecorded(images);
  const records =
    images > 0
      ? placedRecords(repo, input.records, input.assets, input.check, input.invalid)
      : input.records;
  let roots: LabelRoots;
  if (input.mode === 'per_image') {
    roots = await replaceImages(repo, {
      labels: input.base.labels,
      reviews: input.base.reviews,
      incoming: records,
      incomingCount: input.count,
      ...(input.covered ? { covered: input.covered, coveredCount: input.coveredCount ?? 0 } : {}),
      ...(input.onProgress ? { onProgress: input.onProgress } : {}),
    });
  } else {
    roots =
      input.mode === 'replace_all'
        ? await buildFromSorted(repo, records, input.count, input.onProgress)
        : await upsertRecords(repo, input.base, records);
    for await (const _ of input.covered ?? []) void _; // the stream checks itself to its end
  }
  return { ...roots, changes: await labelChanges(repo, input.base, roots) };
}

/** The records as the placement check leaves them (clipped labels re-encoded). */
async function* placedRecords(
  repo: Repository,
  records: AsyncIterable<SortedRecord>,
  assetsRoot: Uint8Array,
  check: LabelWriteCheck,
  invalid: InvalidLabel,
): AsyncGenerator<SortedRecord> {
  const assets = new ReviewCursor(scanLeaves(repo.nodes, assetsRoot));
  let image: Uint8Array | undefined;
  let info: ImageInfo;
  for await (const rec of records) {
    const key = imageKeyOf(rec.key);
    if (!image || !bytesEqual(image, key)) {
      image = key;
      const found = assets.valueAt(key);
      info = imageInfoOf(found instanceof Promise ? await found : found);
    }
    const placed = check.placeEncoded(rec.key, rec.label, info);
    if (placed === undefined) yield rec;
    else if (placed instanceof Uint8Array) yield { ...rec, label: placed };
    else throw invalid(rec.tag, decodeLabelKey(rec.key), placed);
  }
}

async function upsertRecords(
  repo: Repository,
  base: LabelRoots,
  records: AsyncIterable<SortedRecord>,
): Promise<LabelRoots> {
  const labelEdits: Edit[] = [];
  const reviewEdits: Edit[] = [];
  for await (const rec of records) {
    labelEdits.push({ key: rec.key, value: rec.label });
    if (rec.review !== undefined) reviewEdits.push({ key: rec.key, value: rec.review });
  }
  return {
    labels: await mutateTree(repo.nodes, base.labels, labelEdits),
    reviews: await mutateTree(repo.nodes, base.reviews, reviewEdits),
  };
}

/**
 * Building the labels and reviews trees from externally sorted label records (layer: api).
 *
 * Shared by the importers (`import-labels.ts`, `record-import.ts`): records come out of an
 * `ExternalSorter` whose payloads are `label-file-records.ts` payloads (tag, label content,
 * review); duplicate keys are rejected by the caller's `onDuplicate` (which knows how to name
 * the records behind the two tags), and the two trees are built bottom-up in one pass, calling
 * `ChunkStore.ready()` every READY_EVERY records so staged memory stays bounded.
 */
import { countChange, zeroCounts, type ChangeCounts } from '../../dataset/change-counts.js';
import { decodeLabelKey, type LabelKey } from '../../dataset/label-key.js';
import type { ExternalSorter } from '../../io/external-sort.js';
import { TreeBuilder } from '../../tree/builder.js';
import { diffTrees } from '../../tree/diff.js';
import { countEntries } from '../../tree/read.js';
import { decodePayload } from './label-file-records.js';
import { throttled, type ProgressFn } from '../repository/progress.js';
import type { Repository } from '../repository/repository.js';

/** Records between `ChunkStore.ready()` calls while building (about 100 chunks). */
export const READY_EVERY = 4096;

export interface SortedRecord {
  /** The tag the record was added with (names it in errors). */
  readonly tag: number;
  readonly key: Uint8Array;
  readonly label: Uint8Array;
  readonly review: Uint8Array | null | undefined;
}

/** Builds the error for a key seen twice; tags in the order the records were added. */
export type DuplicateError = (firstTag: number, secondTag: number, key: LabelKey) => Error;

/** Yields sorted records, rejecting duplicate keys. */
export async function* uniqueSorted(
  sorter: ExternalSorter,
  onDuplicate: DuplicateError,
): AsyncGenerator<SortedRecord> {
  let prevKey: string | undefined;
  let prevTag = 0;
  for await (const rec of sorter.sorted()) {
    const p = decodePayload(rec.payload);
    if (rec.key === prevKey)
      throw onDuplicate(prevTag, p.lineTag, decodeLabelKey(Buffer.from(rec.key, 'latin1')));
    prevKey = rec.key;
    prevTag = p.lineTag;
    yield { tag: p.lineTag, key: Buffer.from(rec.key, 'latin1'), label: p.label, review: p.review };
  }
}

export async function buildFromSorted(
  repo: Repository,
  records: AsyncIterable<SortedRecord>,
  total: number,
  onProgress?: ProgressFn,
): Promise<{ labels: Uint8Array; reviews: Uint8Array }> {
  const labels = new TreeBuilder(repo.nodes);
  const reviews = new TreeBuilder(repo.nodes);
  const progress = throttled(onProgress, 'build', 50_000, total);
  let n = 0;
  for await (const rec of records) {
    labels.add(rec.key, rec.label);
    if (rec.review) reviews.add(rec.key, rec.review);
    progress.tick(++n);
    if (n % READY_EVERY === 0) await repo.chunks.ready();
  }
  progress.end(n);
  return { labels: labels.finish(), reviews: reviews.finish() };
}

/** Added/removed/modified between two roots; an empty base needs no diff. */
export async function changeCounts(
  repo: Repository,
  from: Uint8Array,
  to: Uint8Array,
): Promise<ChangeCounts> {
  const counts = zeroCounts();
  if ((await countEntries(repo.nodes, from)) === 0) {
    counts.added = await countEntries(repo.nodes, to);
    return counts;
  }
  for await (const c of diffTrees(repo.nodes, from, to)) countChange(counts, c.type);
  return counts;
}

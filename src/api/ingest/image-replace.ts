/**
 * Per-image replacement of a branch's labels and reviews (layer: api): the trees that result
 * when the images an import covers get exactly the import's labels (a label without a review has
 * none) and every other image keeps its labels and reviews as they are. What every importer
 * does by default (docs/formats.md, "What an import replaces").
 *
 * The covered images are the `covered` stream (images a file lists, even with no label) plus the
 * image of every incoming record. On an empty branch the import is simply built bottom-up;
 * otherwise two strategies give the same trees (trees are history independent;
 * `image-replace.test.ts` checks them against each other and against a model):
 * - merge build: the branch's labels walked in key order beside the sorted import, building both
 *   trees bottom-up: O(branch + import), bounded memory; used for large imports;
 * - batched mutation: for each covered image, its stored keys (one range scan per tree) are
 *   deleted unless the import puts them, and the import's records are put: O(import x depth);
 *   used when the import (records and covered images) is at most `MUTATE_MAX`, so a small file
 *   costs the same on a 10M-label branch as on an empty one.
 */
import { compareBytes, bytesEqual } from '../../tree/bytes.js';
import { TreeBuilder } from '../../tree/builder.js';
import { mutateTree, type Edit } from '../../tree/mutate.js';
import { countEntries, scan, scanLeaves } from '../../tree/read.js';
import { imageKeyOf } from '../../dataset/label-key.js';
import { ReviewCursor } from '../read/label-review-scan.js';
import { throttled, type ProgressFn } from '../repository/progress.js';
import type { Repository } from '../repository/repository.js';
import { buildFromSorted, READY_EVERY, type SortedRecord } from './sorted-label-build.js';

/** Above this many incoming records plus covered images the replacement is a merge build. */
export const MUTATE_MAX = 50_000;

export interface ReplaceImagesInput {
  /** The branch's labels and reviews roots. */
  readonly labels: Uint8Array;
  readonly reviews: Uint8Array;
  /** The import's records, in strictly increasing key order. */
  readonly incoming: AsyncIterable<SortedRecord>;
  readonly incomingCount: number;
  /** Image keys (`encodeImageKey`) the import covers besides those of its records: increasing, unique. */
  readonly covered?: AsyncIterable<Uint8Array>;
  readonly coveredCount?: number;
  /** Force a strategy (tests); default: `build` on an empty branch, else by size. */
  readonly strategy?: 'build' | 'merge' | 'mutate';
  readonly onProgress?: ProgressFn;
}

export interface LabelRoots {
  readonly labels: Uint8Array;
  readonly reviews: Uint8Array;
}

export async function replaceImages(
  repo: Repository,
  input: ReplaceImagesInput,
): Promise<LabelRoots> {
  const small = input.incomingCount + (input.coveredCount ?? 0) <= MUTATE_MAX;
  const strategy =
    input.strategy ??
    ((await countEntries(repo.nodes, input.labels)) === 0 ? 'build' : small ? 'mutate' : 'merge');
  if (strategy === 'mutate') return mutateImages(repo, input);
  if (strategy === 'merge') return mergeBuild(repo, input);
  // An empty branch: the import alone (what a first import of a large file takes).
  const built = await buildFromSorted(repo, input.incoming, input.incomingCount, input.onProgress);
  for await (const _ of input.covered ?? none()) void _; // the stream checks itself to its end
  return built;
}

async function mergeBuild(repo: Repository, input: ReplaceImagesInput): Promise<LabelRoots> {
  const labels = new TreeBuilder(repo.nodes);
  const reviews = new TreeBuilder(repo.nodes);
  const progress = throttled(input.onProgress, 'build', 50_000, input.incomingCount);
  const incoming = input.incoming[Symbol.asyncIterator]();
  const covered = (input.covered ?? none())[Symbol.asyncIterator]();
  const oldReviews = new ReviewCursor(scanLeaves(repo.nodes, input.reviews));
  let next = await incoming.next();
  let cover = await covered.next();
  let lastIncoming: Uint8Array | undefined;
  let [n, fromImport] = [0, 0];
  /** Adds one record to the builders; true when the store should commit what is staged. */
  const put = (rec: SortedRecord): boolean => {
    labels.add(rec.key, rec.label);
    if (rec.review) reviews.add(rec.key, rec.review);
    lastIncoming = imageKeyOf(rec.key);
    progress.tick(++fromImport);
    return ++n % READY_EVERY === 0;
  };
  try {
    for await (const run of scanLeaves(repo.nodes, input.labels)) {
      for (let i = run.from; i < run.to; i++) {
        const key = run.keys[i]!;
        while (!next.done && compareBytes(next.value.key, key) < 0) {
          if (put(next.value)) await repo.chunks.ready();
          next = await incoming.next();
        }
        const image = imageKeyOf(key);
        // An incoming record of this image is either the last put or the next one (key order).
        if (lastIncoming && bytesEqual(lastIncoming, image)) continue;
        if (!next.done && bytesEqual(imageKeyOf(next.value.key), image)) continue;
        while (!cover.done && compareBytes(cover.value, image) < 0) cover = await covered.next();
        if (!cover.done && bytesEqual(cover.value, image)) continue;
        labels.add(key, run.values[i]!);
        const found = oldReviews.valueAt(key);
        const review = found instanceof Promise ? await found : found;
        if (review) reviews.add(key, review);
        if (++n % READY_EVERY === 0) await repo.chunks.ready();
      }
    }
    for (; !next.done; next = await incoming.next()) if (put(next.value)) await repo.chunks.ready();
    while (!cover.done) cover = await covered.next(); // the stream checks itself to its end
  } finally {
    await incoming.return?.(undefined);
    await covered.return?.(undefined);
  }
  progress.end(fromImport);
  return { labels: labels.finish(), reviews: reviews.finish() };
}

async function mutateImages(repo: Repository, input: ReplaceImagesInput): Promise<LabelRoots> {
  const records: SortedRecord[] = [];
  for await (const r of input.incoming) records.push(r);
  const images: Uint8Array[] = [];
  for await (const image of input.covered ?? none()) images.push(image);
  for (const r of records) images.push(imageKeyOf(r.key));
  images.sort(compareBytes);
  const putLabels = new Set(records.map((r) => latin1(r.key)));
  const putReviews = new Set(records.filter((r) => r.review).map((r) => latin1(r.key)));
  const labelEdits: Edit[] = [];
  const reviewEdits: Edit[] = [];
  for (let i = 0; i < images.length; i++) {
    if (i > 0 && bytesEqual(images[i]!, images[i - 1]!)) continue;
    const range = imageRange(images[i]!);
    for await (const [key] of scan(repo.nodes, input.labels, range))
      if (!putLabels.has(latin1(key))) labelEdits.push({ key, value: null });
    for await (const [key] of scan(repo.nodes, input.reviews, range))
      if (!putReviews.has(latin1(key))) reviewEdits.push({ key, value: null });
  }
  for (const r of records) {
    labelEdits.push({ key: r.key, value: r.label });
    if (r.review) reviewEdits.push({ key: r.key, value: r.review });
  }
  const byKey = (a: Edit, b: Edit) => compareBytes(a.key, b.key);
  return {
    labels: await mutateTree(repo.nodes, input.labels, labelEdits.sort(byKey)),
    reviews: await mutateTree(repo.nodes, input.reviews, reviewEdits.sort(byKey)),
  };
}

/** The key range of every label of the image whose key is `image`: the tuple prefix range. */
function imageRange(image: Uint8Array): { start: Uint8Array; end: Uint8Array } {
  return { start: image, end: Buffer.concat([image, Buffer.from([0x03])]) };
}

const latin1 = (key: Uint8Array) =>
  Buffer.from(key.buffer, key.byteOffset, key.byteLength).toString('latin1');

async function* none(): AsyncGenerator<Uint8Array> {}

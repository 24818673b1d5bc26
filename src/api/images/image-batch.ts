/**
 * Reading many image files at once, for `add images` and `import coco --images` (layer: api).
 *
 * `probeImages` reads every header (bounded concurrency) so a whole batch is checked before a
 * blob is written; `readImages` then hashes every file and, in blob mode, stores each distinct
 * blob once (the store's put is temp + fsync + rename, so every blob is durable before the
 * caller commits). Sources are `ImageSource`s: from a folder walk (`image-sources.ts`) or from
 * (image id, path) pairs (`sourcesOf`). Results keep the input order; the bytes are not kept.
 */
import { mapConcurrent } from '../../core/map-concurrent.js';
import {
  probeImage,
  readImage,
  storeImage,
  type ProbedImage,
  type ReadImage,
} from './image-intake.js';
import type { ImageSource } from './image-sources.js';
import { throttled, type ProgressFn } from '../repository/progress.js';
import type { Repository } from '../repository/repository.js';

/** Files read at once: enough to overlap reads, hashing and fsyncs; few open files. */
const CONCURRENCY = 8;

/** A read image without its bytes: what asset records are made from. */
export type MeasuredImage = Omit<ReadImage, 'bytes'>;

export interface BlobCounts {
  readonly blobsNew: number;
  readonly blobsDeduplicated: number;
  readonly bytesNew: number;
}

export interface ReadImagesResult extends BlobCounts {
  readonly images: readonly MeasuredImage[];
}

/** Explicit sources (a non-image is an error) for files named by (image id, path) pairs. */
export function sourcesOf(
  pairs: readonly { readonly image: string; readonly path: string; readonly fileName: string }[],
): ImageSource[] {
  return pairs.map((p) => ({ ...p, explicit: true, uri: p.path }));
}

/** Every header; undefined for a non-image found in a folder. */
export function probeImages(
  sources: readonly ImageSource[],
  onProgress?: ProgressFn,
): Promise<(ProbedImage | undefined)[]> {
  return mapWithProgress(sources, 'probe', onProgress, probeImage);
}

/** Hashes every file and, when `store`, puts each distinct blob once. */
export async function readImages(
  repo: Repository,
  probed: readonly ProbedImage[],
  opts: { readonly store: boolean; readonly onProgress?: ProgressFn },
): Promise<ReadImagesResult> {
  const tally: BlobTally = { pending: new Map(), blobsNew: 0, blobsDeduplicated: 0, bytesNew: 0 };
  const images = await mapWithProgress(probed, 'add', opts.onProgress, async (p) => {
    const image = await readImage(p);
    if (opts.store) await storeOnce(repo, image, tally);
    const { source, size, header, sha256 } = image;
    return { source, size, header, sha256 }; // the bytes are not kept: only records are
  });
  const { blobsNew, blobsDeduplicated, bytesNew } = tally;
  return { images, blobsNew, blobsDeduplicated, bytesNew };
}

interface BlobTally {
  readonly pending: Map<string, Promise<void>>;
  blobsNew: number;
  blobsDeduplicated: number;
  bytesNew: number;
}

/** `mapConcurrent` with progress reports under `phase`. */
async function mapWithProgress<T, U>(
  items: readonly T[],
  phase: string,
  onProgress: ProgressFn | undefined,
  fn: (item: T) => Promise<U>,
): Promise<U[]> {
  const progress = throttled(onProgress, phase, 1000, items.length);
  let done = 0;
  const out = await mapConcurrent(items, CONCURRENCY, async (item) => {
    const result = await fn(item);
    progress.tick(++done);
    return result;
  });
  progress.end(done);
  return out;
}

/** Stores the image's blob unless this run or an earlier one already did. */
async function storeOnce(repo: Repository, image: ReadImage, tally: BlobTally): Promise<void> {
  const earlier = tally.pending.get(image.sha256);
  if (earlier) {
    await earlier;
    tally.blobsDeduplicated++;
    return;
  }
  const store = (async () => {
    if (await repo.blobs.has(image.sha256)) {
      tally.blobsDeduplicated++;
      return;
    }
    await storeImage(repo.blobs, image);
    tally.blobsNew++;
    tally.bytesNew += image.size;
  })();
  tally.pending.set(image.sha256, store);
  await store;
}

/**
 * `verso add images DIR|FILE... [--branch B] [--reference]`: image files as assets, one commit
 * (layer: api).
 *
 * 1. list the files (`image-sources.ts`) and probe every header with bounded concurrency: a
 *    named non-image or any corrupt header stops the run before a blob is written; non-images
 *    found in folders are skipped and counted;
 * 2. two files with one image id and different sizes are a collision, found before any write;
 * 3. hash every file (and, in blob mode, store each distinct blob once: the store's put is
 *    temp + fsync + rename, so every blob is durable before step 5); equal ids with different
 *    hashes are a collision;
 * 4. one asset record per image id (`dataset/asset-record.ts`); extra source fields of a record
 *    already in the branch (e.g. COCO's `coco_url`) are kept, the fields Verso measures are
 *    replaced;
 * 5. one batched mutation of the `assets` tree and one commit. An id already present with other
 *    content is replaced (a new version of that asset; the old blob stays, history reaches it).
 * Reference mode stores no bytes: the record keeps `uri` and the hash Verso verified.
 */
import { ImageIdCollisionError } from './image-errors.js';
import { hashToHex, hexToHash } from '../../core/hash.js';
import {
  decodeAssetRecord,
  encodeAssetRecord,
  type AssetRecord,
} from '../../dataset/asset-record.js';
import { encodeImageKey } from '../../dataset/label-key.js';
import { compareBytes } from '../../tree/bytes.js';
import { mutateTreeCounting, type Edit } from '../../tree/mutate.js';
import { getValue } from '../../tree/read.js';
import type { CommitResult } from '../write/commit-to-branch.js';
import { writeToBranch } from '../write/write-to-branch.js';
import { probeImages, readImages, type MeasuredImage } from './image-batch.js';
import type { ProbedImage } from './image-intake.js';
import { listImageSources, type ImageSource } from './image-sources.js';
import type { ProgressFn } from '../repository/progress.js';
import type { Repository } from '../repository/repository.js';

export interface AddImagesOptions {
  /** Files and folders (paths or `file:` URIs). */
  readonly paths: readonly string[];
  readonly branch: string;
  /** Leave the bytes where they are and record their location and hash. */
  readonly reference?: boolean;
  readonly message?: string;
  readonly onProgress?: ProgressFn;
}

export interface AddImagesResult extends CommitResult {
  /** Image ids in this run. */
  readonly images: number;
  readonly added: number;
  readonly replaced: number;
  readonly unchanged: number;
  /** Non-image files skipped in folders. */
  readonly skipped: number;
  readonly blobsNew: number;
  readonly blobsDeduplicated: number;
  readonly bytesNew: number;
}

export async function addImages(
  repo: Repository,
  opts: AddImagesOptions,
): Promise<AddImagesResult> {
  return addImageSources(repo, await listImageSources(opts.paths), opts);
}

/** Steps 1-5 on files already listed (`add-image-blobs.ts` lists stored blobs). */
export async function addImageSources(
  repo: Repository,
  sources: readonly ImageSource[],
  opts: Omit<AddImagesOptions, 'paths'>,
): Promise<AddImagesResult> {
  return writeToBranch(repo, opts.branch, async (base) => {
    const probes = await probeImages(sources, opts.onProgress);
    const probed = probes.filter((p): p is ProbedImage => p !== undefined);
    checkSizeCollisions(probed);
    const tally = await readImages(repo, probed, {
      store: !opts.reference,
      ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
    });
    const unique = uniqueById(tally.images);
    const assetsRoot = hexToHash(base.snapshot.trees.assets);
    const edits: Edit[] = [];
    for (const image of unique) {
      const key = encodeImageKey(image.source.image);
      const old = await getValue(repo.nodes, assetsRoot, key);
      const record = assetRecordOf(image, !!opts.reference, old && decodeAssetRecord(old));
      edits.push({ key, value: encodeAssetRecord(record) });
    }
    edits.sort((a, b) => compareBytes(a.key, b.key));
    const assets = await mutateTreeCounting(repo.nodes, assetsRoot, edits);
    const counts = {
      images: unique.length,
      added: assets.counts.added,
      replaced: assets.counts.modified,
      unchanged: unique.length - assets.counts.added - assets.counts.modified,
      skipped: probes.length - probed.length,
      blobsNew: tally.blobsNew,
      blobsDeduplicated: tally.blobsDeduplicated,
      bytesNew: tally.bytesNew,
    };
    return {
      snapshot: {
        ...base.snapshot,
        trees: { ...base.snapshot.trees, assets: hashToHex(assets.root) },
      },
      message:
        opts.message ??
        `Add ${unique.length} image${unique.length === 1 ? '' : 's'}${opts.reference ? ' (by reference)' : ''}`,
      operations: {
        op: 'add-images',
        storage: opts.reference ? 'reference' : 'blob',
        images: counts.images,
        added: counts.added,
        replaced: counts.replaced,
        unchanged: counts.unchanged,
        skipped: counts.skipped,
        blobs_new: counts.blobsNew,
        blobs_deduplicated: counts.blobsDeduplicated,
        bytes_new: counts.bytesNew,
      },
      report: counts,
    };
  });
}

/** Two files of one id with different sizes cannot be the same image: fail before any write. */
function checkSizeCollisions(probed: readonly ProbedImage[]): void {
  const first = new Map<string, ProbedImage>();
  for (const p of probed) {
    const f = first.get(p.source.image);
    if (!f) first.set(p.source.image, p);
    else if (f.size !== p.size) throw collision(f, p);
  }
}

/** One image per id (the first file in listing order); files of one id must have equal bytes. */
function uniqueById(images: readonly MeasuredImage[]): MeasuredImage[] {
  const first = new Map<string, MeasuredImage>();
  for (const image of images) {
    const f = first.get(image.source.image);
    if (!f) first.set(image.source.image, image);
    else if (f.sha256 !== image.sha256) throw collision(f, image);
  }
  return [...first.values()];
}

function collision(a: ProbedImage, b: ProbedImage): ImageIdCollisionError {
  return new ImageIdCollisionError(a.source.image, a.source.path, b.source.path);
}

function assetRecordOf(image: MeasuredImage, reference: boolean, old?: AssetRecord): AssetRecord {
  const { header } = image;
  return {
    file_name: image.source.fileName,
    width: header.width,
    height: header.height,
    media_type: header.mediaType,
    sha256: image.sha256,
    size: image.size,
    ...(header.orientation === undefined ? {} : { orientation: header.orientation }),
    ...(reference ? { storage: 'reference', uri: image.source.uri } : { storage: 'blob' }),
    ...(old?.extra ? { extra: old.extra } : {}),
  };
}

/**
 * Adding images whose bytes are already stored as blobs (layer: api): what a server does after
 * a client uploaded the bytes by hash (`PUT /blobs/{sha256}`) and names them as images of a
 * branch, in one commit.
 *
 * Each named blob becomes an `ImageSource` read from the blob store's own file (or, for a
 * store that keeps no local files, a scratch copy), and goes through the same add path as
 * `verso add images` (`addImageSources`): header probe, hash, one asset record per image id,
 * one commit. Before that, the whole batch is checked, so nothing is written when any entry is
 * bad: every hash well-formed and stored, every blob a supported image with a sound header, no
 * image id named twice with different blobs. Errors name the image id and the blob's hash,
 * never a path on the server.
 *
 * `file_name` defaults to the image id with the extension of the blob's type (`cat` ->
 * `cat.jpg`), as an exporter would name the file.
 */
import { writeFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { InvalidArgumentError } from '../../core/errors.js';
import { isChunkHash, type ChunkHash } from '../../core/hash.js';
import { encodeImageKey } from '../../dataset/label-key.js';
import { addImageSources, type AddImagesResult } from './add-images.js';
import { BlobNotFoundError, ImageFileError, ImageIdCollisionError } from './image-errors.js';
import { probeImage, type ProbedImage } from './image-intake.js';
import type { ImageSource } from './image-sources.js';
import type { Repository } from '../repository/repository.js';

/** One image of the batch: its id and the hash of its stored bytes. */
export interface ImageBlob {
  readonly image: string;
  readonly sha256: string;
  readonly fileName?: string;
}

export interface AddImageBlobsOptions {
  readonly images: readonly ImageBlob[];
  readonly branch: string;
  readonly message?: string;
}

const EXTENSION_BY_MEDIA_TYPE: Readonly<Record<string, string>> = {
  'image/jpeg': '.jpg',
  'image/png': '.png',
  'image/webp': '.webp',
  'image/gif': '.gif',
  'image/bmp': '.bmp',
  'image/tiff': '.tif',
  'image/avif': '.avif',
  'image/heif': '.heif',
  'image/heic': '.heic',
};

export async function addImageBlobs(
  repo: Repository,
  opts: AddImageBlobsOptions,
): Promise<AddImagesResult> {
  const copies: string[] = [];
  try {
    const sources: ImageSource[] = [];
    const first = new Map<string, ImageBlob>();
    for (const [i, blob] of opts.images.entries()) {
      const sha256 = checkEntry(blob, i);
      const earlier = first.get(blob.image);
      if (earlier && earlier.sha256 !== blob.sha256)
        throw new ImageIdCollisionError(
          blob.image,
          `blob ${earlier.sha256}`,
          `blob ${blob.sha256}`,
        );
      first.set(blob.image, blob);
      const path = await blobFile(repo, sha256, copies);
      const probed = await probeBlob(path, blob);
      sources.push({
        path,
        image: blob.image,
        fileName: blob.fileName ?? defaultFileName(blob.image, probed.header.mediaType),
        explicit: true,
        uri: path,
      });
    }
    return await addImageSources(repo, sources, {
      branch: opts.branch,
      ...(opts.message !== undefined ? { message: opts.message } : {}),
    });
  } finally {
    for (const copy of copies) await rm(copy, { force: true });
  }
}

/** The entry's hash, once its fields are known good. */
function checkEntry(blob: ImageBlob, i: number): ChunkHash {
  if (!isChunkHash(blob.sha256))
    throw new InvalidArgumentError(
      `images[${i}].sha256`,
      blob.sha256,
      'expected 64 lowercase hex chars',
    );
  if (blob.image === '')
    throw new InvalidArgumentError(
      `images[${i}].image`,
      blob.image,
      'expected a non-empty image id',
    );
  if (blob.fileName === '')
    throw new InvalidArgumentError(
      `images[${i}].file_name`,
      blob.fileName,
      'expected a non-empty name',
    );
  encodeImageKey(blob.image); // an id too long for a key is refused here, before any write
  return blob.sha256;
}

/** A readable file of the blob: the store's own, or a scratch copy (listed in `copies`). */
async function blobFile(repo: Repository, sha256: ChunkHash, copies: string[]): Promise<string> {
  const local = await repo.blobs.localPath(sha256);
  if (local !== undefined) return local;
  const bytes = await repo.blobs.get(sha256);
  if (bytes === undefined) throw new BlobNotFoundError(sha256);
  const copy = join(repo.scratchDir(), `blob-${sha256}`);
  copies.push(copy);
  await writeFile(copy, bytes);
  return copy;
}

/** The blob's header; a non-image or a corrupt header names the image and the blob. */
async function probeBlob(path: string, blob: ImageBlob): Promise<ProbedImage> {
  try {
    return (await probeImage({
      path,
      image: blob.image,
      fileName: blob.image,
      explicit: true,
      uri: path,
    }))!;
  } catch (e) {
    if (e instanceof ImageFileError)
      throw new ImageFileError(
        `image '${blob.image}' (blob ${blob.sha256})`,
        String(e.data['why']),
      );
    throw e;
  }
}

function defaultFileName(image: string, mediaType: string): string {
  return image + (EXTENSION_BY_MEDIA_TYPE[mediaType] ?? '');
}

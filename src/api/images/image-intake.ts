/**
 * Reading one image file for `add images` (layer: api): probe its header, then hash all of it
 * and, in blob mode, store it.
 *
 * - `probeImage` reads only the first `IMAGE_HEAD_BYTES` (more only for a JPEG whose frame
 *   header lies further): a whole folder is checked for non-images and corrupt headers before
 *   any blob is written.
 * - `readImage` hashes the whole file and reads its header again from the same bytes, so the
 *   recorded size, type and hash all describe one version of the file. Files up to
 *   `WHOLE_FILE_MAX` are read into memory once (hash, header and blob write share the buffer);
 *   larger ones are streamed (their header is the probe's), and their blob write re-hashes and
 *   must agree.
 */
import { createHash, webcrypto } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import { isVersoError } from '../../core/errors.js';
import { InputFileError } from '../../io/io-errors.js';
import { ImageFileError } from './image-errors.js';
import { hashToHex, type ChunkHash } from '../../core/hash.js';
import {
  IMAGE_HEAD_BYTES,
  readImageHeader,
  SUPPORTED_MEDIA_TYPES,
  type ImageHeader,
} from '../../dataset/image-header.js';
import type { ImageSource } from './image-sources.js';
import { BlobHashMismatchError, type BlobStore } from '../../store/blob-store.js';

/** Files up to this size are read into memory whole (images are rarely larger). */
const WHOLE_FILE_MAX = 64 * 1024 * 1024;

export interface ProbedImage {
  readonly source: ImageSource;
  readonly size: number;
  readonly header: ImageHeader;
}

export interface ReadImage extends ProbedImage {
  readonly sha256: ChunkHash;
  /** The bytes, when the file was small enough to hold (see `WHOLE_FILE_MAX`). */
  readonly bytes?: Uint8Array;
}

/** The probed image, or undefined for a non-image found in a folder (an error if named). */
export function probeImage(source: ImageSource): Promise<ProbedImage | undefined> {
  return readingFile(source.path, () => probe(source));
}

async function probe(source: ImageSource): Promise<ProbedImage | undefined> {
  const file = await open(source.path, 'r');
  let head: Uint8Array;
  let size: number;
  try {
    size = (await file.stat()).size;
    head = new Uint8Array(Math.min(size, IMAGE_HEAD_BYTES));
    await file.read(head, 0, head.length, 0);
  } finally {
    await file.close();
  }
  let r = readImageHeader(head, head.length === size);
  if (r.kind === 'need-more') r = readImageHeader(await readFile(source.path));
  if (r.kind === 'corrupt') throw new ImageFileError(source.path, r.why);
  if (r.kind === 'not-image') {
    if (!source.explicit) return undefined;
    throw new ImageFileError(
      source.path,
      `not a supported image (expected one of ${SUPPORTED_MEDIA_TYPES.join(', ')})`,
    );
  }
  return { source, size, header: r.header };
}

/** Hashes the whole file and reads its header from the same bytes. */
export function readImage(probed: ProbedImage): Promise<ReadImage> {
  return readingFile(probed.source.path, () => read(probed));
}

async function read(probed: ProbedImage): Promise<ReadImage> {
  const { source } = probed;
  if (probed.size <= WHOLE_FILE_MAX) {
    const bytes = await readFile(source.path);
    const sha256 = await sha256HexOffThread(bytes);
    return { source, size: bytes.length, sha256, header: header(source, bytes), bytes };
  }
  const { sha256, size } = await hashFile(source.path);
  return { ...probed, size, sha256 };
}

/** Writes the image's bytes to the blob store (the caller knows they are not there yet). */
export async function storeImage(blobs: BlobStore, image: ReadImage): Promise<void> {
  try {
    if (image.bytes) await blobs.put(image.bytes, image.sha256);
    else await blobs.putStream(createReadStream(image.source.path), image.sha256);
  } catch (e) {
    // The store refused the bytes under the hash read earlier, so nothing is left behind.
    if (e instanceof BlobHashMismatchError) throw changedWhileRead(image.source);
    throw e;
  }
}

function header(source: ImageSource, bytes: Uint8Array): ImageHeader {
  const r = readImageHeader(bytes);
  if (r.kind === 'image') return r.header;
  if (r.kind === 'corrupt') throw new ImageFileError(source.path, r.why);
  throw changedWhileRead(source);
}

/** Runs `fn`, turning a failure to read `path` (gone, no permission) into `InputFileError`. */
async function readingFile<T>(path: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (isVersoError(e)) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputFileError(path, code === 'ENOENT' ? 'no such file' : (e as Error).message, e);
  }
}

function changedWhileRead(source: ImageSource): ImageFileError {
  return new ImageFileError(source.path, 'the file changed while it was being added; retry');
}

/**
 * SHA-256 on the libuv thread pool (WebCrypto digests run there): hashing gigabytes of images
 * then overlaps with the main thread's work instead of blocking it.
 */
export async function sha256HexOffThread(bytes: Uint8Array): Promise<ChunkHash> {
  return hashToHex(new Uint8Array(await webcrypto.subtle.digest('SHA-256', bytes)));
}

/** SHA-256 and size of a large file, streamed. */
export async function hashFile(path: string): Promise<{ sha256: ChunkHash; size: number }> {
  const hasher = createHash('sha256');
  let size = 0;
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    hasher.update(chunk);
    size += chunk.length;
  }
  return { sha256: hasher.digest('hex') as ChunkHash, size };
}

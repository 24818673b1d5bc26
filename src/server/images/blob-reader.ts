/**
 * Reading a stored blob for an HTTP answer (layer: server): its size, its media type sniffed
 * from its first bytes, and a stream of any byte range of it.
 *
 * A blob store that keeps local files (the embedded `FsBlobStore`) is read in place: a stat, a
 * 16-byte read for the type, and a file stream of just the range asked for, so a range request
 * on a large blob reads only that range. A store without local files (an object store) is read
 * whole through `get` and sliced.
 *
 * The media type comes from the bytes, not from any name: JPEG, PNG, WebP and GIF by their
 * signatures, anything else `application/octet-stream` (a browser then never sniffs an uploaded
 * blob into HTML; `X-Content-Type-Options: nosniff` is sent with it).
 */
import { createReadStream } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import type { Repository } from '../../api/repository/index.js';
import type { ChunkHash } from '../../core/hash.js';

type BlobStore = Repository['blobs'];

export interface OpenBlob {
  readonly size: number;
  readonly mediaType: string;
  /** The bytes from `start` to `end` inclusive (default: all). */
  stream(start?: number, end?: number): Readable;
  /** A path to read the whole blob from, when the store keeps a local file. */
  readonly localPath: string | undefined;
  /** The whole blob, read once (for a store without local files; `localPath` otherwise). */
  bytes(): Promise<Uint8Array>;
}

const SNIFF_BYTES = 16;

/** The stored blob, or undefined when the store does not hold it. */
export async function openBlob(blobs: BlobStore, sha256: ChunkHash): Promise<OpenBlob | undefined> {
  const path = await blobs.localPath(sha256);
  if (path !== undefined) return openLocal(path);
  const bytes = await blobs.get(sha256);
  if (bytes === undefined) return undefined;
  return {
    size: bytes.byteLength,
    mediaType: sniffMediaType(bytes),
    localPath: undefined,
    stream: (start = 0, end = bytes.byteLength - 1) =>
      Readable.from([Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start + 1)]),
    bytes: async () => bytes,
  };
}

async function openLocal(path: string): Promise<OpenBlob> {
  const file = await open(path, 'r');
  let size: number;
  const head = Buffer.alloc(SNIFF_BYTES);
  let headLength: number;
  try {
    size = (await file.stat()).size;
    headLength = (await file.read(head, 0, SNIFF_BYTES, 0)).bytesRead;
  } finally {
    await file.close();
  }
  return {
    size,
    mediaType: sniffMediaType(head.subarray(0, headLength)),
    localPath: path,
    stream: (start = 0, end = size - 1) =>
      size === 0 ? Readable.from([]) : createReadStream(path, { start, end }),
    bytes: () => readFile(path),
  };
}

const startsWith = (b: Uint8Array, bytes: readonly number[], at = 0) =>
  b.length >= at + bytes.length && bytes.every((x, i) => b[at + i] === x);
const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));

/** The media type of bytes that start with `head`: a supported image type or octet-stream. */
export function sniffMediaType(head: Uint8Array): string {
  if (startsWith(head, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (startsWith(head, ascii('RIFF')) && startsWith(head, ascii('WEBP'), 8)) return 'image/webp';
  if (startsWith(head, ascii('GIF87a')) || startsWith(head, ascii('GIF89a'))) return 'image/gif';
  return 'application/octet-stream';
}

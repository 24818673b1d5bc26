/**
 * A blob upload (layer: server): the request body streamed into the blob store under the hash
 * the URL claims, held to the upload limit.
 *
 * The store hashes the bytes as they arrive and installs them only when they hash to the claim
 * (`BLOB_HASH_MISMATCH` otherwise); a body that passes `limit` bytes fails the stream
 * (`BODY_TOO_LARGE`, 413). Either way the store removes its temporary file: nothing is stored.
 * A declared `Content-Length` over the limit is refused before a byte is read.
 */
import type { Repository } from '../../api/repository/index.js';
import type { ChunkHash } from '../../core/hash.js';
import { HttpRefusal } from '../http-errors.js';

export interface UploadedBlob {
  readonly sha256: string;
  readonly size: number;
  /** False when the store held the blob already (the upload stored nothing new). */
  readonly created: boolean;
}

export async function storeUploadedBlob(
  blobs: Repository['blobs'],
  sha256: ChunkHash,
  body: AsyncIterable<Uint8Array>,
  opts: { readonly limit: number; readonly declaredLength?: number },
): Promise<UploadedBlob> {
  if ((opts.declaredLength ?? 0) > opts.limit) throw tooLarge(opts.limit);
  const existed = await blobs.has(sha256);
  const stored = await blobs.putStream(limited(body, opts.limit), sha256);
  return { sha256: stored.hash, size: stored.size, created: !existed };
}

/** The body's chunks, failing once they pass `limit` bytes. */
async function* limited(
  body: AsyncIterable<Uint8Array>,
  limit: number,
): AsyncGenerator<Uint8Array> {
  let size = 0;
  for await (const chunk of body) {
    size += chunk.byteLength;
    if (size > limit) throw tooLarge(limit);
    yield chunk;
  }
}

function tooLarge(limit: number): HttpRefusal {
  return new HttpRefusal('BODY_TOO_LARGE', 413, `the blob is larger than ${limit} bytes`, {
    limit,
  });
}

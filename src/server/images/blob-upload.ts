/**
 * A blob upload (layer: server): the request body streamed into the blob store under the hash
 * the URL claims, held to the upload limit.
 *
 * The store hashes the bytes as they arrive and installs them only when they hash to the claim
 * (`BLOB_HASH_MISMATCH` otherwise); a body that passes `limit` bytes fails the stream
 * (`BODY_TOO_LARGE`, 413). Either way the store removes its temporary file: nothing is stored.
 * A declared `Content-Length` over the limit is refused before a byte is read.
 *
 * Uploading a blob the store already holds (a client re-sending a dataset) writes nothing: the
 * body is only hashed, and still refused when it hashes to something else, so a 200 always
 * means "the server holds exactly these bytes".
 */
import { createHash } from 'node:crypto';
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
  if (await blobs.has(sha256)) {
    const size = await checkHash(limited(body, opts.limit), sha256);
    return { sha256, size, created: false };
  }
  const stored = await blobs.putStream(limited(body, opts.limit), sha256);
  return { sha256: stored.hash, size: stored.size, created: true };
}

/** The body's size, once it is known to hash to `expected` (the store's refusal otherwise). */
async function checkHash(body: AsyncIterable<Uint8Array>, expected: string): Promise<number> {
  const hasher = createHash('sha256');
  let size = 0;
  for await (const chunk of body) {
    hasher.update(chunk);
    size += chunk.byteLength;
  }
  const actual = hasher.digest('hex');
  if (actual !== expected)
    throw new HttpRefusal(
      'BLOB_HASH_MISMATCH',
      400,
      `blob content does not match its claimed hash: expected sha256 ${expected}, ` +
        `the ${size} bytes hash to ${actual}; nothing was stored`,
      { expected, actual, size },
    );
  return size;
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

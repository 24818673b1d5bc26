/**
 * S3BlobStore: image/video bytes as objects on an S3-compatible store, keyed by their SHA-256
 * (layer: store).
 *
 * Layout: `PREFIX/blobs/<64 lowercase hex>`, one object per blob. An object only ever appears
 * complete (S3 PUTs and completed multipart uploads are atomic), so a failed or refused write
 * stores nothing.
 *
 * Writes: the store hashes the bytes itself. `put` hashes the buffer; `putStream` streams the
 * source into a temp file under `scratchDir` while hashing (memory stays bounded by one input
 * piece), so a stream is checked against `expected` before anything is uploaded. Then HEAD: a
 * blob already stored is not uploaded again (content addressing makes puts idempotent, and two
 * writers racing on the same bytes both write the same object). Blobs up to 16 MiB are one PUT;
 * larger ones a multipart upload (`@aws-sdk/lib-storage`, 8 MiB parts, 4 at a time), aborted on
 * failure. The temp file is removed in every case.
 *
 * Reads: `get` is one GET, `has` one HEAD. `localPath` is always `undefined`: the store keeps
 * no local copy (callers fall back to `get`, see `blob-store.ts`), so a server's disk never
 * fills with a second copy of the bucket. `presignedGetUrl` gives a time-limited URL for
 * clients that read image bytes straight from the object store.
 * S3 failures (after the SDK's retries) are `ObjectStoreError` naming the bucket and key.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { InvalidArgumentError } from '../../core/errors.js';
import { isChunkHash, sha256Hex } from '../../core/hash.js';
import type { ChunkHash } from '../../core/hash.js';
import { BlobHashMismatchError } from '../blob-store.js';
import type { BlobStore, StoredBlob } from '../blob-store.js';
import { ObjectStoreError } from './s3-errors.js';
import { keyUnder } from './s3-location.js';
import type { S3Location } from './s3-location.js';
import { S3Objects } from './s3-objects.js';
import type { S3RequestCounts } from './s3-objects.js';

const MiB = 1 << 20;
/** Blobs above this are uploaded in parts. */
const SINGLE_PUT_BYTES = 16 * MiB;
const PART_BYTES = 8 * MiB;
const PART_CONCURRENCY = 4;
/** Default lifetime of a presigned URL (1 h). */
const DEFAULT_URL_SECONDS = 3600;

export interface S3BlobStoreOptions {
  readonly client: S3Client;
  readonly location: S3Location;
  /** Local folder for stream uploads' temp files (created if missing). */
  readonly scratchDir: string;
}

export class S3BlobStore implements BlobStore {
  private readonly objects: S3Objects;
  private readonly location: S3Location;
  private readonly scratchDir: string;
  /** Multipart uploads started (for tests and benchmarks). */
  multipartUploads = 0;

  constructor(options: S3BlobStoreOptions) {
    this.objects = new S3Objects(options.client, options.location.bucket);
    this.location = options.location;
    this.scratchDir = options.scratchDir;
  }

  /** S3 requests made so far, by kind (multipart uploads not included). */
  requestCounts(): S3RequestCounts {
    return { ...this.objects.counts };
  }

  async put(bytes: Uint8Array, expected?: ChunkHash): Promise<StoredBlob> {
    if (expected !== undefined) this.keyOf(expected); // a malformed claim: InvalidArgumentError
    const hash = sha256Hex(bytes);
    if (expected !== undefined && hash !== expected)
      throw new BlobHashMismatchError(expected, hash, bytes.byteLength);
    const key = this.keyOf(hash);
    if ((await this.objects.head(key)) === undefined) {
      if (bytes.byteLength <= SINGLE_PUT_BYTES) await this.objects.put(key, bytes.slice());
      else await this.uploadInParts(key, Buffer.from(bytes));
    }
    return { hash, size: bytes.byteLength };
  }

  async putStream(source: AsyncIterable<Uint8Array>, expected?: ChunkHash): Promise<StoredBlob> {
    if (expected !== undefined) this.keyOf(expected);
    await mkdir(this.scratchDir, { recursive: true });
    const tmpPath = join(
      this.scratchDir,
      `s3-upload-${process.pid}-${randomBytes(8).toString('hex')}`,
    );
    try {
      const { hash, size } = await spool(source, tmpPath);
      if (expected !== undefined && hash !== expected)
        throw new BlobHashMismatchError(expected, hash, size);
      const key = this.keyOf(hash);
      if ((await this.objects.head(key)) !== undefined) return { hash, size };
      if (size > SINGLE_PUT_BYTES) await this.uploadInParts(key, createReadStream(tmpPath));
      else {
        const file = await open(tmpPath, 'r');
        try {
          await this.objects.put(key, await file.readFile());
        } finally {
          await file.close();
        }
      }
      return { hash, size };
    } finally {
      await unlink(tmpPath).catch(() => undefined);
    }
  }

  async get(hash: ChunkHash): Promise<Uint8Array | undefined> {
    return this.objects.get(this.keyOf(hash));
  }

  async has(hash: ChunkHash): Promise<boolean> {
    return (await this.objects.head(this.keyOf(hash))) !== undefined;
  }

  /** Always undefined (no local copies; see the module header), after checking the key. */
  async localPath(hash: ChunkHash): Promise<string | undefined> {
    this.keyOf(hash);
    return undefined;
  }

  /**
   * A URL that GETs the blob straight from the object store for `expiresInSeconds` (default
   * 1 h), signed with this client's credentials; undefined when the blob is absent.
   */
  async presignedGetUrl(
    hash: ChunkHash,
    expiresInSeconds = DEFAULT_URL_SECONDS,
  ): Promise<string | undefined> {
    const key = this.keyOf(hash);
    if ((await this.objects.head(key)) === undefined) return undefined;
    const command = new GetObjectCommand({ Bucket: this.location.bucket, Key: key });
    try {
      return await getSignedUrl(this.objects.client, command, { expiresIn: expiresInSeconds });
    } catch (error) {
      throw new ObjectStoreError('presign GET', this.location.bucket, key, error);
    }
  }

  /** `PREFIX/blobs/<hash>`; refuses anything but 64 lowercase hex so no key can escape. */
  private keyOf(hash: ChunkHash): string {
    if (!isChunkHash(hash))
      throw new InvalidArgumentError('blob hash', hash, 'expected 64 lowercase hex chars');
    return keyUnder(this.location, `blobs/${hash}`);
  }

  private async uploadInParts(key: string, body: Buffer | NodeJS.ReadableStream): Promise<void> {
    this.multipartUploads++;
    const upload = new Upload({
      client: this.objects.client,
      params: { Bucket: this.location.bucket, Key: key, Body: body as Buffer },
      partSize: PART_BYTES,
      queueSize: PART_CONCURRENCY,
      leavePartsOnError: false,
    });
    try {
      await upload.done();
    } catch (error) {
      throw new ObjectStoreError('multipart upload', this.location.bucket, key, error);
    }
  }
}

/** Writes `source` to `path`, hashing as it goes; returns the hash and size. */
async function spool(source: AsyncIterable<Uint8Array>, path: string): Promise<StoredBlob> {
  const file = await open(path, 'wx');
  const hasher = createHash('sha256');
  let size = 0;
  try {
    for await (const piece of source) {
      hasher.update(piece);
      for (let offset = 0; offset < piece.byteLength;)
        offset += (await file.write(piece, offset, piece.byteLength - offset)).bytesWritten;
      size += piece.byteLength;
    }
  } finally {
    await file.close();
  }
  return { hash: hasher.digest('hex') as ChunkHash, size };
}

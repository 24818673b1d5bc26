/**
 * FsBlobStore: image/video bytes as files in a folder, named by their SHA-256 (layer: store).
 *
 * Layout: `dir/ab/cd/abcd…` (64 hex chars), sharded by the first two and next two hex chars so
 * no folder holds more than a few thousand entries even at tens of millions of blobs.
 *
 * Invariants:
 * - A blob's final path only ever holds its complete, fsynced bytes: every write goes to a
 *   unique file in `dir/tmp/`, is fsynced, and is then renamed into place (rename is atomic on
 *   one file system; the shard folder is fsynced afterwards so the rename itself is durable).
 * - Content addressing makes writes idempotent: if the final path exists, the new copy is
 *   dropped. Two writers racing on the same bytes both succeed and leave one file.
 * - `putStream` hashes while it writes and never holds more than one input chunk.
 * Temp files left by a crash are inert (never read); cleaning `dir/tmp/` is gc's business.
 * A full disk is `DiskFullError` (`core/disk-full.ts`), with the temp file removed.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { asDiskFull } from '../../io/disk-full.js';
import { InvalidArgumentError } from '../../core/errors.js';
import { isChunkHash, sha256Hex } from '../../core/hash.js';
import type { ChunkHash } from '../../core/hash.js';
import { BlobHashMismatchError } from '../blob-store.js';
import type { BlobStore, StoredBlob } from '../blob-store.js';

const TMP_DIR = 'tmp';

interface TempBlob extends StoredBlob {
  readonly tmpPath: string;
}

export class FsBlobStore implements BlobStore {
  constructor(private readonly dir: string) {}

  async put(bytes: Uint8Array, expected?: ChunkHash): Promise<StoredBlob> {
    if (expected !== undefined) this.pathOf(expected); // a malformed claim: InvalidArgumentError
    const hash = sha256Hex(bytes);
    if (expected !== undefined && hash !== expected)
      throw new BlobHashMismatchError(expected, hash, bytes.byteLength);
    if (await this.has(hash)) return { hash, size: bytes.byteLength };
    return this.writing(async () => this.install(await this.writeTemp([bytes]), expected));
  }

  async putStream(source: AsyncIterable<Uint8Array>, expected?: ChunkHash): Promise<StoredBlob> {
    if (expected !== undefined) this.pathOf(expected);
    return this.writing(async () => this.install(await this.writeTemp(source), expected));
  }

  /** Runs a write; a full disk is `DiskFullError` (the temp file is already removed). */
  private async writing<T>(write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (error) {
      throw asDiskFull(error, `the blob store ${this.dir}`, this.dir) ?? error;
    }
  }

  async get(hash: ChunkHash): Promise<Uint8Array | undefined> {
    try {
      const bytes = await readFile(this.pathOf(hash));
      return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  async has(hash: ChunkHash): Promise<boolean> {
    try {
      return (await stat(this.pathOf(hash))).isFile();
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  }

  async localPath(hash: ChunkHash): Promise<string | undefined> {
    return (await this.has(hash)) ? this.pathOf(hash) : undefined;
  }

  /** `dir/ab/cd/<hash>`; refuses anything but 64 lowercase hex so no path can escape `dir`. */
  private pathOf(hash: ChunkHash): string {
    if (!isChunkHash(hash))
      throw new InvalidArgumentError('blob hash', hash, 'expected 64 lowercase hex chars');
    return join(this.dir, hash.slice(0, 2), hash.slice(2, 4), hash);
  }

  /** Streams `source` into a fresh temp file, hashing as it goes; fsyncs; removes it on failure. */
  private async writeTemp(
    source: Iterable<Uint8Array> | AsyncIterable<Uint8Array>,
  ): Promise<TempBlob> {
    await mkdir(join(this.dir, TMP_DIR), { recursive: true });
    const tmpPath = join(this.dir, TMP_DIR, `${process.pid}-${randomBytes(8).toString('hex')}`);
    const file = await open(tmpPath, 'wx');
    const hasher = createHash('sha256');
    let size = 0;
    try {
      for await (const chunk of source) {
        hasher.update(chunk);
        for (let offset = 0; offset < chunk.byteLength;) {
          offset += (await file.write(chunk, offset, chunk.byteLength - offset)).bytesWritten;
        }
        size += chunk.byteLength;
      }
      await file.sync();
    } catch (error) {
      await file.close();
      await unlink(tmpPath).catch(() => undefined);
      throw error;
    }
    await file.close();
    return { tmpPath, hash: hasher.digest('hex') as ChunkHash, size };
  }

  /**
   * Renames a temp blob to its final path, or drops it if that path already holds the blob or
   * its hash is not `expected` (then refused: nothing is stored).
   */
  private async install(blob: TempBlob, expected: ChunkHash | undefined): Promise<StoredBlob> {
    const { tmpPath, hash, size } = blob;
    if (expected !== undefined && hash !== expected) {
      await unlink(tmpPath);
      throw new BlobHashMismatchError(expected, hash, size);
    }
    const finalPath = this.pathOf(hash);
    if (await this.has(hash)) {
      await unlink(tmpPath);
    } else {
      const shard = join(this.dir, hash.slice(0, 2), hash.slice(2, 4));
      await mkdir(shard, { recursive: true });
      await rename(tmpPath, finalPath);
      await fsyncDir(shard);
    }
    return { hash, size };
  }
}

async function fsyncDir(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } catch (error) {
    // Some platforms (Windows) cannot fsync a folder; the rename is then as durable as they allow.
    if (!hasCode(error, 'EPERM') && !hasCode(error, 'EISDIR') && !hasCode(error, 'EINVAL'))
      throw error;
  } finally {
    await handle.close();
  }
}

function isNotFound(error: unknown): boolean {
  return hasCode(error, 'ENOENT') || hasCode(error, 'ENOTDIR');
}

function hasCode(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === code;
}

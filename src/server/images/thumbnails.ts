/**
 * Thumbnails of stored images (layer: server): made once with sharp, then kept on disk by
 * content hash and size, `.verso/cache/thumbnails/<size>/<sha256>.webp` in the repository.
 *
 * - A thumbnail is the image scaled to fit a `size` x `size` square (never enlarged), as WebP.
 *   Its pixels are the image's pixels as stored: no EXIF rotation, so a label drawn in the
 *   stored pixel coordinates lands on it scaled by `thumbnail width / asset width`, the same
 *   factor on both axes (the asset record's `orientation` tells a viewer how to turn both).
 * - Only a few sizes exist (`THUMBNAIL_SIZES`): a cache keyed by any number a client sends
 *   could be filled without bound.
 * - A cached file is complete or absent: it is written to a unique temporary name in the same
 *   folder, fsynced, then renamed into place. Two servers on one repository may both make a
 *   thumbnail; the renames leave one whole file either way.
 * - Requests in this process for a thumbnail being made wait for that one run (a promise per
 *   file), so a gallery of one image asked for by many clients decodes it once.
 * - Bytes sharp cannot decode are `IMAGE_UNDECODABLE` (422); nothing is cached for them.
 * The cache is derived data: deleting the folder only costs regeneration.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import type { ChunkHash } from '../../core/hash.js';
import { HttpRefusal } from '../http-errors.js';
import type { OpenBlob } from './blob-reader.js';

export const THUMBNAIL_SIZES = [64, 128, 256, 512] as const;
export type ThumbnailSize = (typeof THUMBNAIL_SIZES)[number];
/** A gallery tile on a high-density screen. */
export const DEFAULT_THUMBNAIL_SIZE: ThumbnailSize = 256;

export const THUMBNAIL_MEDIA_TYPE = 'image/webp';

/** WebP quality: thumbnails are for recognising an image, not for measuring it. */
const QUALITY = 80;

export interface Thumbnail {
  readonly path: string;
  readonly size: number;
  /** Whether this call made it (false: it was cached, or another request made it). */
  readonly generated: boolean;
}

/** The thumbnail file of a blob under a repository's `.verso` folder. */
export function thumbnailPath(versoDir: string, sha256: ChunkHash, size: ThumbnailSize): string {
  return join(versoDir, 'cache', 'thumbnails', String(size), `${sha256}.webp`);
}

export class ThumbnailMaker {
  private readonly pending = new Map<string, Promise<Thumbnail>>();
  /** Thumbnails this maker decoded and wrote (for tests and metrics). */
  generatedCount = 0;

  /**
   * The cached thumbnail at `path`, made from the blob `source` opens if it is not there yet (a
   * cached thumbnail is served without opening the blob).
   */
  async thumbnail(
    path: string,
    size: ThumbnailSize,
    source: () => Promise<OpenBlob>,
  ): Promise<Thumbnail> {
    const cached = await fileSize(path);
    if (cached !== undefined) return { path, size: cached, generated: false };
    const running = this.pending.get(path);
    if (running) return { ...(await running), generated: false };
    const making = (async () => this.make(path, await source(), size))().finally(() =>
      this.pending.delete(path),
    );
    this.pending.set(path, making);
    return making;
  }

  private async make(path: string, blob: OpenBlob, size: ThumbnailSize): Promise<Thumbnail> {
    const input = blob.localPath ?? (await blob.bytes());
    const dir = join(path, '..');
    await mkdir(dir, { recursive: true });
    const tmp = join(dir, `.tmp-${process.pid}-${randomBytes(6).toString('hex')}.webp`);
    try {
      await sharp(input, { failOn: 'error' })
        .resize(size, size, { fit: 'inside', withoutEnlargement: true })
        .webp({ quality: QUALITY })
        .toFile(tmp)
        .catch((e: unknown) => {
          throw undecodable(e);
        });
      await fsyncFile(tmp);
      await rename(tmp, path);
    } catch (e) {
      await unlink(tmp).catch(() => undefined);
      throw e;
    }
    this.generatedCount++;
    return { path, size: (await fileSize(path)) ?? 0, generated: true };
  }
}

function undecodable(e: unknown): HttpRefusal {
  const why = (e instanceof Error ? e.message : String(e)).split('\n')[0];
  return new HttpRefusal(
    'IMAGE_UNDECODABLE',
    422,
    `the blob is not an image that can be decoded (${why}); thumbnails exist for JPEG, PNG, WebP, GIF, TIFF and AVIF images`,
  );
}

async function fileSize(path: string): Promise<number | undefined> {
  try {
    const s = await stat(path);
    return s.isFile() ? s.size : undefined;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

async function fsyncFile(path: string): Promise<void> {
  const handle = await open(path, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

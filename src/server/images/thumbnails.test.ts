/**
 * ThumbnailMaker: one decode per thumbnail however many ask at once, then the cached file;
 * undecodable bytes are refused and leave neither a thumbnail nor a temporary file.
 */
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import type { ChunkHash } from '../../core/hash.js';
import type { OpenBlob } from './blob-reader.js';
import { thumbnailPath, ThumbnailMaker } from './thumbnails.js';

const JPEG = join(
  import.meta.dirname,
  '../../../../shared/data/real/images/review_object_detection_metrics/data/database/images/2007_000549.jpg',
);
const HASH = 'a'.repeat(64) as ChunkHash;
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function versoDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'verso-thumbs-'));
  dirs.push(dir);
  return dir;
}

/** A blob read from a local file (what `openBlob` gives for the file store). */
function fileBlob(path: string): OpenBlob {
  return {
    size: statSync(path).size,
    mediaType: 'image/jpeg',
    localPath: path,
    stream: () => {
      throw new Error('thumbnails read the file, not the stream');
    },
    bytes: () => Promise.reject(new Error('thumbnails read the file when there is one')),
  };
}

describe('ThumbnailMaker', () => {
  it('decodes once for concurrent requests, then serves the cached file', async () => {
    const maker = new ThumbnailMaker();
    const path = thumbnailPath(versoDir(), HASH, 64);
    const all = await Promise.all(
      Array.from({ length: 8 }, () => maker.thumbnail(path, 64, async () => fileBlob(JPEG))),
    );
    expect(maker.generatedCount).toBe(1);
    expect(all.filter((t) => t.generated)).toHaveLength(1);
    const meta = await sharp(path).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['webp', 48, 64]);
    const again = await maker.thumbnail(path, 64, () =>
      Promise.reject(new Error('a cached thumbnail is served without its blob')),
    );
    expect([again.generated, maker.generatedCount, again.size]).toEqual([
      false,
      1,
      statSync(path).size,
    ]);
  });

  it('makes a thumbnail from bytes when the store keeps no local file', async () => {
    const maker = new ThumbnailMaker();
    const path = thumbnailPath(versoDir(), HASH, 128);
    const { readFile } = await import('node:fs/promises');
    const blob: OpenBlob = { ...fileBlob(JPEG), localPath: undefined, bytes: () => readFile(JPEG) };
    await maker.thumbnail(path, 128, async () => blob);
    expect((await sharp(path).metadata()).height).toBe(128);
  });

  it('refuses undecodable bytes with IMAGE_UNDECODABLE and leaves no file behind', async () => {
    const dir = versoDir();
    const junk = join(dir, 'junk');
    writeFileSync(junk, 'no image here');
    const maker = new ThumbnailMaker();
    const path = thumbnailPath(dir, HASH, 64);
    await expect(maker.thumbnail(path, 64, async () => fileBlob(junk))).rejects.toMatchObject({
      code: 'IMAGE_UNDECODABLE',
      status: 422,
    });
    expect(readdirSync(join(path, '..'))).toEqual([]);
    expect(maker.generatedCount).toBe(0);
  });
});

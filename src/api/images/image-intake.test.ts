/**
 * Storing an image file checks its bytes against the hash read when it was added: a file that
 * changed in between is refused as "changed while being added", and no blob of its new content
 * is left behind (the blob store refuses it under the old hash before storing anything).
 */
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FsBlobStore } from '../../store/fs/fs-blob-store.js';
import { ImageFileError } from './image-errors.js';
import { probeImage, readImage, storeImage, type ReadImage } from './image-intake.js';
import type { ImageSource } from './image-sources.js';

let dir: string;
beforeEach(() => void (dir = mkdtempSync(join(tmpdir(), 'verso-intake-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A 1x1 PNG whose last bytes (inside the image data's CRC region) vary with `variant`. */
function png(variant: number): Buffer {
  const head = Buffer.from(
    '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489',
    'hex',
  );
  return Buffer.concat([head, Buffer.from([variant, variant, variant, variant])]);
}

function filesUnder(root: string): string[] {
  if (!existsSync(root)) return [];
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => e.name);
}

async function readFrom(path: string, bytes: Buffer): Promise<ReadImage> {
  writeFileSync(path, bytes);
  const source: ImageSource = { path, fileName: 'a.png', image: 'a', explicit: true, uri: path };
  const probed = await probeImage(source);
  return readImage(probed!);
}

describe('storeImage', () => {
  it('stores the bytes it read under their hash', async () => {
    const blobs = new FsBlobStore(join(dir, 'blobs'));
    const image = await readFrom(join(dir, 'a.png'), png(1));
    await storeImage(blobs, image);
    expect(await blobs.has(image.sha256)).toBe(true);
  });

  for (const held of [true, false]) {
    it(`refuses a file that changed after it was read, leaving no blob (${held ? 'bytes held' : 'streamed from the file'})`, async () => {
      const blobs = new FsBlobStore(join(dir, 'blobs'));
      const path = join(dir, 'a.png');
      const read = await readFrom(path, png(1));
      // The file changes on disk after hashing; a streamed store reads the new bytes, and a held
      // store is given bytes that no longer match the hash (as if read at a different moment).
      writeFileSync(path, png(2));
      const image: ReadImage = held ? { ...read, bytes: png(2) } : { ...read, bytes: undefined };
      const failure = await storeImage(blobs, image).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(failure).toBeInstanceOf(ImageFileError);
      expect((failure as Error).message).toContain('changed while it was being added');
      expect(await blobs.has(read.sha256)).toBe(false);
      expect(filesUnder(join(dir, 'blobs')).filter((f) => !f.startsWith('.'))).toEqual([]);
    });
  }
});

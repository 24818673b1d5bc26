/**
 * Blob uploads: stored only under their own hash and within the limit; a refused upload leaves
 * no file in the store (not even a temporary one).
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../core/hash.js';
import { FsBlobStore } from '../../store/fs/fs-blob-store.js';
import { storeUploadedBlob } from './blob-upload.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function store(): { dir: string; blobs: FsBlobStore } {
  const dir = mkdtempSync(join(tmpdir(), 'verso-upload-'));
  dirs.push(dir);
  return { dir, blobs: new FsBlobStore(dir) };
}

const files = (dir: string) =>
  readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());

async function* pieces(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

describe('storeUploadedBlob', () => {
  const bytes = new Uint8Array(1000).map((_, i) => (i * 7) % 256);
  const hash = sha256Hex(bytes);

  it('stores within the limit, and says whether the blob was new', async () => {
    const { blobs } = store();
    const first = await storeUploadedBlob(blobs, hash, pieces(bytes, 64), { limit: 1000 });
    expect(first).toEqual({ sha256: hash, size: 1000, created: true });
    const again = await storeUploadedBlob(blobs, hash, pieces(bytes, 64), { limit: 1000 });
    expect(again.created).toBe(false);
    expect(await blobs.get(hash)).toEqual(bytes);
  });

  it('refuses a body over the limit, declared or streamed, and stores nothing', async () => {
    const { dir, blobs } = store();
    await expect(
      storeUploadedBlob(blobs, hash, pieces(bytes, 64), { limit: 999 }),
    ).rejects.toMatchObject({ code: 'BODY_TOO_LARGE', status: 413 });
    await expect(
      storeUploadedBlob(blobs, hash, pieces(bytes, 64), { limit: 999, declaredLength: 1000 }),
    ).rejects.toMatchObject({ code: 'BODY_TOO_LARGE' });
    expect(files(dir)).toEqual([]);
  });

  it('refuses bytes that hash to something else, and stores nothing', async () => {
    const { dir, blobs } = store();
    const other = sha256Hex(bytes.subarray(1));
    await expect(
      storeUploadedBlob(blobs, other, pieces(bytes, 100), { limit: 10_000 }),
    ).rejects.toMatchObject({ code: 'BLOB_HASH_MISMATCH' });
    expect(files(dir)).toEqual([]);
  });

  it('writes nothing for a blob already stored, and still refuses wrong bytes for it', async () => {
    const { dir, blobs } = store();
    await storeUploadedBlob(blobs, hash, pieces(bytes, 64), { limit: 1000 });
    const stored = files(dir).map((e) => join(e.parentPath, e.name));
    expect(stored).toHaveLength(1);
    const mtime = statSync(stored[0]!).mtimeMs;
    const wrong = bytes.map((b) => b ^ 1);
    await expect(
      storeUploadedBlob(blobs, hash, pieces(wrong, 64), { limit: 1000 }),
    ).rejects.toMatchObject({
      code: 'BLOB_HASH_MISMATCH',
      status: 400,
      data: { expected: hash, actual: sha256Hex(wrong), size: 1000 },
    });
    await expect(
      storeUploadedBlob(blobs, hash, pieces(bytes, 64), { limit: 999 }),
    ).rejects.toMatchObject({ code: 'BODY_TOO_LARGE' });
    const again = await storeUploadedBlob(blobs, hash, pieces(bytes, 64), { limit: 1000 });
    expect(again).toEqual({ sha256: hash, size: 1000, created: false });
    expect(files(dir)).toHaveLength(1);
    expect(statSync(stored[0]!).mtimeMs).toBe(mtime);
    expect(await blobs.get(hash)).toEqual(bytes);
  });
});

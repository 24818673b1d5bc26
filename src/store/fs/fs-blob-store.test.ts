/**
 * FsBlobStore: the BlobStore contract, plus what only this backend has: the sharded layout,
 * the temp-then-rename discipline (no temp file left, also after a refused or failed write)
 * and the local path of a stored blob.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../core/hash.js';
import { BlobHashMismatchError } from '../blob-store.js';
import { describeBlobStoreContract, inPieces } from '../blob-store.contract.js';
import type { BlobStoreHarness } from '../blob-store.contract.js';
import { pseudoRandomBytes } from '../chunk-store.contract.js';
import { FsBlobStore } from './fs-blob-store.js';

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)))
    .sort();
}

async function fsHarness(): Promise<BlobStoreHarness> {
  const dir = mkdtempSync(join(tmpdir(), 'verso-blobs-'));
  let store = new FsBlobStore(dir);
  return {
    get store() {
      return store;
    },
    async reopen() {
      store = new FsBlobStore(dir);
      return store;
    },
    async cleanup() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

describeBlobStoreContract('FsBlobStore', fsHarness);

describe('FsBlobStore', () => {
  let dir: string;
  let store: FsBlobStore;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'verso-blobs-'));
    store = new FsBlobStore(dir);
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('stores a blob once at dir/ab/cd/<hash> and returns its hash and size', async () => {
    const bytes = pseudoRandomBytes(5000, 1);
    const hash = sha256Hex(bytes);
    expect(await store.put(bytes)).toEqual({ hash, size: 5000 });
    expect(await store.put(bytes.slice())).toEqual({ hash, size: 5000 });
    expect(await store.putStream(inPieces(bytes, 999))).toEqual({ hash, size: 5000 });
    expect(filesUnder(dir)).toEqual([join(hash.slice(0, 2), hash.slice(2, 4), hash)]);
  });

  it('leaves no temp files behind, also when the stream fails or its hash is refused', async () => {
    await store.put(pseudoRandomBytes(100, 3));
    await store.putStream(inPieces(pseudoRandomBytes(100, 4), 7));
    async function* failing(): AsyncIterable<Uint8Array> {
      yield new Uint8Array([1, 2, 3]);
      throw new Error('source broke');
    }
    await expect(store.putStream(failing())).rejects.toThrow('source broke');
    const wrong = sha256Hex(new Uint8Array([9]));
    await expect(
      store.putStream(inPieces(pseudoRandomBytes(100, 5), 7), wrong),
    ).rejects.toBeInstanceOf(BlobHashMismatchError);
    expect(readdirSync(join(dir, 'tmp'))).toEqual([]);
    expect(filesUnder(dir)).toHaveLength(2);
  });

  it('gives the local path of a stored blob: its file in the sharded layout', async () => {
    const { hash } = await store.put(pseudoRandomBytes(700, 5));
    expect(await store.localPath(hash)).toBe(join(dir, hash.slice(0, 2), hash.slice(2, 4), hash));
  });
});

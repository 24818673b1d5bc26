/**
 * FsBlobStore: dedupe, streaming, the sharded layout, the temp-then-rename discipline and the
 * local path of a stored blob.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../core/errors.js';
import { sha256Hex } from '../../core/hash.js';
import type { ChunkHash } from '../../core/hash.js';
import { pseudoRandomBytes } from '../chunk-store.contract.js';
import { FsBlobStore } from './fs-blob-store.js';

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)))
    .sort();
}

async function* inPieces(bytes: Uint8Array, size: number): AsyncIterable<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

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

  it('putStream of many pieces equals put of their concatenation', async () => {
    const bytes = pseudoRandomBytes(3 * 65536 + 17, 2);
    const streamed = await store.putStream(inPieces(bytes, 4096));
    expect(streamed).toEqual({ hash: sha256Hex(bytes), size: bytes.length });
    expect(Buffer.from((await store.get(streamed.hash)) ?? []).equals(Buffer.from(bytes))).toBe(
      true,
    );
    expect(await store.put(bytes)).toEqual(streamed);
  });

  it('leaves no temp files behind, also when the stream fails', async () => {
    await store.put(pseudoRandomBytes(100, 3));
    await store.putStream(inPieces(pseudoRandomBytes(100, 4), 7));
    async function* failing(): AsyncIterable<Uint8Array> {
      yield new Uint8Array([1, 2, 3]);
      throw new Error('source broke');
    }
    await expect(store.putStream(failing())).rejects.toThrow('source broke');
    expect(readdirSync(join(dir, 'tmp'))).toEqual([]);
    expect(filesUnder(dir)).toHaveLength(2);
  });

  it('answers has/get for present and absent blobs, and empty blobs', async () => {
    const { hash } = await store.put(new Uint8Array([5, 6]));
    expect(await store.has(hash)).toBe(true);
    expect(Array.from((await store.get(hash)) ?? [])).toEqual([5, 6]);
    const absent = sha256Hex(new Uint8Array([0]));
    expect(await store.has(absent)).toBe(false);
    expect(await store.get(absent)).toBeUndefined();
    const empty = await store.putStream(inPieces(new Uint8Array(0), 1));
    expect(empty).toEqual({ hash: sha256Hex(new Uint8Array(0)), size: 0 });
    expect((await store.get(empty.hash))?.length).toBe(0);
  });

  it('gives the local path of a stored blob, undefined for an absent one', async () => {
    const bytes = pseudoRandomBytes(700, 5);
    const { hash } = await store.put(bytes);
    const path = await store.localPath(hash);
    expect(path).toBe(join(dir, hash.slice(0, 2), hash.slice(2, 4), hash));
    expect(Buffer.from(readFileSync(path!)).equals(Buffer.from(bytes))).toBe(true);
    expect(await store.localPath(sha256Hex(new Uint8Array([9])))).toBeUndefined();
    await expect(store.localPath('../x' as ChunkHash)).rejects.toBeInstanceOf(InvalidArgumentError);
  });

  it('refuses a malformed hash instead of building a path from it', async () => {
    await expect(store.get('../../etc/passwd' as ChunkHash)).rejects.toBeInstanceOf(
      InvalidArgumentError,
    );
  });
});

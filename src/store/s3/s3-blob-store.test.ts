/**
 * S3BlobStore against a real S3-protocol server (s3rver): the BlobStore contract, then what
 * only this backend has: the `blobs/<sha256>` layout, idempotent puts (HEAD first, nothing
 * uploaded twice), multipart upload of a large stream with bounded memory, no temp file left
 * behind, presigned GET URLs that a plain HTTP client can read, and S3 failures as
 * ObjectStoreError naming bucket and key.
 */
import { readdirSync } from 'node:fs';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../../core/hash.js';
import { describeBlobStoreContract, inPieces } from '../blob-store.contract.js';
import type { BlobStoreHarness } from '../blob-store.contract.js';
import { pseudoRandomBytes } from '../chunk-store.contract.js';
import { S3BlobStore } from './s3-blob-store.js';
import { ObjectStoreError } from './s3-errors.js';
import { TEST_BUCKET, useS3TestBed } from './testing.js';

const bed = useS3TestBed();

async function s3Harness(): Promise<BlobStoreHarness> {
  const client = bed.client();
  const options = { client, location: bed.freshLocation(), scratchDir: bed.tempDir() };
  let store = new S3BlobStore(options);
  return {
    get store() {
      return store;
    },
    async reopen() {
      store = new S3BlobStore(options);
      return store;
    },
    async cleanup() {
      client.destroy();
    },
  };
}

describeBlobStoreContract('S3BlobStore (s3rver)', s3Harness);

function freshStore() {
  const client = bed.client();
  const location = bed.freshLocation();
  const scratchDir = bed.tempDir();
  return { client, location, scratchDir, store: new S3BlobStore({ client, location, scratchDir }) };
}

describe('S3BlobStore', () => {
  it('keys a blob PREFIX/blobs/<sha256> and uploads the same bytes once', async () => {
    const { client, location, store } = freshStore();
    const bytes = pseudoRandomBytes(3000, 1);
    const hash = sha256Hex(bytes);
    await store.put(bytes);
    const puts = store.requestCounts().put;
    await store.put(bytes.slice());
    await store.putStream(inPieces(bytes, 100));
    expect(store.requestCounts().put).toBe(puts); // HEAD found it: nothing uploaded again
    const page = await client.send(
      new ListObjectsV2Command({ Bucket: TEST_BUCKET, Prefix: `${location.prefix}/` }),
    );
    expect((page.Contents ?? []).map((o) => o.Key)).toEqual([`${location.prefix}/blobs/${hash}`]);
  });

  it('uploads a large stream in parts, checked against its hash, leaving no temp file', async () => {
    const { store, scratchDir } = freshStore();
    const bytes = pseudoRandomBytes(17 * 1024 * 1024 + 5, 2);
    const hash = sha256Hex(bytes);
    expect(await store.putStream(inPieces(bytes, 1 << 20), hash)).toEqual({
      hash,
      size: bytes.length,
    });
    expect(store.multipartUploads).toBe(1);
    expect(Buffer.from((await store.get(hash))!).equals(Buffer.from(bytes))).toBe(true);
    expect(readdirSync(scratchDir)).toEqual([]);
    async function* failing(): AsyncIterable<Uint8Array> {
      yield bytes.subarray(0, 1000);
      throw new Error('source broke');
    }
    await expect(store.putStream(failing())).rejects.toThrow('source broke');
    const wrong = sha256Hex(new Uint8Array([1]));
    await expect(store.putStream(inPieces(bytes.subarray(0, 5000), 999), wrong)).rejects.toThrow(
      'does not match',
    );
    expect(readdirSync(scratchDir)).toEqual([]);
  });

  it('gives a presigned GET URL that reads the blob over plain HTTP, undefined when absent', async () => {
    const { store } = freshStore();
    const bytes = pseudoRandomBytes(1234, 3);
    const { hash } = await store.put(bytes);
    const url = await store.presignedGetUrl(hash, 60);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/verso-test\/.*X-Amz-Signature=/);
    const answer = await fetch(url!);
    expect(answer.status).toBe(200);
    expect(Buffer.from(await answer.arrayBuffer()).equals(Buffer.from(bytes))).toBe(true);
    expect(await store.presignedGetUrl(sha256Hex(new Uint8Array([5])))).toBeUndefined();
  });

  it('keeps no local copy: localPath is undefined for a stored blob', async () => {
    const { store } = freshStore();
    const { hash } = await store.put(pseudoRandomBytes(10, 4));
    expect(await store.localPath(hash)).toBeUndefined();
  });

  it('turns an S3 failure into ObjectStoreError naming bucket and key, without credentials', async () => {
    const client = bed.client({
      credentials: { accessKeyId: 'AKIAWRONGWRONGWRONG1', secretAccessKey: 'nope' },
    });
    const store = new S3BlobStore({
      client,
      location: bed.freshLocation(),
      scratchDir: bed.tempDir(),
    });
    const bytes = pseudoRandomBytes(10, 5);
    const error = await store.put(bytes).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ObjectStoreError);
    const message = (error as ObjectStoreError).message;
    expect(message).toContain(`s3://${TEST_BUCKET}/`);
    expect(message).toContain(`blobs/${sha256Hex(bytes)}`);
    expect(message).not.toContain('AKIAWRONGWRONGWRONG1');
    expect(message).not.toContain('nope');
    expect(message).toContain('failed: AccessDenied (HTTP 403)');
    expect((error as ObjectStoreError).data['s3Code']).toBe('AccessDenied');
  });
});

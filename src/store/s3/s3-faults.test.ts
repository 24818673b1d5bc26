/**
 * S3 failures against the S3 backends (real s3rver; faults injected in the SDK's middleware
 * stack, inside its retry loop): a few 503s, throttling answers or timeouts are retried with
 * backoff and the operation succeeds; a server that fails every request makes flush throw a
 * clear ObjectStoreError with nothing half-visible (never an index without its pack; a pack
 * without index is garbage, invisible and swept), and the store is consistent after reopen.
 */
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { sha256 } from '../../core/hash.js';
import { pseudoRandomBytes } from '../chunk-store.contract.js';
import { S3BlobStore } from './s3-blob-store.js';
import { ObjectStoreError } from './s3-errors.js';
import type { S3Location } from './s3-location.js';
import { S3PackChunkStore } from './s3-pack-chunk-store.js';
import { injectFaults, TEST_BUCKET, useS3TestBed } from './testing.js';
import type { FaultKind, FaultPlan } from './testing.js';

const bed = useS3TestBed();

function faultyClient(plan: FaultPlan): S3Client {
  const client = bed.client({ maxAttempts: 5 });
  injectFaults(client, plan);
  return client;
}

async function keysUnder(location: S3Location): Promise<string[]> {
  const client = bed.client();
  const page = await client.send(
    new ListObjectsV2Command({ Bucket: TEST_BUCKET, Prefix: `${location.prefix}/packs/` }),
  );
  client.destroy();
  return (page.Contents ?? []).map((o) => o.Key!.slice(location.prefix.length + 7)).sort();
}

function chunks(n: number, seed: number): { hash: Uint8Array; bytes: Uint8Array }[] {
  return Array.from({ length: n }, (_, i) => {
    const bytes = pseudoRandomBytes(700, seed + i);
    return { hash: sha256(bytes), bytes };
  });
}

describe('S3 backends under failing requests', () => {
  for (const kind of ['503', 'throttle', 'timeout'] as FaultKind[]) {
    it(`retries ${kind} failures and succeeds (open, flush, get, getMany, delete)`, async () => {
      const location = bed.freshLocation();
      const plan: FaultPlan = { remaining: 0, kind, injected: 0 };
      const client = faultyClient(plan);
      const options = { client, location, cacheDir: bed.tempDir() };
      plan.remaining = 2; // HEAD marker, PUT marker or LIST fail first
      const store = await S3PackChunkStore.open({ ...options, create: true });
      const batch = chunks(10, 1);
      for (const c of batch) store.put(c.hash, c.bytes);
      plan.remaining = 2;
      await store.flush();
      const reader = await S3PackChunkStore.open({ ...options, cacheDir: bed.tempDir() });
      plan.remaining = 3;
      expect(Buffer.from((await reader.get(batch[0]!.hash))!)).toEqual(
        Buffer.from(batch[0]!.bytes),
      );
      const many = await reader.getMany(batch.map((c) => c.hash));
      expect(many.every((b, i) => Buffer.from(b!).equals(Buffer.from(batch[i]!.bytes)))).toBe(true);
      plan.remaining = 3;
      await reader.delete([batch[1]!.hash]);
      expect(await reader.has(batch[1]!.hash)).toBe(false);
      expect(plan.injected).toBe(10);
      await Promise.all([store.close(), reader.close()]);
      client.destroy();
    });
  }

  it('fails flush with a clear error when every request fails, leaving nothing visible', async () => {
    const location = bed.freshLocation();
    const plan: FaultPlan = { remaining: 0, kind: '503', injected: 0 };
    const client = faultyClient(plan);
    const options = { client, location, cacheDir: bed.tempDir() };
    const store = await S3PackChunkStore.open({ ...options, create: true });
    const batch = chunks(5, 20);
    for (const c of batch) store.put(c.hash, c.bytes);
    plan.remaining = Infinity;
    const error = await store.flush().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ObjectStoreError);
    expect((error as ObjectStoreError).message).toMatch(
      new RegExp(
        `^S3 PUT of s3://${TEST_BUCKET}/${location.prefix}/packs/t/[0-9a-f]{28}\\.pack failed: ServiceUnavailable \\(HTTP 503\\)`,
      ),
    );
    expect(plan.injected).toBe(5); // the SDK tried 5 times
    expect(await keysUnder(location)).toEqual([]);
    // The chunks stay staged: once S3 answers again, the same flush stores them.
    plan.remaining = 0;
    expect(await store.has(batch[0]!.hash)).toBe(true);
    await store.flush();
    const reopened = await S3PackChunkStore.open({ ...options, cacheDir: bed.tempDir() });
    for (const c of batch) expect(await reopened.has(c.hash)).toBe(true);
    await Promise.all([store.close(), reopened.close()]);
    client.destroy();
  });

  it('leaves only an invisible pack (no index) when the index upload fails; sweep removes it', async () => {
    const location = bed.freshLocation();
    const plan: FaultPlan = { remaining: 0, kind: 'timeout', injected: 0, methods: ['PUT'] };
    const client = faultyClient(plan);
    const options = { client, location, cacheDir: bed.tempDir() };
    const store = await S3PackChunkStore.open({ ...options, create: true });
    const batch = chunks(5, 40);
    for (const c of batch) store.put(c.hash, c.bytes);
    Object.assign(plan, { passFirst: 1, remaining: Infinity }); // the pack PUT passes, the idx PUT never
    await expect(store.flush()).rejects.toBeInstanceOf(ObjectStoreError);
    plan.remaining = 0;
    const keys = await keysUnder(location);
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatch(/^t\/[0-9a-f]{28}\.pack$/);
    const other = await S3PackChunkStore.open({ ...options, cacheDir: bed.tempDir() });
    for (const c of batch) expect(await other.has(c.hash)).toBe(false); // garbage, never data
    expect(await other.sweepRetired(60_000)).toBe(0); // within the grace period: kept
    expect(await other.sweepRetired(0)).toBe(1);
    expect(await keysUnder(location)).toEqual([]);
    await store.flush(); // still staged; now it goes through
    for (const c of batch) expect(await other.has(c.hash)).toBe(true);
    await Promise.all([store.close(), other.close()]);
    client.destroy();
  });

  it('retries blob uploads and reads through 503s', async () => {
    const plan: FaultPlan = { remaining: 0, kind: '503', injected: 0 };
    const client = faultyClient(plan);
    const blobs = new S3BlobStore({
      client,
      location: bed.freshLocation(),
      scratchDir: bed.tempDir(),
    });
    const bytes = pseudoRandomBytes(5000, 60);
    plan.remaining = 3;
    const { hash } = await blobs.put(bytes);
    plan.remaining = 2;
    expect(Buffer.from((await blobs.get(hash))!)).toEqual(Buffer.from(bytes));
    expect(plan.injected).toBe(5);
    client.destroy();
  });
});

/**
 * S3PackChunkStore against a real S3-protocol server (s3rver): the ChunkStore contract, then
 * what only this backend has: the object layout, two servers sharing one prefix (a chunk
 * flushed by one is read by the other through a re-list), the read cache, batched reads that
 * merge neighbouring records, damage reported as CorruptionError, gc's retired packs swept only
 * after the grace period, compaction, and a missing store refused.
 */
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { CorruptionError } from '../../core/errors.js';
import { hashToHex, sha256 } from '../../core/hash.js';
import { describeChunkStoreContract, pseudoRandomBytes } from '../chunk-store.contract.js';
import type { ChunkStoreHarness } from '../chunk-store.contract.js';
import { buildPack, parsePackIndex } from '../pack/pack-format.js';
import { ObjectStoreNotFoundError } from './s3-errors.js';
import { keyUnder } from './s3-location.js';
import type { S3Location } from './s3-location.js';
import { S3PackChunkStore } from './s3-pack-chunk-store.js';
import type { S3PackChunkStoreOptions } from './s3-pack-chunk-store.js';
import { TEST_BUCKET, useS3TestBed } from './testing.js';

const bed = useS3TestBed();

async function s3Harness(): Promise<ChunkStoreHarness> {
  const client = bed.client();
  const options = { client, location: bed.freshLocation(), cacheDir: bed.tempDir() };
  let store = await S3PackChunkStore.open({ ...options, create: true });
  return {
    get store() {
      return store;
    },
    async reopen() {
      await store.close();
      store = await S3PackChunkStore.open(options);
      return store;
    },
    async cleanup() {
      await store.close();
      client.destroy();
    },
  };
}

describeChunkStoreContract('S3PackChunkStore (s3rver)', s3Harness);

async function keysUnder(client: S3Client, location: S3Location): Promise<string[]> {
  const page = await client.send(
    new ListObjectsV2Command({ Bucket: location.bucket, Prefix: `${location.prefix}/` }),
  );
  return (page.Contents ?? []).map((o) => o.Key!.slice(location.prefix.length + 1)).sort();
}

async function openFresh(
  extra: Partial<S3PackChunkStoreOptions> = {},
): Promise<{ store: S3PackChunkStore; options: S3PackChunkStoreOptions; client: S3Client }> {
  const client = bed.client();
  const options: S3PackChunkStoreOptions = {
    client,
    location: bed.freshLocation(),
    cacheDir: bed.tempDir(),
    ...extra,
  };
  const store = await S3PackChunkStore.open({ ...options, create: true });
  return { store, options, client };
}

function putAll(store: S3PackChunkStore, chunks: readonly Uint8Array[]): Uint8Array[] {
  return chunks.map((bytes) => {
    const hash = sha256(bytes);
    store.put(hash, bytes);
    return hash;
  });
}

const chunksOf = (n: number, size: number, seed: number) =>
  Array.from({ length: n }, (_, i) => pseudoRandomBytes(size, seed + i));

describe('S3PackChunkStore', () => {
  it('writes one pack and then its index per flush, in the pack format', async () => {
    const { store, options, client } = await openFresh();
    const hashes = putAll(store, chunksOf(20, 500, 1));
    const before = store.requestCounts();
    await store.flush();
    const after = store.requestCounts();
    expect(after.put - before.put).toBe(2);
    const keys = await keysUnder(client, options.location);
    const ids = keys.filter((k) => k.endsWith('.idx')).map((k) => k.slice(8, 36));
    expect(ids).toHaveLength(1);
    expect(keys).toEqual([
      'packs/t/' + ids[0] + '.idx',
      'packs/t/' + ids[0] + '.pack',
      'verso-chunks.json',
    ]);
    // The id starts with the time it was written at (12 hex ms), then 16 random hex.
    expect(Math.abs(parseInt(ids[0]!.slice(0, 12), 16) - Date.now())).toBeLessThan(60_000);
    const idx = await client.send(
      new GetObjectCommand({ Bucket: TEST_BUCKET, Key: keyUnder(options.location, keys[0]!) }),
    );
    expect(parsePackIndex(await idx.Body!.transformToByteArray()).count).toBe(hashes.length);
    await store.close();
  });

  it('refuses to open a store that was never created, naming the location', async () => {
    const client = bed.client();
    const location = bed.freshLocation();
    const error = await S3PackChunkStore.open({ client, location, cacheDir: bed.tempDir() }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ObjectStoreNotFoundError);
    expect((error as Error).message).toContain(`s3://${TEST_BUCKET}/${location.prefix}`);
    expect(await keysUnder(client, location)).toEqual([]);
  });

  it('reads what another server flushed after it opened, through a re-list', async () => {
    const { store: writer, options } = await openFresh();
    const reader = await S3PackChunkStore.open({ ...options, cacheDir: bed.tempDir() });
    const chunks = chunksOf(5, 300, 10);
    const hashes = putAll(writer, chunks);
    await writer.flush();
    // The reader has never seen this pack: the miss re-lists and finds it.
    expect(Buffer.from((await reader.get(hashes[0]!))!)).toEqual(Buffer.from(chunks[0]!));
    expect(await reader.has(hashes[1]!)).toBe(true);
    const many = await reader.getMany(hashes);
    for (const [i, bytes] of many.entries())
      expect(Buffer.from(bytes!)).toEqual(Buffer.from(chunks[i]!));
    // And the writer reads what the reader writes.
    const [other] = putAll(reader, [pseudoRandomBytes(99, 77)]);
    await reader.flush();
    expect(await writer.has(other!)).toBe(true);
    await Promise.all([writer.close(), reader.close()]);
  });

  it('coalesces concurrent misses into few LISTs, at most one per interval', async () => {
    const { store } = await openFresh({ relistIntervalMs: 200 });
    const absent = Array.from({ length: 20 }, (_, i) => sha256(new Uint8Array([i, 1, 2])));
    const before = store.requestCounts().list;
    await Promise.all(absent.map((h) => store.has(h)));
    // One incremental re-list: recent packs and recent tombstones, two LISTs in parallel.
    expect(store.requestCounts().list - before).toBe(2);
    await store.close();
  });

  it('re-lists only what was written lately, and all of packs/ every fullListIntervalMs', async () => {
    const { store: writer, options } = await openFresh();
    for (let i = 0; i < 6; i++) {
      putAll(writer, chunksOf(2, 200, 300 + i * 2));
      await writer.flush();
    }
    const listing = { ...options, cacheDir: bed.tempDir(), clockSkewMs: 0 };
    const reader = await S3PackChunkStore.open(listing);
    const [late] = putAll(writer, chunksOf(1, 200, 399));
    await writer.flush();
    const before = reader.requestCounts();
    expect(await reader.has(late!)).toBe(true);
    const after = reader.requestCounts();
    // Two LISTs (recent packs, recent tombstones) that return the new pack and the newest one
    // seen before (same millisecond or later), not the 12 objects of the six older packs.
    expect(after.list - before.list).toBe(2);
    expect(after.listedKeys - before.listedKeys).toBeLessThanOrEqual(4);
    // With the full list due at every re-list, a miss lists everything again.
    const full = await S3PackChunkStore.open({ ...listing, fullListIntervalMs: 0 });
    const [later] = putAll(writer, chunksOf(1, 200, 398));
    await writer.flush();
    const f0 = full.requestCounts();
    expect(await full.has(later!)).toBe(true);
    expect(full.requestCounts().list - f0.list).toBe(1);
    expect(full.requestCounts().listedKeys - f0.listedKeys).toBe(16);
    await Promise.all([writer.close(), reader.close(), full.close()]);
  });

  it('finds a pack written by a server whose clock runs behind, by a full list after the miss', async () => {
    const { store: current, options } = await openFresh();
    putAll(current, chunksOf(2, 200, 500));
    await current.flush();
    const reader = await S3PackChunkStore.open({
      ...options,
      cacheDir: bed.tempDir(),
      clockSkewMs: 60_000,
    });
    // Its pack id says an hour ago: an incremental re-list starts after it.
    const behind = await S3PackChunkStore.open({
      ...options,
      cacheDir: bed.tempDir(),
      clock: () => Date.now() - 3_600_000,
    });
    const chunks = chunksOf(2, 200, 510);
    const hashes = putAll(behind, chunks);
    await behind.flush();
    const before = reader.requestCounts().list;
    expect(Buffer.from((await reader.get(hashes[0]!))!)).toEqual(Buffer.from(chunks[0]!));
    expect(reader.requestCounts().list - before).toBe(3); // incremental (2), then full (1)
    expect(Buffer.from((await reader.getMany(hashes))[1]!)).toEqual(Buffer.from(chunks[1]!));
    // Its tombstones are seen whatever its clock: a flush lists every tombstone.
    await behind.delete([hashes[0]!]);
    putAll(reader, [chunks[0]!]); // skipped as stored (the reader's index still lists it)...
    await reader.flush(); // ...and written again: its pack was retired
    expect(await behind.sweepRetired(0)).toBe(1);
    const fresh = await S3PackChunkStore.open({ ...options, cacheDir: bed.tempDir() });
    expect(Buffer.from((await fresh.get(hashes[0]!))!)).toEqual(Buffer.from(chunks[0]!));
    await Promise.all([current.close(), reader.close(), behind.close(), fresh.close()]);
  });

  it('opens, reads, collects and sweeps a store written with the first layout (random ids)', async () => {
    const { store: created, options, client } = await openFresh();
    await created.close();
    const put = (name: string, body: Uint8Array) =>
      client.send(
        new PutObjectCommand({
          Bucket: TEST_BUCKET,
          Key: keyUnder(options.location, name),
          Body: body,
        }),
      );
    const legacy = (n: number, seed: number, id: string) => {
      const chunks = chunksOf(n, 300, seed);
      const built = buildPack(chunks.map((bytes) => [sha256(bytes), bytes]));
      return { chunks, hashes: chunks.map(sha256), id, built };
    };
    const live = legacy(3, 600, '0123456789abcdef');
    const retired = legacy(1, 610, 'fedcba9876543210');
    for (const p of [live, retired]) {
      await put(`packs/${p.id}.pack`, p.built.pack);
      await put(`packs/${p.id}.idx`, p.built.index);
    }
    await put(`packs/${retired.id}.retired`, Buffer.from('retired\n'));
    const store = await S3PackChunkStore.open({ ...options, cacheDir: bed.tempDir() });
    for (const [i, hash] of live.hashes.entries())
      expect(Buffer.from((await store.get(hash))!)).toEqual(Buffer.from(live.chunks[i]!));
    expect(await store.get(retired.hashes[0]!)).toBeUndefined();
    // gc of one chunk: the survivors move to a new pack, the old one gets a new tombstone.
    await store.delete([live.hashes[0]!]);
    expect(await store.sweepRetired(0)).toBe(2);
    const keys = await keysUnder(client, options.location);
    expect(keys.filter((k) => !k.startsWith('packs/t/') && k !== 'verso-chunks.json')).toEqual([]);
    const fresh = await S3PackChunkStore.open({ ...options, cacheDir: bed.tempDir() });
    expect(await fresh.get(live.hashes[0]!)).toBeUndefined();
    expect(Buffer.from((await fresh.get(live.hashes[2]!))!)).toEqual(Buffer.from(live.chunks[2]!));
    await Promise.all([store.close(), fresh.close()]);
  });

  it('serves repeated reads from the bounded read cache, which survives reopen', async () => {
    const { store, options } = await openFresh({ cacheBytes: 10_000 });
    const chunks = chunksOf(30, 1000, 20);
    const hashes = putAll(store, chunks);
    await store.flush();
    const fresh = await S3PackChunkStore.open({ ...options, cacheBytes: 10_000 });
    for (const hash of hashes.slice(0, 5)) await fresh.get(hash);
    const gets = fresh.requestCounts().get;
    for (const hash of hashes.slice(0, 5)) await fresh.get(hash);
    expect(fresh.requestCounts().get).toBe(gets); // all from the cache
    for (const hash of hashes) await fresh.get(hash);
    expect(fresh.cache.bytes).toBeLessThanOrEqual(10_000); // bounded: LRU evicted
    await fresh.close();
    const again = await S3PackChunkStore.open({ ...options, cacheBytes: 10_000 });
    const last = hashes.at(-1)!;
    const before = again.requestCounts().get;
    expect(Buffer.from((await again.get(last))!)).toEqual(Buffer.from(chunks.at(-1)!));
    expect(again.requestCounts().get).toBe(before); // the cache survived reopen
    await again.close();
  });

  it('detects a corrupted cache file and fetches the chunk again', async () => {
    const { store, options } = await openFresh();
    const [hash] = putAll(store, [pseudoRandomBytes(2000, 30)]);
    await store.flush();
    const reader = await S3PackChunkStore.open({ ...options, cacheDir: bed.tempDir() });
    await reader.get(hash!);
    await reader.cache.settled(); // the cache is written behind the read
    const path = reader.cache.pathOf(hashToHex(hash!));
    writeFileSync(path, Buffer.alloc(2000, 7));
    const before = reader.requestCounts().get;
    expect(Buffer.from((await reader.get(hash!))!)).toEqual(
      Buffer.from(pseudoRandomBytes(2000, 30)),
    );
    expect(reader.requestCounts().get).toBe(before + 1);
    await Promise.all([store.close(), reader.close()]);
  });

  it('reads a whole batch with getMany in a few merged ranged GETs', async () => {
    const { store, options } = await openFresh();
    const chunks = chunksOf(200, 300, 40);
    const hashes = putAll(store, chunks);
    await store.flush();
    const reader = await S3PackChunkStore.open({ ...options, cacheDir: bed.tempDir() });
    const before = reader.requestCounts().get;
    const absent = sha256(new Uint8Array([1, 2, 3, 4]));
    const got = await reader.getMany([...hashes, absent]);
    expect(reader.requestCounts().get - before).toBe(1); // one pack, one merged range
    expect(got.at(-1)).toBeUndefined();
    for (const [i, bytes] of got.slice(0, -1).entries())
      expect(Buffer.from(bytes!).equals(Buffer.from(chunks[i]!))).toBe(true);
    await Promise.all([store.close(), reader.close()]);
  });

  it('reports a damaged record as CorruptionError naming the chunk', async () => {
    const { store, options, client } = await openFresh();
    const [hash] = putAll(store, [pseudoRandomBytes(4000, 50)]);
    await store.flush();
    const keys = await keysUnder(client, options.location);
    const packKey = keyUnder(
      options.location,
      keys.find((k) => k.endsWith('.pack'))!,
    );
    const object = await client.send(new GetObjectCommand({ Bucket: TEST_BUCKET, Key: packKey }));
    const bytes = Buffer.from(await object.Body!.transformToByteArray());
    bytes[100] = bytes[100]! ^ 0xff;
    await client.send(new PutObjectCommand({ Bucket: TEST_BUCKET, Key: packKey, Body: bytes }));
    const reader = await S3PackChunkStore.open({ ...options, cacheDir: bed.tempDir() });
    const error = await reader.get(hash!).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CorruptionError);
    expect((error as CorruptionError).data['hash']).toBe(hashToHex(hash!));
    // gc refuses to rewrite a damaged pack and deletes nothing.
    await expect(reader.delete([hash!])).rejects.toBeInstanceOf(CorruptionError);
    await Promise.all([store.close(), reader.close()]);
  });

  it('retires rewritten packs and sweeps them only after the grace period', async () => {
    const { store, options, client } = await openFresh();
    const reader = await S3PackChunkStore.open({ ...options, cacheDir: bed.tempDir() });
    const chunks = chunksOf(4, 800, 60);
    const hashes = putAll(store, chunks);
    await store.flush();
    await reader.get(hashes[0]!); // the reader now knows the first pack
    const firstPack = (await keysUnder(client, options.location)).find((k) => k.endsWith('.pack'))!;
    const firstId = firstPack.slice(8, 36);
    await store.delete([hashes[0]!]);
    let keys = await keysUnder(client, options.location);
    expect(keys).toContain(firstPack); // retired, not deleted: within the grace period
    expect(keys.filter((k) => /^packs\/r\/[0-9a-f]{12}-/.test(k))).toEqual([
      expect.stringMatching(new RegExp(`-${firstId}$`)),
    ]);
    expect(await store.sweepRetired(60_000)).toBe(0);
    // A reader that loaded the old index still reads a survivor from the old pack...
    expect(Buffer.from((await reader.get(hashes[1]!))!)).toEqual(Buffer.from(chunks[1]!));
    // ...and once it is swept, from the new pack after a re-list.
    expect(await store.sweepRetired(0)).toBe(1);
    keys = await keysUnder(client, options.location);
    expect(keys.filter((k) => k.includes(firstId))).toEqual([]);
    expect(Buffer.from((await reader.get(hashes[2]!))!)).toEqual(Buffer.from(chunks[2]!));
    expect(Buffer.from((await reader.getMany([hashes[3]!]))[0]!)).toEqual(Buffer.from(chunks[3]!));
    expect(await store.get(hashes[0]!)).toBeUndefined();
    await Promise.all([store.close(), reader.close()]);
  });

  it("writes again a chunk it skipped as stored when another server's gc collected it meanwhile", async () => {
    const { store: writer, options } = await openFresh();
    const collector = await S3PackChunkStore.open({ ...options, cacheDir: bed.tempDir() });
    const chunks = chunksOf(3, 600, 90);
    const hashes = putAll(writer, chunks);
    await writer.flush();
    // Another server's gc finds the first chunk unreachable and collects it...
    await collector.get(hashes[1]!);
    await collector.delete([hashes[0]!]);
    // ...while this server, whose loaded index still lists it, writes it again (a new tree
    // that happens to contain the same node) and moves a ref to it after the flush.
    putAll(writer, [chunks[0]!]);
    await writer.flush();
    // The retired pack is swept: the chunk must still be there, in a live pack.
    expect(await collector.sweepRetired(0)).toBe(1);
    const fresh = await S3PackChunkStore.open({ ...options, cacheDir: bed.tempDir() });
    expect(Buffer.from((await fresh.get(hashes[0]!))!)).toEqual(Buffer.from(chunks[0]!));
    expect(Buffer.from((await fresh.get(hashes[1]!))!)).toEqual(Buffer.from(chunks[1]!));
    await Promise.all([writer.close(), collector.close(), fresh.close()]);
  });

  it('compacts many small packs into one, keeping every chunk once', async () => {
    const { store, options } = await openFresh({ maxSmallPacks: 4 });
    const all: Uint8Array[] = [];
    const hashes: Uint8Array[] = [];
    for (let i = 0; i < 6; i++) {
      const chunks = chunksOf(3, 200, 100 + i * 10);
      all.push(...chunks);
      hashes.push(...putAll(store, chunks));
      await store.flush();
      expect(store.packCount()).toBeLessThanOrEqual(5);
    }
    const reopened = await S3PackChunkStore.open({ ...options, cacheDir: bed.tempDir() });
    expect(reopened.packCount()).toBe(store.packCount());
    const listed: string[] = [];
    for await (const h of reopened.hashes()) listed.push(hashToHex(h));
    expect(listed.sort()).toEqual(hashes.map(hashToHex).sort());
    const got = await reopened.getMany(hashes);
    for (const [i, bytes] of got.entries())
      expect(Buffer.from(bytes!)).toEqual(Buffer.from(all[i]!));
    await Promise.all([store.close(), reopened.close()]);
  });

  it('lets two servers flush and compact the same prefix at once without losing a chunk', async () => {
    const { store: a, options } = await openFresh({ maxSmallPacks: 3 });
    const b = await S3PackChunkStore.open({ ...options, cacheDir: bed.tempDir() });
    const written: { hash: Uint8Array; bytes: Uint8Array }[] = [];
    const writeBatches = async (store: S3PackChunkStore, seed: number) => {
      for (let i = 0; i < 8; i++) {
        const chunks = chunksOf(4, 150, seed + i * 10);
        for (const [j, hash] of putAll(store, chunks).entries())
          written.push({ hash, bytes: chunks[j]! });
        await store.flush();
      }
    };
    await Promise.all([writeBatches(a, 1000), writeBatches(b, 5000)]);
    const third = await S3PackChunkStore.open({ ...options, cacheDir: bed.tempDir() });
    const listed: string[] = [];
    for await (const h of third.hashes()) listed.push(hashToHex(h));
    expect(listed.sort()).toEqual(written.map((w) => hashToHex(w.hash)).sort());
    const got = await third.getMany(written.map((w) => w.hash));
    for (const [i, bytes] of got.entries())
      expect(Buffer.from(bytes!).equals(Buffer.from(written[i]!.bytes))).toBe(true);
    expect(third.packCount()).toBeLessThan(16); // compaction kept the pack count down
    await Promise.all([a.close(), b.close(), third.close()]);
  });

  it('keeps no file in the cache folder but complete, named entries', async () => {
    const { store, options } = await openFresh();
    const hashes = putAll(store, chunksOf(3, 100, 200));
    await store.flush();
    const reader = await S3PackChunkStore.open({ ...options, cacheDir: bed.tempDir() });
    await reader.getMany(hashes);
    await reader.cache.settled();
    const files = readdirSync(reader.cache.dir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => join(e.parentPath, e.name));
    expect(files.map((f) => f.slice(-64)).sort()).toEqual(hashes.map(hashToHex).sort());
    await Promise.all([store.close(), reader.close()]);
  });
});

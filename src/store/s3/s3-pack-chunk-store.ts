/**
 * S3PackChunkStore: a ChunkStore of packs on an S3-compatible object store (layer: store).
 *
 * Objects under the store's prefix (pack and index bytes are `pack-format.ts`, the same bytes
 * the embedded `PackChunkStore` writes; names in `pack-names.ts`):
 *   verso-chunks.json           marker written by `open({ create: true })`; without it the store
 *                               is not there (`ObjectStoreNotFoundError`)
 *   packs/t/<id>.pack           a sealed pack: records plus one commit marker (`<id>`: the
 *                               writer's time, 12 hex ms, + 16 random hex)
 *   packs/t/<id>.idx            its sorted index; written only after the pack upload succeeded
 *   packs/r/<time>-<id>         tombstone: the pack was replaced by gc or compaction
 *   packs/<16 hex>.pack|.idx|.retired  the first layout (random ids): still read, never written
 *
 * This module answers the ChunkStore calls and orders the writes; its parts are modules:
 * - what is staged for the next flush, and what `put` skipped (`s3-pack-staging.ts`);
 * - the manifest (`s3-pack-manifest.ts`): which packs are live, LISTs (full and incremental),
 *   index loads, `locate`;
 * - reads (`s3-pack-reader.ts`): read cache, ranged GETs (`pack-ranges.ts`), record checks;
 * - pack writes (`s3-pack-writer.ts`): pack then index, rewrite of packs into new ones, tombstones;
 * - the sweep of retired packs (`s3-pack-sweep.ts`).
 *
 * Writes: `put` stages in memory (visible to `get` at once); `flush` uploads the staged chunks
 * as one pack, then its index. A chunk `put` skips because a loaded index lists it is checked
 * again at the flush against a fresh LIST (`StagedChunks.restageCollected`): if another
 * server's gc has collected it meanwhile, it is read back from its retired pack and written
 * again, so a ref never points into a pack that will be swept. A failed flush keeps the chunks
 * staged and throws; whatever it left (a pack without index) is invisible and swept after the
 * grace period.
 *
 * Garbage collection (`delete`, the caller holds the gc lease): re-lists, then rewrites every
 * pack holding a deleted chunk without it and retires the old ones; `sweepRetired` (also run by
 * every `delete`) deletes retired packs once their tombstone is older than the grace period
 * (default 1 h). Compaction: after a flush, when more than `maxSmallPacks` (16) live packs are
 * smaller than `smallPackBytes` (4 MiB), they are merged (duplicates dropped) into one pack and
 * retired the same way, so a long-lived repository holds about size/64 MiB + 16 packs, not one
 * per commit (`hashes()` yields each hash once whatever the copies).
 *
 * Writes (flush, delete, compaction) run one at a time per instance. Errors after the SDK's
 * retries are `ObjectStoreError` (`s3-errors.ts`) naming bucket, key and S3 error code.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { hashToHex } from '../../core/hash.js';
import type { ChunkStore } from '../chunk-store.js';
import { entryAt, lookupInIndex } from '../pack/pack-format.js';
import { ChunkReadCache } from './chunk-read-cache.js';
import { ObjectStoreNotFoundError } from './s3-errors.js';
import { formatS3Url, keyUnder } from './s3-location.js';
import type { S3Location } from './s3-location.js';
import { S3Objects } from './s3-objects.js';
import type { S3RequestCounts } from './s3-objects.js';
import { S3PackManifest, type LivePack } from './s3-pack-manifest.js';
import { S3PackReader } from './s3-pack-reader.js';
import { StagedChunks } from './s3-pack-staging.js';
import { sweepRetiredPacks } from './s3-pack-sweep.js';
import { buildPackOf, S3PackWriter } from './s3-pack-writer.js';

const GiB = 1 << 30;
const MiB = 1 << 20;
const MARKER = 'verso-chunks.json';
const MINUTE = 60 * 1000;
/** `ready()` flushes once more than this is staged. */
const MAX_STAGED_BYTES = 32 * MiB;

export interface S3PackChunkStoreOptions {
  readonly client: S3Client;
  readonly location: S3Location;
  /** Folder of the local read cache (created if missing). */
  readonly cacheDir: string;
  /** Bound of the read cache (default 1 GiB). */
  readonly cacheBytes?: number;
  /** true: write the store's marker if it is missing; false (default): the store must exist. */
  readonly create?: boolean;
  /** How long a retired pack (or one without index) is kept before it is deleted (default 1 h). */
  readonly graceMs?: number;
  /** Compaction merges packs below this size (default 4 MiB)... */
  readonly smallPackBytes?: number;
  /** ...once there are more than this many of them (default 16). */
  readonly maxSmallPacks?: number;
  /** Least time between two re-lists on a miss (default 200 ms). */
  readonly relistIntervalMs?: number;
  /** A re-list is a full list when the last one is older than this (default 10 min). */
  readonly fullListIntervalMs?: number;
  /** How far behind this clock another writer's may run for incremental re-lists (10 min). */
  readonly clockSkewMs?: number;
  /** The clock pack ids and tombstone names carry (default `Date.now`; tests skew it). */
  readonly clock?: () => number;
}

export class S3PackChunkStore implements ChunkStore {
  private readonly objects: S3Objects;
  private readonly manifest: S3PackManifest;
  private readonly reader: S3PackReader;
  private readonly writer: S3PackWriter;
  private readonly staging = new StagedChunks();
  private writing: Promise<unknown> = Promise.resolve();
  private readonly graceMs: number;
  private readonly smallPackBytes: number;
  private readonly maxSmallPacks: number;

  private constructor(
    private readonly location: S3Location,
    client: S3Client,
    readonly cache: ChunkReadCache,
    options: S3PackChunkStoreOptions,
  ) {
    this.objects = new S3Objects(client, location.bucket);
    this.graceMs = options.graceMs ?? 60 * 60 * 1000;
    this.smallPackBytes = options.smallPackBytes ?? 4 * MiB;
    this.maxSmallPacks = options.maxSmallPacks ?? 16;
    this.manifest = new S3PackManifest(this.objects, location, {
      relistIntervalMs: options.relistIntervalMs ?? 200,
      fullListIntervalMs: options.fullListIntervalMs ?? 10 * MINUTE,
      clockSkewMs: options.clockSkewMs ?? 10 * MINUTE,
    });
    this.reader = new S3PackReader(this.objects, this.manifest, cache);
    this.writer = new S3PackWriter(
      this.objects,
      location,
      this.manifest,
      options.clock ?? Date.now,
    );
  }

  static async open(options: S3PackChunkStoreOptions): Promise<S3PackChunkStore> {
    const { client, location } = options;
    const cache = await ChunkReadCache.open(options.cacheDir, options.cacheBytes ?? GiB);
    const store = new S3PackChunkStore(location, client, cache, options);
    const marker = keyUnder(location, MARKER);
    if ((await store.objects.head(marker)) === undefined) {
      if (!options.create)
        throw new ObjectStoreNotFoundError(
          formatS3Url(location),
          `its marker object ${MARKER} is missing (no Verso repository was created there, or the bucket or prefix is wrong)`,
        );
      const doc = { format: 'verso-s3-packs', version: 1, created: new Date().toISOString() };
      await store.objects.put(marker, Buffer.from(JSON.stringify(doc) + '\n'));
    }
    await store.manifest.listAndLoad();
    return store;
  }

  /** S3 requests made so far, by kind. */
  requestCounts(): S3RequestCounts {
    return { ...this.objects.counts };
  }

  /** Live packs (for benchmarks and tests). */
  packCount(): number {
    return this.manifest.count;
  }

  put(hash: Uint8Array, bytes: Uint8Array): void {
    this.staging.put(hash, bytes, (h) => this.manifest.locate(h));
  }

  async ready(): Promise<void> {
    if (this.staging.bytes > MAX_STAGED_BYTES) await this.flush();
  }

  async has(hash: Uint8Array): Promise<boolean> {
    if (this.staging.has(hash) || this.manifest.locate(hash)) return true;
    await this.manifest.relist();
    return this.manifest.locate(hash) !== undefined;
  }

  async get(hash: Uint8Array): Promise<Uint8Array | undefined> {
    return this.staging.get(hash) ?? this.reader.readStored(hash);
  }

  /**
   * The chunks of `hashes`, in order (undefined for absent ones): staged ones from memory, the
   * others by `S3PackReader.readMany` (cache hits, then few ranged GETs, 16 to 256 in flight).
   */
  async getMany(hashes: readonly Uint8Array[]): Promise<(Uint8Array | undefined)[]> {
    const out: (Uint8Array | undefined)[] = new Array<Uint8Array | undefined>(hashes.length);
    const wanted: { i: number; hash: Uint8Array }[] = [];
    for (const [i, hash] of hashes.entries()) {
      const staged = this.staging.get(hash);
      if (staged) out[i] = staged;
      else wanted.push({ i, hash });
    }
    await this.reader.readMany(wanted, out);
    return out;
  }

  async flush(): Promise<void> {
    await this.exclusive(async () => {
      // The staged chunks' pack goes up while the chunks skipped as stored are checked against
      // gc (a LIST); any they restage get a pack of their own; each index goes after its pack:
      // a flush waits on two round trips, not three.
      const first = this.staging.entries();
      const [firstPack] = await Promise.all([
        first.length > 0 ? this.writer.uploadPack(buildPackOf(first)) : undefined,
        this.staging.restageCollected(this.manifest, this.reader),
      ]);
      const inFirst = new Set(first.map(([hex]) => hex));
      const restaged = this.staging.entries().filter(([hex]) => !inFirst.has(hex));
      const secondPack =
        restaged.length > 0 ? await this.writer.uploadPack(buildPackOf(restaged)) : undefined;
      await Promise.all([firstPack, secondPack].map((p) => p && this.writer.uploadIndex(p)));
      this.staging.flushed([...first, ...restaged]);
      await this.compactIfNeeded();
    });
  }

  async delete(hashes: readonly Uint8Array[]): Promise<void> {
    await this.exclusive(async () => {
      const doomed = new Set<string>(hashes.map(hashToHex));
      for (const hash of hashes) this.staging.discard(hash);
      await this.manifest.listAndLoad();
      const affected = this.manifest
        .live()
        .filter((pack) => hashes.some((hash) => lookupInIndex(pack.index, hash) !== undefined));
      if (affected.length > 0) await this.writer.rewrite(affected, doomed);
      await this.sweepRetired();
    });
  }

  /**
   * Merges the small live packs into one when there are more than `maxSmallPacks` of them (run
   * after every flush; callable directly). Returns how many packs were merged.
   */
  async compact(): Promise<number> {
    return this.exclusive(() => this.compactIfNeeded(true));
  }

  /**
   * Deletes retired packs whose tombstone is older than `graceMs`, and packs left without an
   * index for that long (`s3-pack-sweep.ts`). Returns how many packs were deleted.
   */
  async sweepRetired(graceMs = this.graceMs): Promise<number> {
    return sweepRetiredPacks(this.objects, this.location, graceMs);
  }

  /** Every live hash once (a fresh LIST first: gc must see every server's packs). */
  async *hashes(): AsyncIterable<Uint8Array> {
    await this.manifest.listAndLoad();
    const packs = this.manifest.live();
    for (const [p, pack] of packs.entries()) {
      for (let i = 0; i < pack.index.count; i++) {
        const { hash } = entryAt(pack.index, i);
        if (foundBefore(packs, p, hash)) continue;
        yield Uint8Array.from(hash);
      }
    }
    for (const hash of this.staging.hashes())
      if (!packs.some((pack) => lookupInIndex(pack.index, hash))) yield hash;
  }

  async sizeBytes(): Promise<number> {
    let total = 0;
    for (const pack of this.manifest.live()) total += pack.size;
    return total;
  }

  async close(): Promise<void> {
    await this.writing.catch(() => undefined);
    await this.manifest.settled();
    await this.cache.settled();
  }

  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.writing.then(work, work);
    this.writing = run.catch(() => undefined);
    return run;
  }

  private async compactIfNeeded(force = false): Promise<number> {
    const small = this.manifest.live().filter((p) => p.size < this.smallPackBytes);
    if (small.length <= (force ? 1 : this.maxSmallPacks)) return 0;
    await this.writer.rewrite(small, new Set());
    return small.length;
  }
}

/** Whether one of `packs[0..end)` holds `hash` (so `hashes()` yields each hash once). */
function foundBefore(packs: readonly LivePack[], end: number, hash: Uint8Array): boolean {
  for (let j = 0; j < end; j++) if (lookupInIndex(packs[j]!.index, hash)) return true;
  return false;
}

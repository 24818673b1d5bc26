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
 * The manifest is the set of index objects: a pack is live when its index exists and it has no
 * tombstone. A pack without index (a flush cut short) is garbage, never data. Several servers
 * write their own packs under their own ids, so there is no shared object to race on; S3 LIST
 * is strongly consistent, so a pack whose index PUT has returned is seen by every later LIST.
 *
 * Open: HEAD the marker, LIST `packs/` (the full list), GET every live index (16 at a time) and
 * keep them in memory (~44 bytes a chunk, binary-searched in place). A lookup that no known
 * index answers re-lists (`has`: at most once per 200 ms; a read at once; concurrent misses
 * share one LIST that starts after they asked) and loads new indexes, so a chunk another server
 * flushed before its ref moved is always found here. A re-list is incremental: LIST
 * `packs/t/` and `packs/r/` (in parallel) starting after the newest time seen minus
 * `clockSkewMs` (10 min), so it returns what was written lately, not every pack and tombstone
 * kept; a full list runs instead every `fullListIntervalMs` (10 min), and after an incremental
 * re-list a read still misses (a writer whose clock ran further behind).
 *
 * Writes: `put` stages in memory (visible to `get` at once); `flush` uploads the staged chunks
 * as one pack, then its index. A chunk `put` skips because a loaded index lists it is checked
 * again at the flush against a fresh LIST (`restageCollected`): if another server's gc has
 * collected it meanwhile, it is read back from its retired pack and written again, so a ref
 * never points into a pack that will be swept. A failed flush keeps the chunks staged and throws; whatever it
 * left (a pack without index) is invisible and swept after the grace period.
 *
 * Reads: staged chunks from memory; stored ones from the on-disk read cache (`chunk-read-cache.ts`,
 * content-addressed, LRU-bounded) or by one ranged GET of the record, whose CRC, framing and
 * hash are checked (`chunk-integrity.ts`): damage is a `CorruptionError` naming the chunk.
 * `getMany` reads many chunks at once: cache first, then the records of each pack sorted by
 * offset and merged into ranges (gaps up to 64 KiB, ranges up to 8 MiB), 16 or more GETs in flight, so
 * a tree level costs about one round trip (scattered one-record ranges: up to 256 in flight,
 * bounded to 128 MiB of ranges in flight). A ranged GET that finds its pack gone (swept after
 * another server's gc) re-lists and reads the chunk from its new pack.
 *
 * Garbage collection (`delete`, the caller holds the gc lease): re-lists, then copies the
 * surviving records of every pack holding a deleted chunk (CRC-checked, as they are) into new
 * packs of up to 64 MiB, uploads them (pack, then index), and only then writes a `.retired`
 * tombstone for each replaced pack. A retired pack is deleted (`sweepRetired`, also run by every
 * `delete`) only once its tombstone is older than the grace period (default 1 h, measured
 * against the object store's clock via LastModified), so a reader that loaded its index earlier
 * can still read it; packs without index older than the grace period are swept too.
 * Compaction: after a flush, when more than `maxSmallPacks` (16) live packs are smaller than
 * `smallPackBytes` (4 MiB), they are merged (duplicates dropped) into one pack and retired the
 * same way, so a long-lived repository holds about size/64 MiB + 16 packs, not one per commit.
 * Two servers compacting the same packs at once only duplicate records (harmless: `hashes()`
 * yields each hash once, lookups take any copy).
 *
 * Writes (flush, delete, compaction) run one at a time per instance. Errors after the SDK's
 * retries are `ObjectStoreError` (`s3-errors.ts`) naming bucket, key and S3 error code.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { CorruptionError } from '../../core/errors.js';
import { hashToHex, hexToHash } from '../../core/hash.js';
import type { ChunkHash } from '../../core/hash.js';
import { checkChunkHash, corruptChunkError } from '../chunk-integrity.js';
import type { ChunkStore } from '../chunk-store.js';
import {
  buildPack,
  buildPackFromRecords,
  decodeChunkRecord,
  entryAt,
  lookupInIndex,
  PackFormatError,
  parsePackIndex,
  recordCrcHolds,
  scanPack,
} from '../pack/pack-format.js';
import type { PackIndex, RecordRef } from '../pack/pack-format.js';
import { ChunkReadCache } from './chunk-read-cache.js';
import { ObjectStoreNotFoundError } from './s3-errors.js';
import { formatS3Url, keyUnder } from './s3-location.js';
import type { S3Location } from './s3-location.js';
import { forEachLimited, S3Objects } from './s3-objects.js';
import type { ListedObject, S3RequestCounts } from './s3-objects.js';
import {
  listStartAfter,
  newPackId,
  PACKS,
  packObjectName,
  readListing,
  TIMED_PACKS,
  tombstoneName,
  TOMBSTONES,
  type PackObjectKind,
} from './pack-names.js';

const GiB = 1 << 30;
const MiB = 1 << 20;
const MARKER = 'verso-chunks.json';
const MINUTE = 60 * 1000;
/** Parallel S3 requests of one operation (index loads, getMany ranges, copies). */
const CONCURRENCY = 16;
/**
 * getMany's ranged GETs in flight: as many as fit in `GET_MANY_IN_FLIGHT_BYTES` of their
 * largest range, between `CONCURRENCY` and `GET_MANY_MAX_IN_FLIGHT`. A level of a diff or a
 * batched mutation is a few hundred scattered one-record ranges: all in flight at once, so the
 * level costs one round trip, not ranges/16 (a 500-edit diff on 100k labels waited on 17).
 */
const GET_MANY_MAX_IN_FLIGHT = 256;
const GET_MANY_IN_FLIGHT_BYTES = 128 * 1024 * 1024;
/** getMany merges records of one pack whose gap is at most this... */
const COALESCE_GAP_BYTES = 64 * 1024;
/** ...into ranges of at most this. */
const MAX_RANGE_BYTES = 8 * MiB;
/** `ready()` flushes once more than this is staged. */
const MAX_STAGED_BYTES = 32 * MiB;
/** Repack and compaction write packs of about this size. */
const TARGET_PACK_BYTES = 64 * MiB;

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

interface LivePack {
  readonly id: string;
  readonly index: PackIndex;
  /** Bytes of the pack object. */
  readonly size: number;
}

interface Located {
  readonly pack: LivePack;
  readonly ref: RecordRef;
}

export class S3PackChunkStore implements ChunkStore {
  private readonly objects: S3Objects;
  private readonly staged = new Map<ChunkHash, Uint8Array>();
  private stagedBytes = 0;
  /** Live packs by id. */
  private packs = new Map<string, LivePack>();
  /** Chunks `put` skipped as already stored since the last flush, and where they were (`restageCollected`). */
  private readonly skipped = new Map<ChunkHash, Located>();
  /** Packs this instance retired: a LIST that started before their tombstone must not revive them. */
  private readonly retiredHere = new Set<string>();
  /** Packs whose tombstone a listing has shown (an incremental one lists a pack, not its tombstone, again). */
  private readonly retiredSeen = new Set<string>();
  /** The newest times listed so far, where the next incremental re-list starts (less the skew). */
  private newestPackMs = 0;
  private newestTombstoneMs = 0;
  private lastFullListAt = 0;
  private fullListing: Promise<void> | undefined;
  private writing: Promise<unknown> = Promise.resolve();
  private listing: Promise<void> | undefined;
  private nextListing: Promise<void> | undefined;
  private lastListAt = 0;
  /** Ends the interval wait of the scheduled LIST early (a read that must not wait for it). */
  private wakeListing: (() => void) | undefined;
  private readonly graceMs: number;
  private readonly smallPackBytes: number;
  private readonly maxSmallPacks: number;
  private readonly relistIntervalMs: number;
  private readonly fullListIntervalMs: number;
  private readonly clockSkewMs: number;
  private readonly clock: () => number;

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
    this.relistIntervalMs = options.relistIntervalMs ?? 200;
    this.fullListIntervalMs = options.fullListIntervalMs ?? 10 * MINUTE;
    this.clockSkewMs = options.clockSkewMs ?? 10 * MINUTE;
    this.clock = options.clock ?? Date.now;
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
    await store.listAndLoad();
    return store;
  }

  /** S3 requests made so far, by kind. */
  requestCounts(): S3RequestCounts {
    return { ...this.objects.counts };
  }

  /** Live packs (for benchmarks and tests). */
  packCount(): number {
    return this.packs.size;
  }

  put(hash: Uint8Array, bytes: Uint8Array): void {
    const hex = hashToHex(hash);
    if (this.staged.has(hex)) return;
    const stored = this.locate(hash);
    if (stored) {
      this.skipped.set(hex, stored);
      return;
    }
    this.staged.set(hex, bytes.slice());
    this.stagedBytes += bytes.byteLength;
  }

  async ready(): Promise<void> {
    if (this.stagedBytes > MAX_STAGED_BYTES) await this.flush();
  }

  async has(hash: Uint8Array): Promise<boolean> {
    if (this.staged.has(hashToHex(hash)) || this.locate(hash)) return true;
    await this.relist();
    return this.locate(hash) !== undefined;
  }

  async get(hash: Uint8Array): Promise<Uint8Array | undefined> {
    const staged = this.staged.get(hashToHex(hash));
    if (staged) return staged.slice();
    return this.readStored(hash);
  }

  /**
   * The chunks of `hashes`, in order (undefined for absent ones): cache hits first, then the
   * records of each pack merged into few ranged GETs, 16 to 256 in flight.
   */
  async getMany(hashes: readonly Uint8Array[]): Promise<(Uint8Array | undefined)[]> {
    const out: (Uint8Array | undefined)[] = new Array<Uint8Array | undefined>(hashes.length);
    const wanted: { i: number; hash: Uint8Array }[] = [];
    for (const [i, hash] of hashes.entries()) {
      const staged = this.staged.get(hashToHex(hash));
      if (staged) out[i] = staged.slice();
      else wanted.push({ i, hash });
    }
    if (wanted.some(({ hash }) => !this.locate(hash)))
      await this.relistForMiss(() => wanted.some(({ hash }) => !this.locate(hash)));
    const stored: { i: number; hash: Uint8Array; at: Located }[] = [];
    for (const w of wanted) {
      const at = this.locate(w.hash);
      if (at) stored.push({ ...w, at });
    }
    const toFetch: typeof stored = [];
    await forEachLimited(stored, CONCURRENCY, async (item) => {
      const cached = await this.cache.get(item.hash);
      if (cached) out[item.i] = cached;
      else toFetch.push(item);
    });
    const ranges = coalesce(toFetch);
    const largest = Math.max(1, ...ranges.map((r) => r.end - r.start + 1));
    const inFlight = Math.min(
      GET_MANY_MAX_IN_FLIGHT,
      Math.max(CONCURRENCY, Math.floor(GET_MANY_IN_FLIGHT_BYTES / largest)),
    );
    await forEachLimited(ranges, inFlight, async (range) => {
      const { pack, start, end, items } = range;
      const bytes = await this.objects.get(this.packKey(pack.id, 'pack'), { start, end });
      for (const item of items) {
        if (bytes === undefined) {
          out[item.i] = await this.readStored(item.hash); // the pack was swept: re-list
          continue;
        }
        const at = item.at.ref.offset - start;
        const record = bytes.subarray(at, at + item.at.ref.length);
        const chunk = this.decodeRecord(item.hash, pack.id, item.at.ref, record);
        out[item.i] = chunk;
        this.cache.write(item.hash, chunk);
      }
    });
    return out;
  }

  async flush(): Promise<void> {
    await this.exclusive(async () => {
      // The staged chunks' pack goes up while the chunks skipped as stored are checked against
      // gc (a LIST); any they restage get a pack of their own; each index goes after its pack:
      // a flush waits on two round trips, not three.
      const first = [...this.staged];
      const [firstPack] = await Promise.all([
        first.length > 0 ? this.uploadPack(buildPackOf(first)) : undefined,
        this.restageCollected(),
      ]);
      const inFirst = new Set(first.map(([hex]) => hex));
      const restaged = [...this.staged].filter(([hex]) => !inFirst.has(hex));
      const secondPack =
        restaged.length > 0 ? await this.uploadPack(buildPackOf(restaged)) : undefined;
      await Promise.all([firstPack, secondPack].map((p) => p && this.uploadIndex(p)));
      for (const [hex, bytes] of [...first, ...restaged]) {
        if (this.staged.get(hex) !== bytes) continue;
        this.staged.delete(hex);
        this.stagedBytes -= bytes.byteLength;
      }
      await this.compactIfNeeded();
    });
  }

  async delete(hashes: readonly Uint8Array[]): Promise<void> {
    await this.exclusive(async () => {
      const doomed = new Set<string>();
      for (const hash of hashes) {
        const hex = hashToHex(hash);
        doomed.add(hex);
        // Deleted on purpose: not a chunk of a write in progress to save from gc at the flush.
        this.skipped.delete(hex);
        const staged = this.staged.get(hex);
        if (staged) {
          this.staged.delete(hex);
          this.stagedBytes -= staged.byteLength;
        }
      }
      await this.listAndLoad();
      const affected = [...this.packs.values()].filter((pack) =>
        hashes.some((hash) => lookupInIndex(pack.index, hash) !== undefined),
      );
      if (affected.length > 0) await this.rewrite(affected, doomed);
      await this.sweepRetired();
    });
  }

  /**
   * Chunks `put` skipped because a loaded index listed them may since have been collected by
   * another server's gc (their pack retired, the chunk not copied on). A writer's ref must never
   * point into a retired pack, so before a flush the packs are listed again (the recent packs
   * and every tombstone: whatever the writer's clock, no tombstone is missed) and each skipped
   * chunk no live pack holds is read back (its old pack stays readable for the grace period)
   * and staged, to be written with this flush.
   */
  private async restageCollected(): Promise<void> {
    if (this.skipped.size === 0) return;
    const skipped = [...this.skipped];
    await this.listAndLoad(Date.now() - this.lastFullListAt >= this.fullListIntervalMs, true);
    for (const [hex, old] of skipped) {
      this.skipped.delete(hex);
      const hash = hexToHash(hex);
      if (this.staged.has(hex) || this.locate(hash)) continue;
      const bytes = await this.readRecord(hash, old);
      if (!bytes)
        throw corruptChunkError(hash, 'it was collected by gc while a write was using it', {});
      this.staged.set(hex, bytes);
      this.stagedBytes += bytes.byteLength;
    }
  }

  /** One chunk read by a ranged GET of its record at `at` (undefined when the pack is gone). */
  private async readRecord(hash: Uint8Array, at: Located): Promise<Uint8Array | undefined> {
    const { pack, ref } = at;
    const record = await this.objects.get(this.packKey(pack.id, 'pack'), {
      start: ref.offset,
      end: ref.offset + ref.length - 1,
    });
    return record === undefined ? undefined : this.decodeRecord(hash, pack.id, ref, record);
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
   * index for that long. Returns how many packs were deleted.
   */
  async sweepRetired(graceMs = this.graceMs): Promise<number> {
    const listing = readListing(await this.objects.list(keyUnder(this.location, PACKS)));
    const now = Date.now();
    let swept = 0;
    const old = (o: ListedObject | undefined) =>
      o !== undefined && now - o.lastModified.getTime() >= graceMs;
    const doomed: string[] = [];
    const tombstones: string[] = [];
    for (const [id, e] of listing.packs) {
      if (old(e.tombstone)) {
        doomed.push(this.packKey(id, 'idx'), this.packKey(id, 'pack'));
        tombstones.push(e.tombstone!.key);
        swept++;
      } else if (!e.idx && e.tombstone === undefined && old(e.pack)) {
        doomed.push(this.packKey(id, 'pack'));
        swept++;
      }
    }
    // Data first, tombstones last: a sweep cut short leaves the remnant still marked retired.
    await this.objects.delete(doomed);
    await this.objects.delete(tombstones);
    return swept;
  }

  /** Every live hash once (a fresh LIST first: gc must see every server's packs). */
  async *hashes(): AsyncIterable<Uint8Array> {
    await this.listAndLoad();
    const packs = [...this.packs.values()];
    for (const [p, pack] of packs.entries()) {
      for (let i = 0; i < pack.index.count; i++) {
        const { hash } = entryAt(pack.index, i);
        if (foundBefore(packs, p, hash)) continue;
        yield Uint8Array.from(hash);
      }
    }
    for (const hex of [...this.staged.keys()]) {
      const hash = hexToHash(hex);
      if (!packs.some((pack) => lookupInIndex(pack.index, hash))) yield hash;
    }
  }

  async sizeBytes(): Promise<number> {
    let total = 0;
    for (const pack of this.packs.values()) total += pack.size;
    return total;
  }

  async close(): Promise<void> {
    await this.writing.catch(() => undefined);
    await this.listing?.catch(() => undefined);
    await this.cache.settled();
  }

  // --- reading ---

  private locate(hash: Uint8Array): Located | undefined {
    for (const pack of this.packs.values()) {
      const ref = lookupInIndex(pack.index, hash);
      if (ref) return { pack, ref };
    }
    return undefined;
  }

  private async readStored(hash: Uint8Array): Promise<Uint8Array | undefined> {
    for (let attempt = 0; ; attempt++) {
      let at = this.locate(hash);
      if (!at) {
        await this.relistForMiss(() => !this.locate(hash));
        at = this.locate(hash);
        if (!at) return undefined;
      }
      const cached = await this.cache.get(hash);
      if (cached) return cached;
      const { pack } = at;
      const bytes = await this.readRecord(hash, at);
      if (bytes === undefined) {
        // The pack was swept (retired by another server's gc long enough ago): find the new one.
        if (attempt >= 2)
          throw corruptChunkError(hash, `its pack ${this.packKey(pack.id, 'pack')} is missing`, {
            pack: this.packKey(pack.id, 'pack'),
          });
        this.forgetPack(pack.id);
        continue;
      }
      this.cache.write(hash, bytes);
      return bytes;
    }
  }

  /** The chunk in `record`, after its length, CRC, framing and hash checks. */
  private decodeRecord(
    hash: Uint8Array,
    packId: string,
    ref: RecordRef,
    record: Uint8Array,
  ): Uint8Array {
    const where = { pack: this.packKey(packId, 'pack'), offset: ref.offset };
    if (record.length !== ref.length)
      throw corruptChunkError(
        hash,
        `its record in ${where.pack} at byte ${ref.offset} is cut short`,
        where,
      );
    if (!recordCrcHolds(record))
      throw corruptChunkError(
        hash,
        `its record in ${where.pack} at byte ${ref.offset} fails its checksum`,
        where,
      );
    let decoded: { hash: Uint8Array; bytes: Uint8Array };
    try {
      decoded = decodeChunkRecord(record);
    } catch (error) {
      if (!(error instanceof PackFormatError)) throw error;
      throw corruptChunkError(
        hash,
        `its record in ${where.pack} is malformed (${error.message})`,
        where,
      );
    }
    checkChunkHash(hash, decoded.bytes);
    return decoded.bytes;
  }

  private forgetPack(id: string): void {
    this.packs.delete(id);
  }

  // --- the manifest: LIST of index objects ---

  /**
   * Re-lists for a miss: joins a LIST that has not started yet, or schedules one that starts
   * after any running one and at least `relistIntervalMs` after the previous start. `urgent`
   * (a read by hash: something refers to the chunk, so another server has flushed it) starts
   * it without that wait: a server reading the head another server just moved its branch to
   * must not lag the interval behind it, or it loses every race for that branch to the server
   * that wrote the head (racing-servers test: writes starved through all their rebases).
   */
  private relist(urgent = false): Promise<void> {
    if (this.nextListing) {
      if (urgent) this.wakeListing?.();
      return this.nextListing;
    }
    const next = (async () => {
      await this.listing?.catch(() => undefined);
      const wait = urgent ? 0 : this.lastListAt + this.relistIntervalMs - Date.now();
      if (wait > 0)
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, wait);
          this.wakeListing = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      this.wakeListing = undefined;
      this.nextListing = undefined;
      await this.listAndLoad(Date.now() - this.lastFullListAt >= this.fullListIntervalMs);
    })();
    this.nextListing = next;
    return next;
  }

  /**
   * Re-lists for a read that misses: an incremental re-list, then, if `stillMissing()`, a full
   * one (a pack written by a writer whose clock runs more than `clockSkewMs` behind sorts before
   * where the incremental re-list starts). Concurrent misses share the full list.
   */
  private async relistForMiss(stillMissing: () => boolean): Promise<void> {
    await this.relist(true);
    if (!stillMissing()) return;
    this.fullListing ??= (async () => {
      try {
        await this.listing?.catch(() => undefined);
        await this.listAndLoad(true);
      } finally {
        this.fullListing = undefined;
      }
    })();
    await this.fullListing;
  }

  /**
   * LISTs the packs and loads the indexes not yet known; drops packs retired (and, on a full
   * list, gone). `full`: LIST all of `packs/`; else only the names written since the newest
   * time seen, less `clockSkewMs` (`pack-names.ts`).
   */
  private async listAndLoad(full = true, allTombstones = full): Promise<void> {
    this.lastListAt = Date.now();
    if (full) this.lastFullListAt = this.lastListAt;
    const run = (async () => {
      const knownBefore = new Set(this.packs.keys());
      const listing = readListing(await this.listObjects(full, allTombstones));
      this.newestPackMs = Math.max(this.newestPackMs, listing.newestPackMs);
      this.newestTombstoneMs = Math.max(this.newestTombstoneMs, listing.newestTombstoneMs);
      const live = new Set<string>();
      for (const [id, e] of listing.packs) {
        if (e.tombstone) this.retiredSeen.add(id);
        else if (e.idx && !this.retiredSeen.has(id) && !this.retiredHere.has(id)) live.add(id);
      }
      const toLoad = [...live].filter((id) => !this.packs.has(id));
      const loaded: LivePack[] = [];
      await forEachLimited(toLoad, CONCURRENCY, async (id) => {
        const index = await this.loadIndex(id);
        if (index)
          loaded.push({ id, index, size: listing.packs.get(id)?.pack?.size ?? index.packLength });
      });
      const retired = (id: string) => this.retiredSeen.has(id) || this.retiredHere.has(id);
      for (const id of knownBefore)
        if ((full && !live.has(id)) || retired(id)) this.packs.delete(id);
      for (const pack of loaded) if (!retired(pack.id)) this.packs.set(pack.id, pack);
    })();
    this.listing = run;
    try {
      await run;
    } finally {
      if (this.listing === run) this.listing = undefined;
    }
  }

  /**
   * The objects of a full list (all of `packs/`) or of an incremental one (with
   * `allTombstones`, every tombstone: few, as the sweep deletes them after the grace period).
   */
  private async listObjects(full: boolean, allTombstones: boolean): Promise<ListedObject[]> {
    const under = (name: string) => keyUnder(this.location, name);
    if (full) return this.objects.list(under(PACKS));
    const skew = this.clockSkewMs;
    const [packs, tombstones] = await Promise.all([
      this.objects.list(
        under(TIMED_PACKS),
        under(listStartAfter(TIMED_PACKS, this.newestPackMs, skew)),
      ),
      this.objects.list(
        under(TOMBSTONES),
        allTombstones ? undefined : under(listStartAfter(TOMBSTONES, this.newestTombstoneMs, skew)),
      ),
    ]);
    return [...packs, ...tombstones];
  }

  /** The index of pack `id` (undefined when it was swept between the LIST and the GET). */
  private async loadIndex(id: string): Promise<PackIndex | undefined> {
    const key = this.packKey(id, 'idx');
    const bytes = await this.objects.get(key);
    if (bytes === undefined) return undefined;
    try {
      return parsePackIndex(bytes);
    } catch (error) {
      if (!(error instanceof PackFormatError)) throw error;
      throw new CorruptionError(
        `the pack index s3://${this.location.bucket}/${key} is damaged: ${error.message}`,
        { key, why: error.message },
      );
    }
  }

  // --- writing ---

  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.writing.then(work, work);
    this.writing = run.catch(() => undefined);
    return run;
  }

  private packKey(id: string, kind: PackObjectKind): string {
    return keyUnder(this.location, packObjectName(id, kind));
  }

  /** Uploads a pack, then its index; the pack is live (here) once both are stored. */
  private async upload(built: BuiltPack): Promise<void> {
    await this.uploadIndex(await this.uploadPack(built));
  }

  /** Uploads a pack under a new id; it is garbage until `uploadIndex`. */
  private async uploadPack({ pack, index }: BuiltPack): Promise<UploadedPack> {
    const now = this.clock();
    const id = newPackId(now);
    this.newestPackMs = Math.max(this.newestPackMs, now);
    await this.objects.put(this.packKey(id, 'pack'), pack);
    return { id, index, size: pack.length };
  }

  /** Uploads an uploaded pack's index: the pack is live from then on. */
  private async uploadIndex({ id, index, size }: UploadedPack): Promise<void> {
    await this.objects.put(this.packKey(id, 'idx'), index);
    this.packs.set(id, { id, index: parsePackIndex(index), size });
  }

  /** Tombstones packs whose records now live elsewhere; they stop being served here at once. */
  private async retire(ids: readonly string[]): Promise<void> {
    const body = Buffer.from(new Date().toISOString() + '\n');
    await forEachLimited(ids, CONCURRENCY, (id) =>
      this.objects.put(keyUnder(this.location, tombstoneName(id, this.clock())), body),
    );
    for (const id of ids) {
      this.retiredHere.add(id);
      this.packs.delete(id);
    }
  }

  /**
   * Copies the records of `packs` (except `doomed` hashes and repeats) into new packs of about
   * 64 MiB, then retires `packs`. A pack that fails its checks stops the rewrite (nothing is
   * retired): `CorruptionError` naming the pack.
   */
  private async rewrite(packs: readonly LivePack[], doomed: ReadonlySet<string>): Promise<void> {
    const taken = new Set<string>();
    let records: Uint8Array[] = [];
    let bytes = 0;
    const replaced: string[] = [];
    const emit = async () => {
      if (records.length > 0) {
        await this.upload(buildPackFromRecords(records));
      }
      records = [];
      bytes = 0;
    };
    for (const pack of packs) {
      const key = this.packKey(pack.id, 'pack');
      const whole = await this.objects.get(key);
      if (whole === undefined) continue; // retired and swept by another server meanwhile
      let scan;
      try {
        scan = scanPack(whole);
      } catch (error) {
        if (!(error instanceof PackFormatError)) throw error;
        scan = { records: [], committedEnd: 0, stoppedBecause: error.message };
      }
      if (scan.stoppedBecause !== undefined || scan.records.length !== pack.index.count)
        throw new CorruptionError(
          `the pack s3://${this.location.bucket}/${key} is damaged (${scan.stoppedBecause ?? 'its records do not match its index'}); nothing was deleted`,
          { key },
        );
      for (const ref of scan.records) {
        const hex = hashToHex(ref.hash);
        if (doomed.has(hex) || taken.has(hex)) continue;
        taken.add(hex);
        records.push(whole.subarray(ref.offset, ref.offset + ref.length));
        bytes += ref.length;
        if (bytes >= TARGET_PACK_BYTES) await emit();
      }
      replaced.push(pack.id);
    }
    await emit();
    await this.retire(replaced);
  }

  private async compactIfNeeded(force = false): Promise<number> {
    const small = [...this.packs.values()].filter((p) => p.size < this.smallPackBytes);
    if (small.length <= (force ? 1 : this.maxSmallPacks)) return 0;
    await this.rewrite(small, new Set());
    return small.length;
  }
}

interface BuiltPack {
  readonly pack: Buffer;
  readonly index: Buffer;
}

interface UploadedPack {
  readonly id: string;
  readonly index: Buffer;
  readonly size: number;
}

/** The pack of staged chunks (hex hash, bytes). */
function buildPackOf(chunks: readonly (readonly [ChunkHash, Uint8Array])[]): BuiltPack {
  return buildPack(chunks.map(([hex, bytes]) => [hexToHash(hex), bytes]));
}

/** Whether one of `packs[0..end)` holds `hash` (so `hashes()` yields each hash once). */
function foundBefore(packs: readonly LivePack[], end: number, hash: Uint8Array): boolean {
  for (let j = 0; j < end; j++) if (lookupInIndex(packs[j]!.index, hash)) return true;
  return false;
}

interface FetchItem {
  readonly i: number;
  readonly hash: Uint8Array;
  readonly at: Located;
}

interface FetchRange {
  readonly pack: LivePack;
  readonly start: number;
  readonly end: number;
  readonly items: FetchItem[];
}

/** Groups records by pack and merges neighbours into ranges (see the module header). */
function coalesce(items: readonly FetchItem[]): FetchRange[] {
  const byPack = new Map<string, FetchItem[]>();
  for (const item of items) {
    const list = byPack.get(item.at.pack.id) ?? [];
    list.push(item);
    byPack.set(item.at.pack.id, list);
  }
  const ranges: FetchRange[] = [];
  for (const list of byPack.values()) {
    list.sort((a, b) => a.at.ref.offset - b.at.ref.offset);
    let current: { pack: LivePack; start: number; end: number; items: FetchItem[] } | undefined;
    for (const item of list) {
      const { offset, length } = item.at.ref;
      const end = offset + length - 1;
      if (
        current &&
        offset - current.end - 1 <= COALESCE_GAP_BYTES &&
        Math.max(end, current.end) - current.start + 1 <= MAX_RANGE_BYTES
      ) {
        current.end = Math.max(current.end, end);
        current.items.push(item);
        continue;
      }
      current = { pack: item.at.pack, start: offset, end, items: [item] };
      ranges.push(current);
    }
  }
  return ranges;
}

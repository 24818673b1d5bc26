/**
 * The live packs of an `S3PackChunkStore` as one instance knows them (layer: store): the
 * manifest is the set of index objects (names in `pack-names.ts`); a pack is live when its index
 * exists and it has no tombstone. A pack without index (a flush cut short) is garbage, never
 * data. S3 LIST is strongly consistent, so a pack whose index PUT has returned is seen by every
 * later LIST.
 *
 * The store's open lists all of `packs/` (the full list) and GETs every live index (16 at a
 * time); indexes are kept in memory (~44 bytes a chunk, binary-searched in place: `locate`). A
 * lookup that no known index answers re-lists (`relist`: at most once per `relistIntervalMs`;
 * `urgent`, a read, at once; concurrent misses share one LIST that starts after they asked) and
 * loads new indexes, so a chunk another server flushed before its ref moved is always found. A
 * re-list is incremental: LIST `packs/t/` and `packs/r/` (in parallel) starting after the newest
 * time seen minus `clockSkewMs`, so it returns what was written lately, not every pack and
 * tombstone kept; a full list runs instead every `fullListIntervalMs`, and after an incremental
 * re-list a read still misses (`relistForMiss`: a writer whose clock ran further behind).
 */
import { CorruptionError } from '../../core/errors.js';
import { lookupInIndex, PackFormatError, parsePackIndex } from '../pack/pack-format.js';
import type { PackIndex, RecordRef } from '../pack/pack-format.js';
import type { S3Location } from './s3-location.js';
import { keyUnder } from './s3-location.js';
import { forEachLimited, OPERATION_CONCURRENCY, type S3Objects } from './s3-objects.js';
import type { ListedObject } from './s3-objects.js';
import {
  listStartAfter,
  PACKS,
  packObjectKey,
  readListing,
  TIMED_PACKS,
  TOMBSTONES,
  type PackObjectKind,
} from './pack-names.js';

export interface LivePack {
  readonly id: string;
  readonly index: PackIndex;
  /** Bytes of the pack object. */
  readonly size: number;
}

export interface Located {
  readonly pack: LivePack;
  readonly ref: RecordRef;
}

export interface ManifestTiming {
  /** Least time between two re-lists on a miss. */
  readonly relistIntervalMs: number;
  /** A re-list is a full list when the last one is older than this. */
  readonly fullListIntervalMs: number;
  /** How far behind this clock another writer's may run for incremental re-lists. */
  readonly clockSkewMs: number;
}

export class S3PackManifest {
  /** Live packs by id. */
  private readonly packs = new Map<string, LivePack>();
  /** Packs this instance retired: a LIST that started before their tombstone must not revive them. */
  private readonly retiredHere = new Set<string>();
  /** Packs whose tombstone a listing has shown (an incremental one lists a pack, not its tombstone, again). */
  private readonly retiredSeen = new Set<string>();
  /** The newest times listed so far, where the next incremental re-list starts (less the skew). */
  private newestPackMs = 0;
  private newestTombstoneMs = 0;
  private lastFullListAt = 0;
  private fullListing: Promise<void> | undefined;
  private listing: Promise<void> | undefined;
  private nextListing: Promise<void> | undefined;
  private lastListAt = 0;
  /** Ends the interval wait of the scheduled LIST early (a read that must not wait for it). */
  private wakeListing: (() => void) | undefined;

  constructor(
    private readonly objects: S3Objects,
    private readonly location: S3Location,
    private readonly timing: ManifestTiming,
  ) {}

  /** The full key of pack `id`'s pack or index object. */
  packKey(id: string, kind: PackObjectKind): string {
    return packObjectKey(this.location, id, kind);
  }

  get count(): number {
    return this.packs.size;
  }

  /** The live packs, in the order they were loaded. */
  live(): LivePack[] {
    return [...this.packs.values()];
  }

  locate(hash: Uint8Array): Located | undefined {
    for (const pack of this.packs.values()) {
      const ref = lookupInIndex(pack.index, hash);
      if (ref) return { pack, ref };
    }
    return undefined;
  }

  /** Whether the next re-list should be a full one. */
  fullListDue(): boolean {
    return Date.now() - this.lastFullListAt >= this.timing.fullListIntervalMs;
  }

  /** A pack this instance uploaded (pack, then index): live from now on. */
  added(pack: LivePack): void {
    this.packs.set(pack.id, pack);
  }

  /** This instance is writing a pack whose id carries `ms`. */
  writing(ms: number): void {
    this.newestPackMs = Math.max(this.newestPackMs, ms);
  }

  /** Packs this instance tombstoned: never served (or revived by a LIST) again. */
  retired(ids: readonly string[]): void {
    for (const id of ids) {
      this.retiredHere.add(id);
      this.packs.delete(id);
    }
  }

  /** A pack found gone (swept): dropped until a LIST shows it again. */
  forget(id: string): void {
    this.packs.delete(id);
  }

  /** Waits for the LIST in progress, if any. */
  async settled(): Promise<void> {
    await this.listing?.catch(() => undefined);
  }

  /**
   * Re-lists for a miss: joins a LIST that has not started yet, or schedules one that starts
   * after any running one and at least `relistIntervalMs` after the previous start. `urgent`
   * (a read by hash: something refers to the chunk, so another server has flushed it) starts
   * it without that wait: a server reading the head another server just moved its branch to
   * must not lag the interval behind it, or it loses every race for that branch to the server
   * that wrote the head (racing-servers test: writes starved through all their rebases).
   */
  relist(urgent = false): Promise<void> {
    if (this.nextListing) {
      if (urgent) this.wakeListing?.();
      return this.nextListing;
    }
    const next = (async () => {
      await this.listing?.catch(() => undefined);
      const wait = urgent ? 0 : this.lastListAt + this.timing.relistIntervalMs - Date.now();
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
      await this.listAndLoad(this.fullListDue());
    })();
    this.nextListing = next;
    return next;
  }

  /**
   * Re-lists for a read that misses: an incremental re-list, then, if `stillMissing()`, a full
   * one (a pack written by a writer whose clock runs more than `clockSkewMs` behind sorts before
   * where the incremental re-list starts). Concurrent misses share the full list.
   */
  async relistForMiss(stillMissing: () => boolean): Promise<void> {
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
  async listAndLoad(full = true, allTombstones = full): Promise<void> {
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
      await forEachLimited(toLoad, OPERATION_CONCURRENCY, async (id) => {
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
    const skew = this.timing.clockSkewMs;
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
}

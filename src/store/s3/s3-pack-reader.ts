/**
 * The read path of an `S3PackChunkStore` for chunks stored in packs (layer: store): the on-disk
 * read cache (`chunk-read-cache.ts`, content-addressed, LRU-bounded) or a ranged GET of the
 * record, whose length, CRC, framing and hash are checked (`chunk-integrity.ts`): damage is a
 * `CorruptionError` naming the chunk and its pack. `readMany` reads many chunks at once: cache
 * first, then the records' ranges (`pack-ranges.ts`), so a tree level costs about one round
 * trip. A chunk no known pack holds re-lists the manifest first; a ranged GET that finds its pack
 * gone (swept after another server's gc) re-lists and reads the chunk from its new pack.
 */
import { checkChunkHash, corruptChunkError } from '../chunk-integrity.js';
import { decodeChunkRecord, PackFormatError, recordCrcHolds } from '../pack/pack-format.js';
import type { RecordRef } from '../pack/pack-format.js';
import type { ChunkReadCache } from './chunk-read-cache.js';
import { coalesce, rangesInFlight, type FetchItem } from './pack-ranges.js';
import { forEachLimited, OPERATION_CONCURRENCY, type S3Objects } from './s3-objects.js';
import type { Located, S3PackManifest } from './s3-pack-manifest.js';

export class S3PackReader {
  constructor(
    private readonly objects: S3Objects,
    private readonly manifest: S3PackManifest,
    private readonly cache: ChunkReadCache,
  ) {}

  /** One stored chunk (undefined when no pack holds it, after a re-list). */
  async readStored(hash: Uint8Array): Promise<Uint8Array | undefined> {
    for (let attempt = 0; ; attempt++) {
      let at = this.manifest.locate(hash);
      if (!at) {
        await this.manifest.relistForMiss(() => !this.manifest.locate(hash));
        at = this.manifest.locate(hash);
        if (!at) return undefined;
      }
      const cached = await this.cache.get(hash);
      if (cached) return cached;
      const { pack } = at;
      const bytes = await this.readRecord(hash, at);
      if (bytes === undefined) {
        // The pack was swept (retired by another server's gc long enough ago): find the new one.
        if (attempt >= 2)
          throw corruptChunkError(
            hash,
            `its pack ${this.manifest.packKey(pack.id, 'pack')} is missing`,
            { pack: this.manifest.packKey(pack.id, 'pack') },
          );
        this.manifest.forget(pack.id);
        continue;
      }
      this.cache.write(hash, bytes);
      return bytes;
    }
  }

  /**
   * The stored chunks of `wanted` into `out[i]` (left undefined for absent ones): cache hits
   * first, then the records of each pack merged into few ranged GETs, 16 to 256 in flight.
   */
  async readMany(
    wanted: readonly { readonly i: number; readonly hash: Uint8Array }[],
    out: (Uint8Array | undefined)[],
  ): Promise<void> {
    const { manifest } = this;
    if (wanted.some(({ hash }) => !manifest.locate(hash)))
      await manifest.relistForMiss(() => wanted.some(({ hash }) => !manifest.locate(hash)));
    const stored: FetchItem[] = [];
    for (const w of wanted) {
      const at = manifest.locate(w.hash);
      if (at) stored.push({ ...w, at });
    }
    const toFetch: FetchItem[] = [];
    await forEachLimited(stored, OPERATION_CONCURRENCY, async (item) => {
      const cached = await this.cache.get(item.hash);
      if (cached) out[item.i] = cached;
      else toFetch.push(item);
    });
    const ranges = coalesce(toFetch);
    await forEachLimited(ranges, rangesInFlight(ranges), async (range) => {
      const { pack, start, end, items } = range;
      const bytes = await this.objects.get(manifest.packKey(pack.id, 'pack'), { start, end });
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
  }

  /** One chunk read by a ranged GET of its record at `at` (undefined when the pack is gone). */
  async readRecord(hash: Uint8Array, at: Located): Promise<Uint8Array | undefined> {
    const { pack, ref } = at;
    const record = await this.objects.get(this.manifest.packKey(pack.id, 'pack'), {
      start: ref.offset,
      end: ref.offset + ref.length - 1,
    });
    return record === undefined ? undefined : this.decodeRecord(hash, pack.id, ref, record);
  }

  /** The chunk in `record`, after its length, CRC, framing and hash checks. */
  private decodeRecord(
    hash: Uint8Array,
    packId: string,
    ref: RecordRef,
    record: Uint8Array,
  ): Uint8Array {
    const where = { pack: this.manifest.packKey(packId, 'pack'), offset: ref.offset };
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
}

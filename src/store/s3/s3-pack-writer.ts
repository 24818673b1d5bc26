/**
 * Writing packs of an `S3PackChunkStore` (layer: store): a pack is uploaded under a new
 * time-ordered id (`pack-names.ts`), then its index; it is live once both are stored (a pack
 * without index is garbage, never data, swept after the grace period). Several servers write
 * their own packs under their own ids, so there is no shared object to race on.
 *
 * `rewrite` (gc and compaction) copies the surviving records of packs (CRC-checked, as they
 * are; duplicates dropped) into new packs of about 64 MiB, uploads them (pack, then index), and
 * only then writes a tombstone for each replaced pack, so a reader that loaded its index earlier
 * can still read it until the sweep (`s3-pack-sweep.ts`). Two servers rewriting the same packs at
 * once only duplicate records (harmless: lookups take any copy).
 */
import type { ChunkHash } from '../../core/hash.js';
import { CorruptionError } from '../../core/errors.js';
import { hashToHex, hexToHash } from '../../core/hash.js';
import {
  buildPack,
  buildPackFromRecords,
  PackFormatError,
  parsePackIndex,
  scanPack,
} from '../pack/pack-format.js';
import type { S3Location } from './s3-location.js';
import { keyUnder } from './s3-location.js';
import { forEachLimited, OPERATION_CONCURRENCY, type S3Objects } from './s3-objects.js';
import type { LivePack, S3PackManifest } from './s3-pack-manifest.js';
import { newPackId, tombstoneName } from './pack-names.js';

/** Repack and compaction write packs of about this size. */
const TARGET_PACK_BYTES = 64 * 1024 * 1024;

export interface BuiltPack {
  readonly pack: Buffer;
  readonly index: Buffer;
}

/** A pack whose bytes are stored, its index not yet. */
export interface UploadedPack {
  readonly id: string;
  readonly index: Buffer;
  readonly size: number;
}

/** The pack of staged chunks (hex hash, bytes). */
export function buildPackOf(chunks: readonly (readonly [ChunkHash, Uint8Array])[]): BuiltPack {
  return buildPack(chunks.map(([hex, bytes]) => [hexToHash(hex), bytes]));
}

export class S3PackWriter {
  constructor(
    private readonly objects: S3Objects,
    private readonly location: S3Location,
    private readonly manifest: S3PackManifest,
    /** The clock pack ids and tombstone names carry. */
    private readonly clock: () => number,
  ) {}

  /** Uploads a pack, then its index; the pack is live (here) once both are stored. */
  async upload(built: BuiltPack): Promise<void> {
    await this.uploadIndex(await this.uploadPack(built));
  }

  /** Uploads a pack under a new id; it is garbage until `uploadIndex`. */
  async uploadPack({ pack, index }: BuiltPack): Promise<UploadedPack> {
    const now = this.clock();
    const id = newPackId(now);
    this.manifest.writing(now);
    await this.objects.put(this.manifest.packKey(id, 'pack'), pack);
    return { id, index, size: pack.length };
  }

  /** Uploads an uploaded pack's index: the pack is live from then on. */
  async uploadIndex({ id, index, size }: UploadedPack): Promise<void> {
    await this.objects.put(this.manifest.packKey(id, 'idx'), index);
    this.manifest.added({ id, index: parsePackIndex(index), size });
  }

  /**
   * Copies the records of `packs` (except `doomed` hashes and repeats) into new packs of about
   * 64 MiB, then retires `packs`. A pack that fails its checks stops the rewrite (nothing is
   * retired): `CorruptionError` naming the pack.
   */
  async rewrite(packs: readonly LivePack[], doomed: ReadonlySet<string>): Promise<void> {
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
      const key = this.manifest.packKey(pack.id, 'pack');
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

  /** Tombstones packs whose records now live elsewhere; they stop being served here at once. */
  private async retire(ids: readonly string[]): Promise<void> {
    const body = Buffer.from(new Date().toISOString() + '\n');
    await forEachLimited(ids, OPERATION_CONCURRENCY, (id) =>
      this.objects.put(keyUnder(this.location, tombstoneName(id, this.clock())), body),
    );
    this.manifest.retired(ids);
  }
}

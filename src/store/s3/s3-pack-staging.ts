/**
 * What an `S3PackChunkStore` holds for its next flush (layer: store): the chunks `put` staged in
 * memory (served by reads at once), and the chunks `put` skipped because a loaded index listed
 * them, with where they were.
 *
 * A skipped chunk may since have been collected by another server's gc (its pack retired, the
 * chunk not copied on). A writer's ref must never point into a retired pack, so before a flush
 * `restageCollected` lists the packs again (the recent packs and every tombstone: whatever the
 * writer's clock, no tombstone is missed) and reads back each skipped chunk no live pack holds
 * (its old pack stays readable for the grace period) and stages it, to be written with the flush.
 */
import { hashToHex, hexToHash, type ChunkHash } from '../../core/hash.js';
import { corruptChunkError } from '../chunk-integrity.js';
import type { Located, S3PackManifest } from './s3-pack-manifest.js';
import type { S3PackReader } from './s3-pack-reader.js';

export class StagedChunks {
  private readonly staged = new Map<ChunkHash, Uint8Array>();
  private stagedBytes = 0;
  /** Chunks `put` skipped as already stored since the last flush, and where they were. */
  private readonly skipped = new Map<ChunkHash, Located>();

  /** Bytes staged. */
  get bytes(): number {
    return this.stagedBytes;
  }

  /** The staged bytes of `hash` (a copy), if staged. */
  get(hash: Uint8Array): Uint8Array | undefined {
    return this.staged.get(hashToHex(hash))?.slice();
  }

  has(hash: Uint8Array): boolean {
    return this.staged.has(hashToHex(hash));
  }

  /** Stages a copy of `bytes`, or notes the chunk as skipped when a pack holds it (`locate`). */
  put(
    hash: Uint8Array,
    bytes: Uint8Array,
    locate: (hash: Uint8Array) => Located | undefined,
  ): void {
    const hex = hashToHex(hash);
    if (this.staged.has(hex)) return;
    const stored = locate(hash);
    if (stored) {
      this.skipped.set(hex, stored);
      return;
    }
    this.add(hex, bytes.slice());
  }

  /** Every staged chunk, (hex hash, bytes), as of now. */
  entries(): [ChunkHash, Uint8Array][] {
    return [...this.staged];
  }

  /** The staged hashes, as of now. */
  hashes(): Uint8Array[] {
    return [...this.staged.keys()].map(hexToHash);
  }

  /** Unstages the chunks of a flush that are still staged with the same bytes. */
  flushed(chunks: readonly (readonly [ChunkHash, Uint8Array])[]): void {
    for (const [hex, bytes] of chunks) {
      if (this.staged.get(hex) !== bytes) continue;
      this.staged.delete(hex);
      this.stagedBytes -= bytes.byteLength;
    }
  }

  /** Forgets `hash` staged or skipped (deleted on purpose: nothing to save from gc). */
  discard(hash: Uint8Array): void {
    const hex = hashToHex(hash);
    this.skipped.delete(hex);
    const staged = this.staged.get(hex);
    if (staged) {
      this.staged.delete(hex);
      this.stagedBytes -= staged.byteLength;
    }
  }

  /** Stages again the skipped chunks gc collected meanwhile (see the module header). */
  async restageCollected(manifest: S3PackManifest, reader: S3PackReader): Promise<void> {
    if (this.skipped.size === 0) return;
    const skipped = [...this.skipped];
    await manifest.listAndLoad(manifest.fullListDue(), true);
    for (const [hex, old] of skipped) {
      this.skipped.delete(hex);
      const hash = hexToHash(hex);
      if (this.staged.has(hex) || manifest.locate(hash)) continue;
      const bytes = await reader.readRecord(hash, old);
      if (!bytes)
        throw corruptChunkError(hash, 'it was collected by gc while a write was using it', {});
      this.add(hex, bytes);
    }
  }

  private add(hex: ChunkHash, bytes: Uint8Array): void {
    this.staged.set(hex, bytes);
    this.stagedBytes += bytes.byteLength;
  }
}

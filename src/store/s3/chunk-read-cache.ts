/**
 * ChunkReadCache: a bounded on-disk cache of chunks read from an object store (layer: store).
 *
 * Files are named by the chunk's SHA-256 (`dir/ab/<64 hex>`), so an entry never needs
 * invalidation: the same name always means the same bytes. Writes go to `dir/tmp/` and are
 * renamed into place (a crash leaves a complete entry or none; leftover temp files are removed
 * on open). Every hit is checked against its hash: a damaged entry is removed and reported as a
 * miss, so the caller fetches the chunk again. The cache holds at most `maxBytes`: it evicts the
 * least recently used entries (recency from file mtimes on open, then from use). Failing to
 * write the cache never fails a read. One process owns a cache folder at a time. `write` caches
 * without making the reader wait for the disk (a cold read of a tree level writes hundreds of
 * entries): the bytes are served from memory until their file is in place, and `settled`
 * waits for the writes in progress (the store's close).
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { hashToHex } from '../../core/hash.js';

const TMP = 'tmp';
const NAME = /^[0-9a-f]{64}$/;

export class ChunkReadCache {
  /** hex -> size; Map order is recency (oldest first). */
  private readonly entries = new Map<string, number>();
  private totalBytes = 0;
  /** Entries being written by `write`, served from memory meanwhile. */
  private readonly writing = new Map<string, Uint8Array>();
  private readonly writes = new Set<Promise<void>>();
  /** Shard folders known to exist. */
  private readonly shards = new Set<string>();
  hits = 0;
  misses = 0;

  private constructor(
    readonly dir: string,
    readonly maxBytes: number,
  ) {}

  static async open(dir: string, maxBytes: number): Promise<ChunkReadCache> {
    const cache = new ChunkReadCache(dir, maxBytes);
    await rm(join(dir, TMP), { recursive: true, force: true });
    await mkdir(join(dir, TMP), { recursive: true });
    const found: { hex: string; size: number; used: number }[] = [];
    for (const shard of await readdir(dir)) {
      if (!/^[0-9a-f]{2}$/.test(shard)) continue;
      for (const name of await readdir(join(dir, shard))) {
        if (!NAME.test(name) || !name.startsWith(shard)) continue;
        const info = await stat(join(dir, shard, name)).catch(() => undefined);
        if (info?.isFile()) found.push({ hex: name, size: info.size, used: info.mtimeMs });
      }
    }
    found.sort((a, b) => a.used - b.used);
    for (const f of found) cache.remember(f.hex, f.size);
    await cache.evict();
    return cache;
  }

  get bytes(): number {
    return this.totalBytes;
  }

  get size(): number {
    return this.entries.size;
  }

  pathOf(hex: string): string {
    return join(this.dir, hex.slice(0, 2), hex);
  }

  /** The cached chunk, checked against its hash; undefined on a miss or a damaged entry. */
  async get(hash: Uint8Array): Promise<Uint8Array | undefined> {
    const hex = hashToHex(hash);
    const pending = this.writing.get(hex);
    if (pending) {
      this.hits++;
      return pending;
    }
    if (!this.entries.has(hex)) {
      this.misses++;
      return undefined;
    }
    let bytes: Buffer;
    try {
      bytes = await readFile(this.pathOf(hex));
    } catch {
      this.forget(hex);
      this.misses++;
      return undefined;
    }
    if (!createHash('sha256').update(bytes).digest().equals(hash)) {
      this.forget(hex);
      await unlink(this.pathOf(hex)).catch(() => undefined);
      this.misses++;
      return undefined;
    }
    this.remember(hex, bytes.byteLength);
    this.hits++;
    return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** `put` without waiting for it (see the module header). */
  write(hash: Uint8Array, bytes: Uint8Array): void {
    const hex = hashToHex(hash);
    if (this.entries.has(hex) || this.writing.has(hex) || bytes.byteLength > this.maxBytes) return;
    this.writing.set(hex, bytes);
    const done: Promise<void> = this.put(hash, bytes).finally(() => {
      this.writing.delete(hex);
      this.writes.delete(done);
    });
    this.writes.add(done);
  }

  /** Waits for the writes `write` started. */
  async settled(): Promise<void> {
    while (this.writes.size > 0) await Promise.all([...this.writes]);
  }

  /** Caches a verified chunk (best effort: a failed write is dropped). */
  async put(hash: Uint8Array, bytes: Uint8Array): Promise<void> {
    const hex = hashToHex(hash);
    if (this.entries.has(hex) || bytes.byteLength > this.maxBytes) return;
    const tmp = join(this.dir, TMP, `${hex}-${randomBytes(4).toString('hex')}`);
    try {
      await writeFile(tmp, bytes);
      const shard = hex.slice(0, 2);
      if (!this.shards.has(shard)) {
        await mkdir(join(this.dir, shard), { recursive: true });
        this.shards.add(shard);
      }
      await rename(tmp, this.pathOf(hex));
    } catch {
      this.shards.delete(hex.slice(0, 2)); // made again by the next write, if it was removed
      await unlink(tmp).catch(() => undefined);
      return;
    }
    this.remember(hex, bytes.byteLength);
    await this.evict();
  }

  private remember(hex: string, size: number): void {
    this.forget(hex);
    this.entries.set(hex, size);
    this.totalBytes += size;
  }

  private forget(hex: string): void {
    const size = this.entries.get(hex);
    if (size === undefined) return;
    this.entries.delete(hex);
    this.totalBytes -= size;
  }

  private async evict(): Promise<void> {
    const victims: string[] = [];
    for (const [hex] of this.entries) {
      if (this.totalBytes <= this.maxBytes) break;
      victims.push(hex);
      this.forget(hex);
    }
    for (const hex of victims) await unlink(this.pathOf(hex)).catch(() => undefined);
  }
}

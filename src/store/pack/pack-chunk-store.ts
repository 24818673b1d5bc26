/**
 * PackChunkStore: a ChunkStore of append-only pack files with sorted indexes (layer: store).
 *
 * Files in the store's folder (format in `pack-format.ts`, manifest in `pack-manifest.ts`):
 *   MANIFEST      the live packs and the journal; replaced atomically (temp, fsync, rename, fsync
 *                 the folder)
 *   <id>.pack     a pack; the manifest's `journal` is the one being appended to
 *   <id>.idx      the index of a sealed pack
 *
 * Writes: `put` stages the chunk in memory (visible to `get` at once). `flush` encodes the staged
 * chunks as records plus a commit marker, appends them to the journal in one positional write
 * and makes them durable with one `fdatasync`; only then are they served from the journal.
 * A failed append is cut off again (ftruncate to the old end), the chunks stay staged, and the
 * error (`DiskFullError` or `CHUNK_WRITE_FAILED`) is thrown by `flush`.
 * When the journal passes `sealBytes` (64 MiB) after a flush it is sealed: its index is written
 * durably, a new empty journal created, and a manifest naming both written atomically.
 *
 * Opening loads every sealed pack's index (~44 bytes a chunk, searched in place) and scans the
 * journal record by record, keeping complete batches (up to the last commit marker whose CRC
 * holds) and truncating whatever follows, so a torn tail is never read as data. The scan is
 * bounded by `sealBytes` plus one flush. Files the manifest does not name (left by a crash
 * mid-seal or mid-repack) are removed.
 *
 * Reads: staged chunks from memory; stored ones by one positional read of the record (an fd
 * cache keeps packs open), decoded, and checked against their hash (`chunk-integrity.ts`) as
 * `LmdbChunkStore` does, so damage is a `CorruptionError` naming the chunk, never wrong bytes.
 * Reads are synchronous `readSync` calls: a record is one small read, mostly from the page
 * cache, where a thread-pool round trip would cost more than the read.
 *
 * Garbage collection (`delete`): the journal is sealed if it holds a deleted chunk, then the
 * surviving records of every affected pack are copied (CRC-checked) into one new pack with its
 * index, both made durable, the manifest is replaced to list it instead of the old packs, and
 * only then are the old packs unlinked. A crash at any step opens either the old or the new
 * manifest, each naming packs that hold every live chunk.
 *
 * Invariants: a hash is stored once (put skips a hash already staged or stored; repack copies
 * each survivor once); writes (flush, seal, delete) run one at a time (`exclusive`).
 */
import { closeSync, fsyncSync, openSync, readSync } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { mkdir, open, readFile, readdir, rename, rm, unlink } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { InvalidArgumentError, VersoError } from '../../core/errors.js';
import { HASH_BYTES, hashToHex, hexToHash } from '../../core/hash.js';
import type { ChunkHash } from '../../core/hash.js';
import { asDiskFull } from '../../io/disk-full.js';
import { checkChunkHash, corruptChunkError } from '../chunk-integrity.js';
import type { ChunkStore } from '../chunk-store.js';
import { ChunkStoreDamagedError } from '../lmdb/lmdb-file-check.js';
import {
  buildPackIndex,
  decodeChunkRecord,
  encodeChunkRecord,
  encodeCommitMarker,
  encodePackHeader,
  entryAt,
  lookupInIndex,
  PACK_HEADER_BYTES,
  PackFormatError,
  parsePackIndex,
  scanPack,
} from './pack-format.js';
import type { PackIndex, RecordRef } from './pack-format.js';
import { encodePackManifest, PackManifestError, parsePackManifest } from './pack-manifest.js';
import { failpoint } from '../../core/failpoints.js';

/** A journal is sealed (indexed) once it passes this many bytes. */
export const DEFAULT_SEAL_BYTES = 64 << 20;
/** `ready()` flushes once more than this is staged. */
const MAX_STAGED_BYTES = 32 << 20;
/** Open read descriptors kept at most. */
const MAX_OPEN_FDS = 32;
/** Repack writes its new pack in pieces of this size. */
const REPACK_WRITE_BYTES = 1 << 20;
const MANIFEST = 'MANIFEST';

interface SealedPack {
  readonly id: string;
  readonly index: PackIndex;
}

interface Journal {
  readonly id: string;
  readonly handle: FileHandle;
  end: number;
  readonly records: Map<ChunkHash, RecordRef>;
}

interface Staged {
  readonly hash: Uint8Array;
  readonly bytes: Uint8Array;
}

export interface PackChunkStoreOptions {
  /** false: the store must exist (a repository's); a missing or damaged one is refused. */
  readonly create?: boolean;
  /** Journal size at which it is sealed; small values exercise sealing in tests. */
  readonly sealBytes?: number;
}

function newPackId(): string {
  return randomBytes(8).toString('hex');
}

function fsyncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Writes `bytes` to `dir/name` durably and atomically: temp file, fsync, rename, fsync folder. */
async function writeFileDurably(
  dir: string,
  name: string,
  bytes: Uint8Array,
  point: 'index' | 'journal' | 'manifest',
) {
  const temp = join(dir, `${name}.tmp`);
  const handle = await open(temp, 'w');
  try {
    const half = bytes.length >>> 1;
    await handle.write(bytes, 0, half, 0);
    failpoint(`pack-${point}-half`);
    await handle.write(bytes, half, bytes.length - half, half);
    await handle.sync();
  } finally {
    await handle.close();
  }
  failpoint(`pack-${point}-written`);
  await rename(temp, join(dir, name));
  fsyncDir(dir);
  failpoint(`pack-${point}-renamed`);
}

export class PackChunkStore implements ChunkStore {
  private readonly staged = new Map<ChunkHash, Staged>();
  private stagedBytes = 0;
  private readonly fds = new Map<string, number>();
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;

  private constructor(
    private readonly dir: string,
    private sealed: SealedPack[],
    private journal: Journal,
    private readonly sealBytes: number,
  ) {}

  /** Opens (creating unless `create` is false) the pack store in folder `dir`. */
  static async open(dir: string, opts: PackChunkStoreOptions = {}): Promise<PackChunkStore> {
    const sealBytes = opts.sealBytes ?? DEFAULT_SEAL_BYTES;
    const manifestFile = join(dir, MANIFEST);
    let manifestBytes: Buffer | undefined;
    try {
      manifestBytes = await readFile(manifestFile);
    } catch (error) {
      if ((error as { code?: string }).code !== 'ENOENT') throw error;
      if (opts.create === false)
        throw new ChunkStoreDamagedError(manifestFile, 'missing', 'no pack manifest');
    }
    if (manifestBytes === undefined) {
      await mkdir(dir, { recursive: true });
      const journal = newPackId();
      await writeFileDurably(dir, `${journal}.pack`, encodePackHeader(), 'journal');
      await writeFileDurably(dir, MANIFEST, encodePackManifest({ packs: [], journal }), 'manifest');
      manifestBytes = await readFile(manifestFile);
    }
    let manifest;
    try {
      manifest = parsePackManifest(manifestBytes);
    } catch (error) {
      if (!(error instanceof PackManifestError)) throw error;
      throw new ChunkStoreDamagedError(manifestFile, 'unreadable', error.message);
    }
    if (manifest.journal === undefined)
      throw new ChunkStoreDamagedError(manifestFile, 'unreadable', 'it names no journal');
    const sealed: SealedPack[] = [];
    for (const id of manifest.packs) sealed.push({ id, index: await loadIndex(dir, id) });
    const journal = await openJournal(dir, manifest.journal);
    const store = new PackChunkStore(dir, sealed, journal, sealBytes);
    for (const [key, ref] of [...journal.records]) {
      if (store.sealedRecord(ref.hash)) journal.records.delete(key);
    }
    await removeUnlisted(dir, new Set(manifest.packs), manifest.journal);
    return store;
  }

  async get(hash: Uint8Array): Promise<Uint8Array | undefined> {
    const key = hashToHex(hash);
    const staged = this.staged.get(key);
    if (staged !== undefined) return staged.bytes.slice();
    const where = this.locate(key, hash);
    if (where === undefined) return undefined;
    const record = Buffer.allocUnsafe(where.ref.length);
    const got = readSync(this.fd(where.pack), record, 0, record.length, where.ref.offset);
    if (got !== record.length)
      throw corruptChunkError(hash, `its record in pack ${where.pack} is cut short`);
    let bytes: Uint8Array;
    try {
      bytes = decodeChunkRecord(record).bytes;
    } catch (error) {
      if (!(error instanceof PackFormatError)) throw error;
      throw corruptChunkError(
        hash,
        `its record in pack ${where.pack} is damaged (${error.message})`,
      );
    }
    checkChunkHash(hash, bytes);
    return bytes;
  }

  async has(hash: Uint8Array): Promise<boolean> {
    const key = hashToHex(hash);
    return this.staged.has(key) || this.locate(key, hash) !== undefined;
  }

  put(hash: Uint8Array, bytes: Uint8Array): void {
    if (hash.length !== HASH_BYTES)
      throw new InvalidArgumentError('chunk hash', hash.length, 'expected 32 bytes');
    const key = hashToHex(hash);
    if (this.staged.has(key) || this.locate(key, hash) !== undefined) return;
    this.staged.set(key, { hash: new Uint8Array(hash), bytes: new Uint8Array(bytes) });
    this.stagedBytes += bytes.length;
  }

  flush(): Promise<void> {
    return this.exclusive(async () => {
      await this.append();
      if (this.journal.end >= this.sealBytes) await this.seal();
    });
  }

  async ready(): Promise<void> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (this.stagedBytes > MAX_STAGED_BYTES) await this.flush();
  }

  delete(hashes: readonly Uint8Array[]): Promise<void> {
    return this.exclusive(async () => {
      const doomed = new Set<ChunkHash>();
      for (const hash of hashes) {
        const key = hashToHex(hash);
        const staged = this.staged.get(key);
        if (staged !== undefined) {
          this.staged.delete(key);
          this.stagedBytes -= staged.bytes.length;
        } else if (this.locate(key, hash) !== undefined) doomed.add(key);
      }
      if (doomed.size === 0) return;
      if ([...doomed].some((key) => this.journal.records.has(key))) await this.seal();
      await this.repack(doomed);
    });
  }

  async *hashes(): AsyncIterable<Uint8Array> {
    // A snapshot: gc may delete (and so seal and repack) while the caller iterates.
    const sealed = this.sealed;
    const journal = this.journal;
    for (const [i, pack] of sealed.entries()) {
      for (let e = 0; e < pack.index.count; e++) {
        const hash = entryAt(pack.index, e).hash;
        if (!sealed.slice(0, i).some((p) => lookupInIndex(p.index, hash))) yield hash.slice();
      }
    }
    for (const ref of journal.records.values()) yield ref.hash.slice();
    for (const staged of this.staged.values()) yield staged.hash.slice();
  }

  async sizeBytes(): Promise<number> {
    let total = this.journal.end;
    for (const pack of this.sealed) total += pack.index.packLength + pack.index.bytes.length;
    return total;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.flush();
    } finally {
      await this.queue.catch(() => {});
      for (const fd of this.fds.values()) closeSync(fd);
      this.fds.clear();
      await this.journal.handle.close();
    }
  }

  /** Runs `task` after every write started before it (one write at a time). */
  private exclusive<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => {});
    return run;
  }

  private sealedRecord(hash: Uint8Array): { pack: string; ref: RecordRef } | undefined {
    for (const pack of this.sealed) {
      const ref = lookupInIndex(pack.index, hash);
      if (ref) return { pack: pack.id, ref };
    }
    return undefined;
  }

  private locate(key: ChunkHash, hash: Uint8Array): { pack: string; ref: RecordRef } | undefined {
    const ref = this.journal.records.get(key);
    if (ref) return { pack: this.journal.id, ref };
    return this.sealedRecord(hash);
  }

  /** A read descriptor for pack `id`, from a small cache (oldest closed first). */
  private fd(id: string): number {
    const known = this.fds.get(id);
    if (known !== undefined) {
      this.fds.delete(id);
      this.fds.set(id, known);
      return known;
    }
    if (this.fds.size >= MAX_OPEN_FDS) {
      const [oldest, fd] = this.fds.entries().next().value as [string, number];
      this.fds.delete(oldest);
      closeSync(fd);
    }
    const fd = openSync(join(this.dir, `${id}.pack`), 'r');
    this.fds.set(id, fd);
    return fd;
  }

  private dropFd(id: string): void {
    const fd = this.fds.get(id);
    if (fd === undefined) return;
    this.fds.delete(id);
    closeSync(fd);
  }

  /** Appends the staged chunks and a commit marker to the journal: one write, one fdatasync. */
  private async append(): Promise<void> {
    if (this.staged.size === 0) return;
    const batch = [...this.staged];
    const parts: Buffer[] = [];
    const refs: RecordRef[] = [];
    let at = this.journal.end;
    for (const [, { hash, bytes }] of batch) {
      const record = encodeChunkRecord(hash, bytes);
      refs.push({ hash, offset: at, length: record.length });
      parts.push(record);
      at += record.length;
    }
    parts.push(encodeCommitMarker(batch.length));
    const bytes = Buffer.concat(parts);
    const start = this.journal.end;
    try {
      await this.journal.handle.write(bytes, 0, bytes.length, start);
      failpoint('pack-append-written');
      await this.journal.handle.datasync();
    } catch (error) {
      await this.journal.handle.truncate(start).catch(() => {});
      throw this.writeError(error);
    }
    this.journal.end = start + bytes.length;
    for (const [i, [key, staged]] of batch.entries()) {
      this.journal.records.set(key, refs[i]!);
      if (this.staged.get(key) === staged) {
        this.staged.delete(key);
        this.stagedBytes -= staged.bytes.length;
      }
    }
  }

  /** Indexes the journal, starts a new one, and records both in the manifest. */
  private async seal(): Promise<void> {
    const old = this.journal;
    const indexBytes = buildPackIndex([...old.records.values()], old.end);
    const next = newPackId();
    try {
      await writeFileDurably(this.dir, `${old.id}.idx`, indexBytes, 'index');
      await writeFileDurably(this.dir, `${next}.pack`, encodePackHeader(), 'journal');
      const packs = [...this.sealed.map((p) => p.id), old.id];
      await this.writeManifest(packs, next);
    } catch (error) {
      throw this.writeError(error);
    }
    this.sealed.push({ id: old.id, index: parsePackIndex(indexBytes) });
    this.journal = await openJournal(this.dir, next);
    await old.handle.close();
  }

  /** Copies the survivors of the packs holding `doomed` into one new pack, then drops those packs. */
  private async repack(doomed: ReadonlySet<ChunkHash>): Promise<void> {
    const affected = this.sealed.filter((pack) => {
      for (let e = 0; e < pack.index.count; e++)
        if (doomed.has(hashToHex(entryAt(pack.index, e).hash))) return true;
      return false;
    });
    const id = newPackId();
    const refs: RecordRef[] = [];
    let end = 0;
    try {
      const handle = await open(join(this.dir, `${id}.pack`), 'w');
      try {
        let buffer: Buffer[] = [encodePackHeader()];
        let buffered = PACK_HEADER_BYTES;
        for (const pack of affected) {
          for (let e = 0; e < pack.index.count; e++) {
            const ref = entryAt(pack.index, e);
            if (doomed.has(hashToHex(ref.hash))) continue;
            const record = this.readRecord(pack.id, ref);
            refs.push({ hash: ref.hash.slice(), offset: end + buffered, length: record.length });
            buffer.push(record);
            buffered += record.length;
            if (buffered >= REPACK_WRITE_BYTES) {
              await handle.write(Buffer.concat(buffer), 0, buffered, end);
              end += buffered;
              buffer = [];
              buffered = 0;
            }
          }
        }
        buffer.push(encodeCommitMarker(refs.length));
        const tail = Buffer.concat(buffer);
        await handle.write(tail, 0, tail.length, end);
        end += tail.length;
        await handle.sync();
      } finally {
        await handle.close();
      }
      failpoint('pack-repack-written');
      const keep = this.sealed.filter((pack) => !affected.includes(pack)).map((p) => p.id);
      if (refs.length > 0) {
        await writeFileDurably(this.dir, `${id}.idx`, buildPackIndex(refs, end), 'index');
        keep.push(id);
      }
      await this.writeManifest(keep, this.journal.id);
    } catch (error) {
      throw this.writeError(error);
    }
    const index = refs.length > 0 ? parsePackIndex(buildPackIndex(refs, end)) : undefined;
    this.sealed = this.sealed.filter((pack) => !affected.includes(pack));
    if (index) this.sealed.push({ id, index });
    for (const pack of affected) {
      this.dropFd(pack.id);
      await rm(join(this.dir, `${pack.id}.pack`), { force: true });
      await rm(join(this.dir, `${pack.id}.idx`), { force: true });
    }
    if (!index) await rm(join(this.dir, `${id}.pack`), { force: true });
    fsyncDir(this.dir);
  }

  /** The bytes of one record, checked by re-scanning them as a one-record batch. */
  private readRecord(pack: string, ref: RecordRef): Buffer {
    const record = Buffer.allocUnsafe(ref.length);
    const got = readSync(this.fd(pack), record, 0, ref.length, ref.offset);
    const scan =
      got === ref.length
        ? scanPack(Buffer.concat([encodePackHeader(), record, encodeCommitMarker(1)]))
        : undefined;
    if (scan?.records.length !== 1)
      throw corruptChunkError(ref.hash, `its record in pack ${pack} is damaged; gc stopped`);
    return record;
  }

  private async writeManifest(packs: string[], journal: string): Promise<void> {
    await writeFileDurably(this.dir, MANIFEST, encodePackManifest({ packs, journal }), 'manifest');
  }

  /** The typed error for a failed write: a full disk, or `CHUNK_WRITE_FAILED`. */
  private writeError(error: unknown): VersoError {
    if (error instanceof VersoError) return error;
    const full = asDiskFull(error, `the chunk store ${this.dir}`, this.dir);
    if (full) return full;
    const why = error instanceof Error ? error.message : String(error);
    return new VersoError(
      'Internal',
      'CHUNK_WRITE_FAILED',
      `a write to the chunk store '${this.dir}' failed (${why}); the chunks it held are not stored`,
      { dir: this.dir },
      { cause: error },
    );
  }
}

async function loadIndex(dir: string, id: string): Promise<PackIndex> {
  const file = join(dir, `${id}.idx`);
  let index: PackIndex;
  try {
    index = parsePackIndex(await readFile(file));
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOENT')
      throw new ChunkStoreDamagedError(file, 'missing', 'a listed pack has no index');
    if (!(error instanceof PackFormatError)) throw error;
    throw new ChunkStoreDamagedError(file, 'unreadable', error.message);
  }
  const packFile = join(dir, `${id}.pack`);
  const handle = await open(packFile, 'r').catch((error: unknown) => {
    throw new ChunkStoreDamagedError(packFile, 'missing', (error as Error).message);
  });
  const size = (await handle.stat()).size;
  await handle.close();
  if (size !== index.packLength)
    throw new ChunkStoreDamagedError(
      packFile,
      'truncated',
      `${size} bytes, its index says ${index.packLength}`,
    );
  return index;
}

/** Opens the journal, keeps its complete batches, and cuts off a torn tail. */
async function openJournal(dir: string, id: string): Promise<Journal> {
  const file = join(dir, `${id}.pack`);
  let handle: FileHandle;
  try {
    handle = await open(file, 'r+');
  } catch (error) {
    throw new ChunkStoreDamagedError(file, 'missing', (error as Error).message);
  }
  try {
    const bytes = await readFile(handle);
    let scan;
    try {
      scan = scanPack(bytes);
    } catch (error) {
      if (!(error instanceof PackFormatError)) throw error;
      throw new ChunkStoreDamagedError(file, 'unreadable', error.message);
    }
    if (scan.committedEnd < bytes.length) {
      await handle.truncate(scan.committedEnd);
      await handle.datasync();
    }
    const records = new Map<ChunkHash, RecordRef>();
    for (const ref of scan.records) {
      const key = hashToHex(ref.hash);
      if (!records.has(key)) records.set(key, { ...ref, hash: hexToHash(key) });
    }
    return { id, handle, end: scan.committedEnd, records };
  } catch (error) {
    await handle.close();
    throw error;
  }
}

/**
 * Removes what the manifest does not name: other packs and indexes, the journal's index (a seal
 * that did not reach the manifest), and temporary files.
 */
async function removeUnlisted(dir: string, sealed: ReadonlySet<string>, journal: string) {
  for (const name of await readdir(dir)) {
    const m = /^([0-9a-f]{16})\.(pack|idx)(\.tmp)?$/.exec(name);
    const stray = m
      ? m[3] !== undefined || !(sealed.has(m[1]!) || (m[1] === journal && m[2] === 'pack'))
      : name === `${MANIFEST}.tmp`;
    if (stray) await unlink(join(dir, name)).catch(() => {});
  }
}

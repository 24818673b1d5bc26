/**
 * LmdbChunkStore: the embedded default ChunkStore, one LMDB environment in a folder (layer: store).
 *
 * Keys are the raw 32-byte hashes, values the raw chunk bytes, LZ4-compressed by lmdb-js off the
 * main thread (`compression: true`: lmdb-js compresses values of 1000 bytes or more and stores
 * smaller ones raw, where LZ4 gains little). The environment must always be reopened with the
 * same compression setting, so it lives here and nowhere else.
 *
 * Writes: `put` never waits. It hands the bytes to lmdb-js's asynchronous, batched `put` (every
 * write in one event turn shares one commit) and remembers the batch; `flush()` waits for every
 * batch started before it and then for `db.flushed` (the fsync; we keep lmdb-js's default synced
 * commits). A failed write is recorded and thrown by the next `flush()`.
 *
 * Reads: every chunk read is verified (`chunk-integrity.ts`): its bytes must hash to its key, or
 * the read is a `CorruptionError` naming the chunk. Values are read through a second handle on
 * the same database without lmdb-js's decompression (`raw`) and decompressed here
 * (`lmdb-stored-value.ts`), because lmdb-js's native decompression prints a damaged value to
 * stderr byte by byte and returns stale bytes. The cost (one SHA-256 per chunk read; node reads
 * are cached above, in `NodeStore`) is measured in docs/benchmarks.md.
 *
 * Opening an existing store (`create: false`) first checks its data file (`lmdb-file-check.ts`):
 * a missing, empty or truncated file is refused with `ChunkStoreDamagedError` before LMDB maps
 * it (mapping a truncated file ends in SIGBUS). A failed commit is reported by `flush` (and
 * `delete`) as `DiskFullError` when the disk is full, else `CHUNK_WRITE_FAILED`; lmdb-js's own
 * log line and stray promises for it are handled (`lmdb-commit-failures.ts`).
 *
 * Invariants:
 * - lmdb-js keeps a pointer to a value until its batch commits, so `put` copies the bytes it is
 *   given; callers may reuse their buffers at once.
 * - A staged chunk (put, not yet committed) is served from `staged`, so `get`/`has` see it before
 *   the commit, like every other backend. Entries leave `staged` when their batch commits, so
 *   memory is bounded by the writes in flight, not by the writes since the last flush.
 * - `put` of a staged hash does nothing; of a stored hash, nothing either: the write is
 *   conditional (MDB_NOOVERWRITE), checked inside the write transaction.
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { open } from 'lmdb';
import type { RootDatabase } from 'lmdb';
import { HASH_BYTES, hashToHex } from '../../core/hash.js';
import type { ChunkHash } from '../../core/hash.js';
import { asDiskFull } from '../../io/disk-full.js';
import { InvalidArgumentError, VersoError } from '../../core/errors.js';
import { checkChunkHash, corruptChunkError } from '../chunk-integrity.js';
import type { ChunkStore, ThreadReaderLocation } from '../chunk-store.js';
import { claimCommitError, claimCommitPromise, muteCommitLog } from './lmdb-commit-failures.js';
import { ChunkStoreDamagedError, checkLmdbFile } from './lmdb-file-check.js';
import { decodeStoredValue } from './lmdb-stored-value.js';
import { Lz4BlockError } from '../lz4-block.js';

type ChunkDb = RootDatabase<Uint8Array, Uint8Array>;

/** `put` with MDB_NOOVERWRITE (lmdb-js's options form, which its typings leave out). */
function putUnlessStored(db: ChunkDb, hash: Uint8Array, bytes: Uint8Array): Promise<boolean> {
  const put = db.put.bind(db) as unknown as (
    k: Uint8Array,
    v: Uint8Array,
    o: { noOverwrite: boolean },
  ) => Promise<boolean>;
  return put(hash, bytes, { noOverwrite: true });
}

/** Staged chunks are copied into slabs of this size (see `copyToSlab`). */
const SLAB_BYTES = 1 << 20;
/** Virtual address space reserved for the map (not disk): 1 TiB. */
const MAP_SIZE_BYTES = 2 ** 40;

/** `ready()` holds bulk writers back while more than this waits to be committed. */
const MAX_STAGED_BYTES = 64 << 20;

/** The staged chunks of one lmdb-js commit, and a promise that settles (never rejects) after it. */
interface Batch {
  readonly entries: Array<readonly [ChunkHash, Uint8Array]>;
  settled: Promise<void>;
}

export class LmdbChunkStore implements ChunkStore {
  private readonly staged = new Map<ChunkHash, Uint8Array>();
  private readonly batches = new Map<Promise<boolean>, Batch>();
  private failures: unknown[] = [];
  private slab = new Uint8Array(SLAB_BYTES);
  private slabUsed = 0;
  private stagedBytes = 0;
  private closed = false;
  /** Whether a commit of this store has failed (lmdb-js then never settles `flushed`). */
  private commitFailed = false;
  /** Whether this event turn's lmdb-js commit promise is already being claimed. */
  private claiming = false;
  private readonly unmute = muteCommitLog();

  private constructor(
    private readonly db: ChunkDb,
    /** The same database, values as stored (compressed): what `get` reads. */
    private readonly raw: ChunkDb,
    /** lmdb-js's LZ4 dictionary, word-aligned as its native code uses it. */
    private readonly dictionary: Uint8Array,
    private readonly dir: string,
  ) {}

  /**
   * Opens the store in folder `dir`: `dir/data.mdb` and `dir/lock.mdb`, creating them unless
   * `create` is false (an existing repository: then a missing, empty, truncated or unreadable
   * data file is `ChunkStoreDamagedError`).
   */
  static async open(
    dir: string,
    opts: { readonly create?: boolean } = {},
  ): Promise<LmdbChunkStore> {
    if (opts.create === false) checkLmdbFile(dir);
    try {
      return LmdbChunkStore.openLmdb(dir);
    } catch (error) {
      if (opts.create !== false) throw error;
      const why = error instanceof Error ? error.message : String(error);
      throw new ChunkStoreDamagedError(join(dir, 'data.mdb'), 'unreadable', why);
    }
  }

  private static openLmdb(dir: string): LmdbChunkStore {
    const db = open<Uint8Array, Uint8Array>({
      path: dir,
      noSubdir: false, // `dir` is a folder even when its name has a dot in it
      keyEncoding: 'binary',
      encoding: 'binary',
      compression: true,
      // One fixed, huge virtual map: lmdb-js otherwise starts small and remaps as the file
      // grows, and the superseded maps stay resident (a 10M-label import reached 2.5 GB of
      // mapped file pages for a 1.2 GB file). The file itself still grows only as needed.
      mapSize: MAP_SIZE_BYTES,
    });
    const raw = db.openDB({
      name: null as unknown as string, // the root database, as the typings do not say
      keyEncoding: 'binary',
      encoding: 'binary',
      compression: false,
    }) as unknown as ChunkDb;
    const dictionary = (db as unknown as { compression: { dictionary: Uint8Array } }).compression
      .dictionary;
    return new LmdbChunkStore(db, raw, dictionary.subarray(0, dictionary.length & ~7), dir);
  }

  /** Worker threads open the same environment (lmdb-js shares it within a process). */
  get threadReader(): ThreadReaderLocation {
    return { backend: 'lmdb', directory: this.dir };
  }

  async get(hash: Uint8Array): Promise<Uint8Array | undefined> {
    // No hex id to make when nothing is staged (the reads of a commit mostly come before its writes).
    const staged = this.staged.size > 0 ? this.staged.get(hashToHex(hash)) : undefined;
    if (staged !== undefined) return staged.slice();
    // lmdb-js's shared read buffer, valid until the next read: decoded or copied at once.
    let shared = this.raw.getBinaryFast(hash);
    if (shared === undefined) {
      // lmdb-js renews its read snapshot only on a new event turn or after this process's own
      // commits: a chunk another process committed since (a commit whose ref this process has
      // just read from the catalog) is looked up again in the latest snapshot.
      this.db.resetReadTxn();
      shared = this.raw.getBinaryFast(hash);
      if (shared === undefined) return undefined;
    }
    const size = (this.raw as unknown as { lastSize: number }).lastSize; // lmdb-js sets it
    const stored = new Uint8Array(shared.buffer, shared.byteOffset, size);
    let bytes: Uint8Array;
    try {
      bytes = decodeStoredValue(stored, this.dictionary);
    } catch (error) {
      if (!(error instanceof Lz4BlockError)) throw error;
      throw corruptChunkError(hash, `its stored bytes do not decompress (${error.message})`);
    }
    if (bytes === stored) bytes = stored.slice();
    checkChunkHash(hash, bytes);
    return bytes;
  }

  async has(hash: Uint8Array): Promise<boolean> {
    return this.staged.has(hashToHex(hash)) || this.db.doesExist(hash);
  }

  put(hash: Uint8Array, bytes: Uint8Array): void {
    if (hash.length !== HASH_BYTES)
      throw new InvalidArgumentError('chunk hash', hash.length, 'expected 32 bytes');
    const key = hashToHex(hash);
    if (this.staged.has(key)) return;
    const owned = this.copyToSlab(bytes);
    let commit: Promise<boolean>;
    try {
      // ifVersion null = MDB_NOOVERWRITE: a chunk already stored is skipped inside the write
      // transaction, so the check is atomic with the write and costs this thread nothing.
      commit = putUnlessStored(this.db, hash, owned);
    } catch (error) {
      this.failures.push(error);
      return;
    }
    this.staged.set(key, owned);
    this.stagedBytes += owned.length;
    this.batchOf(commit).entries.push([key, owned]);
    this.claimTurnCommit();
  }

  /**
   * lmdb-js starts this turn's commit from a task queued by the first write; ours, queued
   * after it, claims the commit promise it made (see `lmdb-commit-failures.ts`).
   */
  private claimTurnCommit(): void {
    if (this.claiming) return;
    this.claiming = true;
    setImmediate(() => {
      this.claiming = false;
      claimCommitPromise(this.db);
    });
  }

  async flush(): Promise<void> {
    await Promise.all([...this.batches.values()].map((batch) => batch.settled));
    // After a failed commit lmdb-js never settles `flushed`: waiting would hang the process.
    if (this.failures.length === 0 && !this.commitFailed) {
      try {
        await this.db.flushed;
      } catch (error) {
        this.failures.push(error);
      }
    }
    const failures = this.failures;
    if (failures.length === 0) return;
    this.failures = [];
    throw this.writeError(failures);
  }

  /** The typed error for failed commits: a full disk, or `CHUNK_WRITE_FAILED`. */
  private writeError(failures: readonly unknown[]): VersoError {
    for (const failure of failures) {
      const full = asDiskFull(failure, `the chunk store ${this.dir}`, this.dir, true);
      if (full) return full;
    }
    return new VersoError(
      'Internal',
      'CHUNK_WRITE_FAILED',
      `${failures.length} chunk write batch(es) to '${this.dir}' failed; the chunks they held are not stored`,
      { dir: this.dir, failures: failures.length },
      { cause: failures[0] },
    );
  }

  /**
   * lmdb-js commits staged writes from the event loop; a caller that puts in a tight loop must
   * give it turns. Waits for a macrotask, and for commits while more than MAX_STAGED_BYTES wait.
   */
  async ready(): Promise<void> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    while (this.stagedBytes > MAX_STAGED_BYTES && this.batches.size > 0) {
      await Promise.race([...this.batches.values()].map((b) => b.settled));
    }
  }

  async delete(hashes: readonly Uint8Array[]): Promise<void> {
    for (const hash of hashes) {
      const key = hashToHex(hash);
      const owned = this.staged.get(key);
      if (owned === undefined) continue;
      this.staged.delete(key);
      this.stagedBytes -= owned.length;
    }
    try {
      await this.db.batch(() => {
        for (const hash of hashes) void this.db.remove(hash);
      });
    } catch (error) {
      claimCommitError(error);
      this.commitFailed = true;
      throw this.writeError([error]);
    }
  }

  async *hashes(): AsyncIterable<Uint8Array> {
    // Let staged chunks reach the database first, so they are listed like stored ones.
    await Promise.all([...this.batches.values()].map((batch) => batch.settled));
    // getKeys reads one snapshot, so gc may delete while it iterates; keys are copied because
    // lmdb-js may reuse their buffers.
    for (const key of this.db.getKeys()) yield new Uint8Array(key);
  }

  async sizeBytes(): Promise<number> {
    return (await stat(join(this.dir, 'data.mdb'))).size;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.flush();
    } finally {
      const closing = this.db.close();
      // After a failed commit lmdb-js's close waits forever for that commit's flush: the
      // environment is left to lmdb-js's exit handler instead of hanging the caller.
      if (this.commitFailed) closing.catch(() => {});
      else await closing;
      this.unmute();
    }
  }

  /**
   * A copy of `bytes` inside a shared slab. lmdb-js resolves (and caches) the native address of
   * each ArrayBuffer it is handed; one ArrayBuffer per chunk made that lookup the most expensive
   * step of a bulk import. A slab is never written again once full, and lmdb-js holds no pointer
   * past the commit, so garbage collection frees it when its last chunk is unstaged.
   */
  private copyToSlab(bytes: Uint8Array): Uint8Array {
    if (bytes.length > SLAB_BYTES / 4) return new Uint8Array(bytes);
    if (this.slabUsed + bytes.length > SLAB_BYTES) {
      this.slab = new Uint8Array(SLAB_BYTES);
      this.slabUsed = 0;
    }
    const view = this.slab.subarray(this.slabUsed, this.slabUsed + bytes.length);
    view.set(bytes);
    this.slabUsed += bytes.length;
    return view;
  }

  /**
   * The batch a write joined. lmdb-js returns the same promise for every write of one commit; a
   * batch's record is dropped in the same callback that unstages it, so a write that joins after
   * that gets a fresh record (whose callback still runs, the promise being settled).
   */
  private batchOf(commit: Promise<boolean>): Batch {
    const known = this.batches.get(commit);
    if (known !== undefined) return known;
    const batch: Batch = { entries: [], settled: Promise.resolve() };
    const settle = (error?: unknown): void => {
      if (this.batches.get(commit) === batch) this.batches.delete(commit);
      for (const [key, owned] of batch.entries) {
        if (this.staged.get(key) === owned) {
          this.staged.delete(key);
          this.stagedBytes -= owned.length;
        }
      }
      if (error !== undefined) {
        claimCommitError(error);
        this.commitFailed = true;
        this.failures.push(error);
      }
    };
    batch.settled = commit.then(
      () => settle(),
      (error: unknown) => settle(error ?? 'unknown lmdb write error'),
    );
    this.batches.set(commit, batch);
    return batch;
  }
}

/**
 * Scans a run's vector file in place for the top K influences (layer: api): the vector region
 * is read in chunks of whole rows into one reused buffer per thread (never the whole file at
 * once) and each chunk is scored as it arrives (`lineage/influence.ts`).
 *
 * Threads: the main thread and up to `availableParallelism() - 2` workers (`explain-worker.ts`;
 * one core is left to the rest of the machine) claim chunks from one shared counter (`Atomics.add`) until none are
 * left, so a late-starting or slowed thread simply claims fewer. Each returns its local top K
 * and the lists are merged; ranking is a total order, so the result equals a single-threaded
 * scan of the whole file bit for bit. A worker that has not claimed a chunk by the time the
 * main thread finds none left is terminated instead of awaited. Files under
 * PARALLEL_MIN_BYTES of vectors (start-up ~20-40 ms would outweigh the gain), and runs from
 * sources without the compiled worker file (tests), scan in the main thread only.
 *
 * CHUNK_BYTES (1 MiB): small enough that a chunk is still in cache when it is scored right
 * after the read copied it, large enough that the per-read cost is negligible; measured about
 * as fast as 4-16 MiB chunks. Reads are synchronous: the calling thread scores between reads
 * anyway, and the page cache or kernel readahead serves sequential reads.
 */
import { closeSync, existsSync, fstatSync, openSync, readSync } from 'node:fs';
import { readFully } from '../../io/read-fully.js';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { fromWireError, type WireError } from '../../core/error-wire.js';
import { InfluenceScorer, mergeInfluences, type Influence } from '../../influence/influence.js';
import {
  decodeVectorHeader,
  keysInSection,
  VECTOR_HEADER_BYTES,
  type VectorHeader,
} from '../../influence/vector-file.js';

const CHUNK_BYTES = 1 << 20;
const PARALLEL_MIN_BYTES = 32 << 20;
const MAX_WORKERS = 7;
/** Slot 0 of the shared claims: the next chunk; slot i > 0: worker i has begun claiming. */
const NEXT_CHUNK = 0;

export interface VectorScan {
  readonly header: VectorHeader;
  /** Best first. */
  readonly best: readonly Influence[];
  /** The keys (`IMAGE/LABEL`) of the rows in `best`. */
  readonly keys: ReadonlyMap<number, string>;
}

export interface ScanOptions {
  /** Rows per chunk (tests cut chunks at odd rows); default: CHUNK_BYTES worth. */
  readonly chunkRows?: number;
  /** Threads in all, main included; default: by file size and available parallelism. */
  readonly threads?: number;
}

/** What a worker needs to scan its share: plain data only (structured clone). */
export interface ScanWorkerInput {
  readonly path: string;
  readonly header: VectorHeader;
  readonly query: Float32Array;
  readonly k: number;
  readonly chunkRows: number;
  /** Shared: NEXT_CHUNK, then one announcement slot per worker. */
  readonly claims: Int32Array;
  /** This worker's announcement slot (0 for the main thread, which needs none). */
  readonly slot: number;
}

/**
 * The top `k` rows of the vector file at `path` for `query`, and their keys. Throws `Error(why)`
 * when the file is malformed or its dimension is not the query's.
 */
export async function scanVectorFile(
  path: string,
  query: Float32Array,
  k: number,
  options: ScanOptions = {},
): Promise<VectorScan> {
  const fd = openSync(path, 'r');
  try {
    const header = readHeader(fd);
    if (header.dim !== query.length)
      throw new Error(`dimension ${header.dim}, the query has ${query.length}`);
    const size = fstatSync(fd).size;
    if (header.keysOffset > size) throw new Error('truncated: fewer vectors than the header says');
    const rowBytes = header.dim * 4;
    const chunkRows = options.chunkRows ?? Math.max(1, Math.floor(CHUNK_BYTES / rowBytes));
    const threads = options.threads ?? defaultThreads(header);
    const claims = new Int32Array(new SharedArrayBuffer(4 * Math.max(1, threads)));
    const input: ScanWorkerInput = { path, header, query, k, chunkRows, claims, slot: 0 };
    const workers = startWorkers(input, threads - 1);
    const mine = scanClaimedChunks(fd, input);
    const theirs = await Promise.all(workers.map((w) => w.result()));
    const best = mergeInfluences([mine, ...theirs], k);
    const keys = keysInSection(
      readRange(fd, header.keysOffset, size - header.keysOffset),
      header.count,
      best.map((b) => b.row),
    );
    return { header, best, keys };
  } finally {
    closeSync(fd);
  }
}

/**
 * Claims chunks from `input.claims` until none are left and scores them; returns the local
 * top K. Used by the main thread and by every worker.
 */
export function scanClaimedChunks(fd: number, input: ScanWorkerInput): Influence[] {
  const { header, query, k, chunkRows, claims } = input;
  const scorer = new InfluenceScorer(header.dim, query, header.kind, k, chunkRows);
  const rowBytes = header.dim * 4;
  const { chunk } = scorer;
  const buffer = new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  for (;;) {
    const first = Atomics.add(claims, NEXT_CHUNK, 1) * chunkRows;
    if (first >= header.count) break;
    const rows = Math.min(chunkRows, header.count - first);
    readFully(fd, buffer.subarray(0, rows * rowBytes), VECTOR_HEADER_BYTES + first * rowBytes);
    scorer.scoreChunk(rows, first);
  }
  return scorer.top();
}

/** Marks a worker as claiming (before its first claim): from then on its result counts. */
export function announceClaiming(input: ScanWorkerInput): void {
  Atomics.store(input.claims, input.slot, 1);
}

interface ScanWorker {
  result(): Promise<Influence[]>;
}

function startWorkers(input: ScanWorkerInput, count: number): ScanWorker[] {
  const file = fileURLToPath(new URL('./explain-worker.js', import.meta.url));
  if (count <= 0 || !existsSync(file)) return [];
  return Array.from({ length: count }, (_, i) => startWorker(file, { ...input, slot: i + 1 }));
}

function startWorker(file: string, input: ScanWorkerInput): ScanWorker {
  const worker = new Worker(file, { workerData: input });
  const done = new Promise<Influence[]>((resolve, reject) => {
    worker.once('message', (m: { best?: Influence[]; error?: WireError }) =>
      m.best
        ? resolve(m.best)
        : reject(m.error ? fromWireError(m.error) : new Error('scan worker failed')),
    );
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`scan worker exited with code ${code}`)));
  });
  return {
    async result() {
      // Called once every chunk is claimed: a worker not yet announced can claim none.
      if (Atomics.load(input.claims, input.slot) === 0) {
        done.catch(() => undefined);
        void worker.terminate();
        return [];
      }
      try {
        return await done;
      } finally {
        void worker.terminate();
      }
    },
  };
}

function defaultThreads(header: VectorHeader): number {
  const bytes = header.count * header.dim * 4;
  if (bytes < PARALLEL_MIN_BYTES) return 1;
  // One core is left to the rest (the server's other requests, a client on the same machine): a
  // worker loads for 0.1-0.2 s, so on 2 cores it mostly slowed the scan (1M x 128 explained in
  // 195-197 ms on the main thread alone, 231-297 ms with one worker, load ~4; docs/python.md).
  return Math.max(1, Math.min(availableParallelism() - 1, MAX_WORKERS + 1));
}

function readHeader(fd: number): VectorHeader {
  const bytes = new Uint8Array(VECTOR_HEADER_BYTES);
  const n = readSync(fd, bytes, 0, bytes.length, 0);
  return decodeVectorHeader(bytes.subarray(0, n));
}

function readRange(fd: number, position: number, length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  readFully(fd, bytes, position);
  return bytes;
}

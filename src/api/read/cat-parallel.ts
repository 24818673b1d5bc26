/**
 * `cat` on every core (layer: api): the labels tree is split into key ranges of about
 * `LABELS_PER_RANGE` labels (`tree/split-ranges.ts`), worker threads (`cat-worker.ts`) render a
 * range each with the single-threaded code (`labelRangeBlocks`), and the blocks are yielded in
 * range order, so the output is byte for byte that of one thread.
 *
 * Bounded: each worker holds at most RANGES_PER_WORKER ranges, and no range more than
 * `workers x WINDOW_PER_WORKER` ahead of the one being yielded is started, so memory stays a
 * few ranges' worth of output whatever the snapshot's size. A consumer that stops early
 * cancels the workers: a shared flag they read between blocks, after which each closes its store
 * and ends on its own. They are never `terminate()`d: terminating a thread inside an lmdb-js call
 * (its module load included) aborts the whole process ("FATAL ERROR: Error::ThrowAsJavaScript
 * Exception napi_throw", lmdb-js#200, better-sqlite3#1507), and a server must survive a client
 * that hangs up. A process runs about one cat worker per core in all (a server
 * streaming to many clients at once): a read that finds fewer than two free renders on its own
 * thread. Used only for stores other threads can open (`threadReader`), when a
 * worker file exists (built code) and the snapshot has at least two ranges; otherwise the caller
 * scans on its own thread.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { fromWireError, type WireError } from '../../core/error-wire.js';
import { hashToHex, type ChunkHash } from '../../core/hash.js';
import type { ThreadReaderLocation } from '../../store/chunk-store.js';
import type { KeyRange } from '../../tree/read.js';
import { splitIntoRanges } from '../../tree/split-ranges.js';
import type { Repository } from '../repository/repository.js';

/** About 5 MiB of JSONL at ~330 bytes a label: big enough that a range's set-up is noise. */
export const LABELS_PER_RANGE = 16_384;
const MAX_WORKERS = 4;
const RANGES_PER_WORKER = 2;
const WINDOW_PER_WORKER = 3;
/** Cat workers alive in this process, bounded by the core count. */
let running = 0;

export interface CatWorkerInput {
  readonly location: ThreadReaderLocation;
  readonly labelsRoot: ChunkHash;
  readonly reviewsRoot: ChunkHash;
  /** Slot 0 becomes 1 when the reader stopped early: workers stop at their next block. */
  readonly cancelled: Int32Array;
}
export type CatWorkerRequest =
  | { readonly kind: 'range'; readonly seq: number; readonly range: KeyRange }
  | { readonly kind: 'stop' };
export type CatWorkerReply =
  | { readonly kind: 'block'; readonly seq: number; readonly block: Uint8Array }
  | { readonly kind: 'done'; readonly seq: number }
  | { readonly kind: 'error'; readonly seq: number; readonly error: WireError };

export interface ParallelCatOptions {
  readonly labelsPerRange?: number;
  readonly workers?: number;
  /** The worker's entry point (default: the built `cat-worker.js` beside this module). */
  readonly workerFile?: string;
}

/** The blocks of every label, rendered by worker threads; undefined when a worker would not pay. */
export async function parallelCatBlocks(
  repo: Repository,
  labelsRoot: Uint8Array,
  reviewsRoot: Uint8Array,
  opts: ParallelCatOptions = {},
): Promise<AsyncGenerator<Buffer> | undefined> {
  const location = repo.chunks.threadReader;
  const cores = availableParallelism();
  const workers = Math.min(opts.workers ?? Math.min(MAX_WORKERS, cores), cores - running);
  const file = opts.workerFile ?? fileURLToPath(new URL('./cat-worker.js', import.meta.url));
  if (!location || workers < 2 || !existsSync(file)) return undefined;
  const ranges = await splitIntoRanges(
    repo.nodes,
    labelsRoot,
    opts.labelsPerRange ?? LABELS_PER_RANGE,
  );
  if (ranges.length < 2) return undefined;
  const input: CatWorkerInput = {
    location,
    labelsRoot: hashToHex(labelsRoot),
    reviewsRoot: hashToHex(reviewsRoot),
    cancelled: new Int32Array(new SharedArrayBuffer(4)),
  };
  return renderRanges(file, input, ranges, Math.min(workers, ranges.length));
}

interface RangeOutput {
  readonly blocks: Buffer[];
  done: boolean;
}

async function* renderRanges(
  file: string,
  input: CatWorkerInput,
  ranges: readonly KeyRange[],
  workers: number,
): AsyncGenerator<Buffer> {
  const outputs: RangeOutput[] = ranges.map(() => ({ blocks: [], done: false }));
  running += workers;
  const pool = Array.from({ length: workers }, () => new Worker(file, { workerData: input }));
  const held = pool.map(() => 0);
  let [next, head, stopped] = [0, 0, false];
  let failure: unknown;
  let wake: (() => void) | undefined;
  const signal = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  const fill = () => {
    pool.forEach((worker, i) => {
      while (
        held[i]! < RANGES_PER_WORKER &&
        next < ranges.length &&
        next - head < workers * WINDOW_PER_WORKER
      ) {
        held[i]!++;
        worker.postMessage({ kind: 'range', seq: next, range: ranges[next++]! });
      }
    });
  };
  pool.forEach((worker, i) => {
    worker.on('message', (m: CatWorkerReply) => {
      if (m.kind === 'block')
        outputs[m.seq]!.blocks.push(
          Buffer.from(m.block.buffer, m.block.byteOffset, m.block.byteLength),
        );
      else if (m.kind === 'done') {
        outputs[m.seq]!.done = true;
        held[i]!--;
        fill();
      } else failure ??= fromWireError(m.error);
      signal();
    });
    worker.on('error', (e) => {
      failure ??= e;
      signal();
    });
    worker.on('exit', (code) => {
      if (!stopped) failure ??= new Error(`a cat worker exited (code ${code}) before it finished`);
      signal();
    });
  });
  try {
    fill();
    while (head < ranges.length) {
      const output = outputs[head]!;
      while (output.blocks.length === 0 && !output.done && failure === undefined)
        await new Promise<void>((r) => (wake = r));
      if (failure !== undefined) throw failure;
      const block = output.blocks.shift();
      if (block) yield block;
      else {
        head++;
        fill();
      }
    }
  } finally {
    stopped = true;
    if (head < ranges.length) Atomics.store(input.cancelled, 0, 1);
    for (const worker of pool) worker.postMessage({ kind: 'stop' });
    running -= workers;
  }
}

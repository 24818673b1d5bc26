/**
 * Worker thread of `cat-parallel.ts` (layer: api): opens the repository's chunk store for
 * reading, then renders each key range it is sent (`labelRangeBlocks`, the same code as the
 * single-threaded `cat`) and posts the JSONL blocks, then a `done` for the range. Ranges are
 * handled one at a time, in the order they arrive. It ends on a `stop`, or at the next block once
 * the reader has cancelled (`input.cancelled`), closing its store first: it is never terminated.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { toWireError } from '../../core/error-wire.js';
import { hexToHash } from '../../core/hash.js';
import { LmdbChunkStore } from '../../store/lmdb/lmdb-chunk-store.js';
import { NodeStore } from '../../tree/node-store.js';
import { labelRangeBlocks } from './label-lines.js';
import type { CatWorkerInput, CatWorkerReply, CatWorkerRequest } from './cat-parallel.js';

const input = workerData as CatWorkerInput;
const port = parentPort!;
const requests: CatWorkerRequest[] = [];
let wake: (() => void) | undefined;
port.on('message', (m: CatWorkerRequest) => {
  requests.push(m);
  wake?.();
});

function cancelled(): boolean {
  return Atomics.load(input.cancelled, 0) === 1;
}

function post(reply: CatWorkerReply): void {
  const block = reply.kind === 'block' ? reply.block : undefined;
  // A block that starts its own big buffer (`JsonBytes.take` hands those over) moves without a
  // copy; a small one may sit in Node's shared pool, which must never be transferred.
  const own = block && block.byteOffset === 0 && block.buffer.byteLength >= 1 << 16;
  port.postMessage(reply, own ? [block.buffer as ArrayBuffer] : []);
}

// `threadReader`'s one backend: lmdb-js shares the open environment between threads.
const store = await LmdbChunkStore.open(input.location.directory, { create: false });
try {
  const nodes = new NodeStore(store);
  const [labels, reviews] = [hexToHash(input.labelsRoot), hexToHash(input.reviewsRoot)];
  for (;;) {
    while (requests.length === 0) await new Promise<void>((r) => (wake = r));
    const request = requests.shift()!;
    if (request.kind === 'stop' || cancelled()) break;
    try {
      for await (const block of labelRangeBlocks(nodes, labels, reviews, request.range)) {
        if (cancelled()) break;
        post({ kind: 'block', seq: request.seq, block });
      }
      post({ kind: 'done', seq: request.seq });
    } catch (e) {
      post({ kind: 'error', seq: request.seq, error: toWireError(e) });
    }
  }
} finally {
  await store.close();
  port.close();
}

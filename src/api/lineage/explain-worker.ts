/**
 * Worker thread of `explain-scan.ts` (layer: api): announces itself, opens the vector file,
 * scores the chunks it claims from the shared counter and posts its local top K (or the error,
 * as `toWireError` data, so it keeps its code on the main thread). It opens the file only after announcing, so a worker terminated unannounced holds
 * no file descriptor.
 */
import { closeSync, openSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { toWireError } from '../../core/error-wire.js';
import { announceClaiming, scanClaimedChunks, type ScanWorkerInput } from './explain-scan.js';

const input = workerData as ScanWorkerInput;
const port = parentPort!;
announceClaiming(input);
try {
  const fd = openSync(input.path, 'r');
  try {
    port.postMessage({ best: scanClaimedChunks(fd, input) });
  } finally {
    closeSync(fd);
  }
} catch (e) {
  port.postMessage({ error: toWireError(e) });
}

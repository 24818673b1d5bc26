/**
 * Worker thread of `label-file-records.ts` (layer: api): encodes the first range of a JSONL
 * label file and posts packed record batches, waiting while MAX_BATCHES_IN_FLIGHT are
 * unacknowledged so memory stays bounded. With `schema` in its input it checks each label
 * against that schema version, like the main thread.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { toWireError } from '../../core/error-wire.js';
import {
  encodeRange,
  MAX_BATCHES_IN_FLIGHT,
  validatorFor,
  type WorkerInput,
} from './label-file-records.js';

const { file, end, schema } = workerData as WorkerInput;
const port = parentPort!;
let inFlight = 0;
let resume: (() => void) | undefined;
port.on('message', () => {
  inFlight--;
  resume?.();
});

try {
  for await (const batch of encodeRange(file, 0, end, 0, undefined, validatorFor(schema))) {
    while (inFlight >= MAX_BATCHES_IN_FLIGHT) await new Promise<void>((r) => (resume = r));
    inFlight++;
    port.postMessage({ kind: 'batch', bytes: batch }, [batch.buffer as ArrayBuffer]);
  }
  port.postMessage({ kind: 'done' });
} catch (e) {
  port.postMessage({ kind: 'error', error: toWireError(e) });
}
port.close();

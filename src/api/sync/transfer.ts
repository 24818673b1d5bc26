/**
 * Sending what the receiver lacks (layer: api): `sendMissing` walks a `TransferPlan` in its send
 * order, reads the bytes the negotiation did not (leaves and category lists) in requests of
 * `IDS_PER_REQUEST` ids, and hands them on in batches of at most `BATCH_BYTES` of chunk data
 * (plus one chunk), never one request per chunk. The next request's read overlaps the current
 * batch's delivery (`READ_AHEAD` requests in flight). Fetch delivers a batch into this repository's
 * store, push uploads it as a pack (`transfer-pack.ts`).
 */
import type { ChunkHash } from '../../core/hash.js';
import { CorruptionError } from '../../core/errors.js';
import { hexToHash } from '../../core/hash.js';
import type { TransferPlan } from './negotiate.js';
import { BATCH_BYTES, IDS_PER_REQUEST, type TransferChunk } from './transfer-pack.js';

/** What a transfer moved (`asked`: ids the receiver was asked about during negotiation). */
/** Read requests kept in flight while batches are delivered. */
const READ_AHEAD = 2;

export interface TransferStats {
  readonly chunks: number;
  readonly bytes: number;
  readonly batches: number;
  readonly asked: number;
  readonly rounds: number;
}

export async function sendMissing(
  plan: TransferPlan,
  readMore: (ids: readonly ChunkHash[]) => Promise<ReadonlyMap<ChunkHash, Uint8Array>>,
  deliver: (batch: TransferChunk[]) => Promise<void>,
  batchBytes: number = BATCH_BYTES,
): Promise<TransferStats> {
  let batch: TransferChunk[] = [];
  let pending = 0;
  let bytes = 0;
  let batches = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    const full = batch;
    batch = [];
    pending = 0;
    batches++;
    await deliver(full);
  };
  const parts: (typeof plan.missing)[] = [];
  for (let i = 0; i < plan.missing.length; i += IDS_PER_REQUEST)
    parts.push(plan.missing.slice(i, i + IDS_PER_REQUEST));
  const read = (part: typeof plan.missing) => {
    const unread = part.filter((m) => !plan.read.has(m.id)).map((m) => m.id);
    return unread.length > 0 ? readMore(unread) : Promise.resolve(new Map<ChunkHash, Uint8Array>());
  };
  // The next parts are read while this one is delivered, `READ_AHEAD` requests in flight
  // (batches themselves go one at a time, in order: a later batch must never be stored before
  // an earlier one).
  const reads: Promise<ReadonlyMap<ChunkHash, Uint8Array>>[] = [];
  const startRead = (i: number) => {
    if (i >= parts.length) return;
    const p = read(parts[i]!);
    // A read that fails while others are delivered is reported when it is awaited.
    p.catch(() => {});
    reads[i] = p;
  };
  for (let i = 0; i < READ_AHEAD; i++) startRead(i);
  for (const [i, part] of parts.entries()) {
    const more = await reads[i]!;
    delete reads[i];
    startRead(i + READ_AHEAD);
    for (const m of part) {
      const chunk = plan.read.get(m.id) ?? more.get(m.id);
      if (!chunk) throw new CorruptionError(`the sender lacks chunk ${m.id}`, { hash: m.id });
      batch.push({ hash: hexToHash(m.id), bytes: chunk });
      pending += chunk.length;
      bytes += chunk.length;
      if (pending >= batchBytes) await flush();
    }
  }
  await flush();
  return { chunks: plan.missing.length, bytes, batches, asked: plan.asked, rounds: plan.rounds };
}

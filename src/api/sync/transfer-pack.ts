/**
 * Transfer batches in the pack format (layer: api): what `pushChunks` uploads and `fetchChunks`
 * returns is a pack (`store/pack/pack-format.ts`: header, LZ4-compressed chunk records with a
 * CRC each, one commit marker), the format packs are stored in, so an object-store backend can
 * keep a received batch as it came.
 *
 * `decodeTransferPack` reads a whole batch before anything is stored: every record's CRC, the
 * closing marker (a cut-off upload has none and is refused), each payload's decoding, and each
 * chunk's SHA-256 against its name. One failure refuses the whole batch
 * (`SyncBatchRefusedError`, naming the chunk).
 */
import type { ChunkHash } from '../../core/hash.js';
import { hashToHex } from '../../core/hash.js';
import { isVersoError } from '../../core/errors.js';
import { checkChunkHash } from '../../store/chunk-integrity.js';
import {
  decodeChunkRecord,
  encodeChunkRecord,
  encodeCommitMarker,
  encodePackHeader,
  PackFormatError,
  scanPack,
} from '../../store/pack/pack-format.js';
import { SyncBatchRefusedError } from './sync-errors.js';

/** Upper bound of one batch's chunk bytes: big enough to amortise a request, small to retry. */
export const BATCH_BYTES = 8 << 20;
/** Ids per `has` or `fetchChunks` request. */
export const IDS_PER_REQUEST = 1024;

export interface TransferChunk {
  readonly hash: Uint8Array;
  readonly bytes: Uint8Array;
}

/**
 * The pack of `chunks`, in the given order, as buffers to send one after the other; records are
 * LZ4-compressed when `compress` (fewer bytes, more CPU on both sides).
 */
export function* encodeTransferPack(
  chunks: Iterable<TransferChunk>,
  compress = true,
): Generator<Buffer> {
  yield encodePackHeader();
  let count = 0;
  for (const c of chunks) {
    yield encodeChunkRecord(c.hash, c.bytes, compress);
    count++;
  }
  yield encodeCommitMarker(count);
}

export function transferPack(chunks: Iterable<TransferChunk>, compress = true): Buffer {
  return Buffer.concat([...encodeTransferPack(chunks, compress)]);
}

/** Every chunk of a received batch, checked (see the header); refuses the batch on any fault. */
export function decodeTransferPack(bytes: Uint8Array): TransferChunk[] {
  let scan;
  try {
    scan = scanPack(bytes);
  } catch (e) {
    if (e instanceof PackFormatError) throw new SyncBatchRefusedError(e.message, { at: e.at });
    throw e;
  }
  if (scan.stoppedBecause !== undefined || scan.committedEnd !== bytes.length)
    throw new SyncBatchRefusedError(
      `the pack is damaged or cut short (${scan.stoppedBecause ?? 'bytes after its last batch'})`,
    );
  const out: TransferChunk[] = [];
  for (const ref of scan.records) {
    const record = bytes.subarray(ref.offset, ref.offset + ref.length);
    let chunk: TransferChunk;
    try {
      chunk = decodeChunkRecord(record);
      checkChunkHash(chunk.hash, chunk.bytes);
    } catch (e) {
      const hash: ChunkHash = hashToHex(ref.hash);
      if (e instanceof PackFormatError || (isVersoError(e) && e.code === 'CORRUPTION'))
        throw new SyncBatchRefusedError(`chunk ${hash} is corrupt (${e.message})`, { hash });
      throw e;
    }
    out.push({ hash: new Uint8Array(chunk.hash), bytes: chunk.bytes });
  }
  return out;
}

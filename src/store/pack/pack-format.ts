/**
 * The pack format: chunk records in an append-only pack, and the sorted index of a pack
 * (layer: store; pure: bytes in, bytes out, no file system).
 *
 * The embedded `PackChunkStore` writes these bytes to files; an object-store backend writes the
 * same bytes as objects and reads single records with ranged GETs (an index entry gives a
 * record's offset and full length). All integers are little-endian.
 *
 * Pack = header, then records:
 *   header   8 B   "VPAK", u32 format version (1)
 *   record   1 B   flags: bit 0 LZ4-compressed payload, bit 1 commit marker
 *            4 B   u32 stored (payload) length
 *            4 B   u32 raw (chunk) length
 *           32 B   SHA-256 of the chunk (zeros in a commit marker)
 *            n B   payload: the chunk, or its LZ4 block when that is smaller
 *            4 B   u32 CRC-32C of the 41 header bytes and the payload
 * A commit marker (payload: u32 number of chunk records since the previous marker) ends every
 * write batch (one flush). A reader of a journal keeps records up to the last marker whose
 * CRC holds and drops the rest: a torn tail, or a batch cut short, is never read as data.
 *
 * Index = header, fanout, sorted table, trailer (git's pack .idx, simplified):
 *   header  20 B   "VIDX", u32 format version (1), u32 entry count N, u64 pack length
 *   fanout 1 KiB   256 x u32: entries whose hash's first byte is <= i
 *   hashes N x 32  sorted ascending, each once
 *   offsets N x 8  u64 record offset in the pack
 *   lengths N x 4  u32 full record length (header + payload + CRC)
 *   trailer  32 B  SHA-256 of everything before it
 * ~44 bytes per chunk: a store keeps every index in memory and binary-searches it.
 */
import { createHash } from 'node:crypto';
import { HASH_BYTES } from '../../core/hash.js';
import { decodeLz4Block, Lz4BlockError } from '../lz4-block.js';
import { crc32c } from './crc32c.js';
import { encodeLz4Block } from './lz4-encode.js';

export const PACK_MAGIC = 0x4b415056; // "VPAK" read as u32 LE
export const INDEX_MAGIC = 0x58444956; // "VIDX"
export const PACK_VERSION = 1;
export const PACK_HEADER_BYTES = 8;
export const RECORD_HEADER_BYTES = 41;
export const RECORD_OVERHEAD_BYTES = RECORD_HEADER_BYTES + 4;
const FLAG_LZ4 = 1;
const FLAG_COMMIT = 2;
const INDEX_HEADER_BYTES = 20;
const FANOUT_BYTES = 256 * 4;
const TRAILER_BYTES = 32;
const NO_DICTIONARY = new Uint8Array(0);

/** Bytes that are not a valid pack, record or index; `at` is a byte offset. */
export class PackFormatError extends Error {
  constructor(
    message: string,
    readonly at: number,
  ) {
    super(message);
  }
}

export function encodePackHeader(): Buffer {
  const header = Buffer.alloc(PACK_HEADER_BYTES);
  header.writeUInt32LE(PACK_MAGIC, 0);
  header.writeUInt32LE(PACK_VERSION, 4);
  return header;
}

/** Throws `PackFormatError` unless `bytes` start with a pack header this code reads. */
export function checkPackHeader(bytes: Uint8Array): void {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  if (b.length < PACK_HEADER_BYTES || b.readUInt32LE(0) !== PACK_MAGIC)
    throw new PackFormatError('not a pack (bad magic)', 0);
  if (b.readUInt32LE(4) !== PACK_VERSION)
    throw new PackFormatError(`unknown pack format version ${b.readUInt32LE(4)}`, 4);
}

function frame(flags: number, hash: Uint8Array, rawLength: number, payload: Uint8Array): Buffer {
  const record = Buffer.allocUnsafe(RECORD_OVERHEAD_BYTES + payload.length);
  record[0] = flags;
  record.writeUInt32LE(payload.length, 1);
  record.writeUInt32LE(rawLength, 5);
  record.set(hash, 9);
  record.set(payload, RECORD_HEADER_BYTES);
  const end = RECORD_HEADER_BYTES + payload.length;
  record.writeUInt32LE(crc32c(record, 0, end), end);
  return record;
}

/**
 * One chunk record; the payload is LZ4-compressed when that saves bytes (unless `compress` is
 * false: a transfer over loopback spends less on sending the bytes than on compressing them).
 */
export function encodeChunkRecord(hash: Uint8Array, bytes: Uint8Array, compress = true): Buffer {
  if (hash.length !== HASH_BYTES) throw new PackFormatError('a chunk hash is 32 bytes', 0);
  const compressed = compress ? encodeLz4Block(bytes) : undefined;
  return compressed
    ? frame(FLAG_LZ4, hash, bytes.length, compressed)
    : frame(0, hash, bytes.length, bytes);
}

const ZERO_HASH = new Uint8Array(HASH_BYTES);

/** The marker that ends a batch of `count` chunk records. */
export function encodeCommitMarker(count: number): Buffer {
  const payload = Buffer.alloc(4);
  payload.writeUInt32LE(count, 0);
  return frame(FLAG_COMMIT, ZERO_HASH, 4, payload);
}

/** Where one chunk record lies in its pack. */
export interface RecordRef {
  readonly hash: Uint8Array;
  readonly offset: number;
  /** Full record length (header, payload, CRC). */
  readonly length: number;
}

export interface PackScan {
  /** Chunk records of complete batches (up to the last valid commit marker), in pack order. */
  readonly records: RecordRef[];
  /** The byte after the last valid commit marker (the pack header's end if none): the data. */
  readonly committedEnd: number;
  /** Why the scan stopped before the end of `bytes`, if it did. */
  readonly stoppedBecause?: string;
}

/**
 * Reads records from `bytes` (a whole pack, header included) one after the other, checking each
 * one's CRC, up to the end or the first record that is incomplete or fails its check.
 */
export function scanPack(bytes: Uint8Array): PackScan {
  checkPackHeader(bytes);
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  const records: RecordRef[] = [];
  let pending: RecordRef[] = [];
  let committedEnd = PACK_HEADER_BYTES;
  let at = PACK_HEADER_BYTES;
  let stoppedBecause: string | undefined;
  while (at < b.length) {
    if (at + RECORD_OVERHEAD_BYTES > b.length) {
      stoppedBecause = `incomplete record header at byte ${at}`;
      break;
    }
    const flags = b[at]!;
    const stored = b.readUInt32LE(at + 1);
    const end = at + RECORD_HEADER_BYTES + stored;
    if (flags & ~(FLAG_LZ4 | FLAG_COMMIT) || end + 4 > b.length) {
      stoppedBecause = `incomplete or invalid record at byte ${at}`;
      break;
    }
    if (crc32c(b, at, end) !== b.readUInt32LE(end)) {
      stoppedBecause = `record at byte ${at} fails its checksum`;
      break;
    }
    const length = end + 4 - at;
    if (flags & FLAG_COMMIT) {
      for (const r of pending) records.push(r);
      pending = [];
      committedEnd = end + 4;
    } else {
      pending.push({ hash: b.subarray(at + 9, at + 41), offset: at, length });
    }
    at += length;
  }
  if (stoppedBecause === undefined && pending.length > 0)
    stoppedBecause = `${pending.length} record(s) after the last commit marker`;
  return stoppedBecause === undefined
    ? { records, committedEnd }
    : { records, committedEnd, stoppedBecause };
}

/**
 * The chunk in one record (`record` is exactly the bytes an index entry points at). Checks the
 * record's framing, not the chunk's hash: callers check that against the name they asked for.
 * Throws `PackFormatError` on a malformed record or payload.
 */
export function decodeChunkRecord(record: Uint8Array): { hash: Uint8Array; bytes: Uint8Array } {
  const b = Buffer.from(record.buffer, record.byteOffset, record.length);
  if (b.length < RECORD_OVERHEAD_BYTES) throw new PackFormatError('record too short', 0);
  const flags = b[0]!;
  const stored = b.readUInt32LE(1);
  const raw = b.readUInt32LE(5);
  if (flags & FLAG_COMMIT || RECORD_OVERHEAD_BYTES + stored !== b.length)
    throw new PackFormatError('not a chunk record of this length', 0);
  const hash = b.subarray(9, 41);
  const payload = b.subarray(RECORD_HEADER_BYTES, RECORD_HEADER_BYTES + stored);
  if (!(flags & FLAG_LZ4)) {
    if (raw !== stored) throw new PackFormatError('raw and stored lengths differ', 5);
    return { hash, bytes: new Uint8Array(payload) };
  }
  try {
    return { hash, bytes: decodeLz4Block(payload, raw, NO_DICTIONARY) };
  } catch (error) {
    if (error instanceof Lz4BlockError) throw new PackFormatError(error.message, 41);
    throw error;
  }
}

/** Builds the index of a pack of `packLength` bytes from its records (any order, no repeats). */
export function buildPackIndex(entries: readonly RecordRef[], packLength: number): Buffer {
  const sorted = [...entries].sort((x, y) => Buffer.compare(x.hash, y.hash));
  const n = sorted.length;
  const hashesAt = INDEX_HEADER_BYTES + FANOUT_BYTES;
  const offsetsAt = hashesAt + n * HASH_BYTES;
  const lengthsAt = offsetsAt + n * 8;
  const trailerAt = lengthsAt + n * 4;
  const out = Buffer.alloc(trailerAt + TRAILER_BYTES);
  out.writeUInt32LE(INDEX_MAGIC, 0);
  out.writeUInt32LE(PACK_VERSION, 4);
  out.writeUInt32LE(n, 8);
  out.writeUIntLE(packLength, 12, 6);
  const counts = new Uint32Array(256);
  for (const [i, e] of sorted.entries()) {
    if (i > 0 && Buffer.compare(sorted[i - 1]!.hash, e.hash) === 0)
      throw new PackFormatError('a hash appears twice in an index', i);
    counts[e.hash[0]!]!++;
    out.set(e.hash, hashesAt + i * HASH_BYTES);
    out.writeUIntLE(e.offset, offsetsAt + i * 8, 6);
    out.writeUInt32LE(e.length, lengthsAt + i * 4);
  }
  let total = 0;
  for (let i = 0; i < 256; i++) {
    total += counts[i]!;
    out.writeUInt32LE(total, INDEX_HEADER_BYTES + i * 4);
  }
  createHash('sha256').update(out.subarray(0, trailerAt)).digest().copy(out, trailerAt);
  return out;
}

/** A parsed, checked pack index, searched in place. */
export interface PackIndex {
  readonly bytes: Buffer;
  readonly count: number;
  readonly packLength: number;
}

/**
 * Checks and wraps an index: magic, version, size for its count, a monotone fanout, and the
 * trailer's SHA-256. Throws `PackFormatError` on any mismatch.
 */
export function parsePackIndex(bytes: Uint8Array): PackIndex {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  if (
    b.length < INDEX_HEADER_BYTES + FANOUT_BYTES + TRAILER_BYTES ||
    b.readUInt32LE(0) !== INDEX_MAGIC
  )
    throw new PackFormatError('not a pack index (bad magic or too short)', 0);
  if (b.readUInt32LE(4) !== PACK_VERSION)
    throw new PackFormatError(`unknown pack index version ${b.readUInt32LE(4)}`, 4);
  const count = b.readUInt32LE(8);
  const trailerAt = INDEX_HEADER_BYTES + FANOUT_BYTES + count * (HASH_BYTES + 12);
  if (b.length !== trailerAt + TRAILER_BYTES)
    throw new PackFormatError(`index of ${count} entries cannot be ${b.length} bytes`, 8);
  const digest = createHash('sha256').update(b.subarray(0, trailerAt)).digest();
  if (!digest.equals(b.subarray(trailerAt)))
    throw new PackFormatError('index trailer checksum does not match', trailerAt);
  if (b.readUInt32LE(INDEX_HEADER_BYTES + 255 * 4) !== count)
    throw new PackFormatError('index fanout does not end at its entry count', INDEX_HEADER_BYTES);
  return { bytes: b, count, packLength: b.readUIntLE(12, 6) };
}

/** The record of `hash` in a pack, by the index's fanout and a binary search; or undefined. */
export function lookupInIndex(index: PackIndex, hash: Uint8Array): RecordRef | undefined {
  const b = index.bytes;
  const first = hash[0]!;
  let lo = first === 0 ? 0 : b.readUInt32LE(INDEX_HEADER_BYTES + (first - 1) * 4);
  let hi = b.readUInt32LE(INDEX_HEADER_BYTES + first * 4);
  const hashesAt = INDEX_HEADER_BYTES + FANOUT_BYTES;
  // Bytes 1-4 decide almost every step; the native compare is called only on a tie.
  const key = ((hash[1]! << 24) | (hash[2]! << 16) | (hash[3]! << 8) | hash[4]!) >>> 0;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const at = hashesAt + mid * HASH_BYTES;
    const probe = b.readUInt32BE(at + 1);
    const c = probe !== key ? probe - key : b.compare(hash, 0, HASH_BYTES, at, at + HASH_BYTES);
    if (c === 0) return entryAt(index, mid);
    if (c > 0) hi = mid;
    else lo = mid + 1;
  }
  return undefined;
}

/** The index's `i`-th entry (in hash order). */
export function entryAt(index: PackIndex, i: number): RecordRef {
  const b = index.bytes;
  const hashesAt = INDEX_HEADER_BYTES + FANOUT_BYTES;
  const offsetsAt = hashesAt + index.count * HASH_BYTES;
  const lengthsAt = offsetsAt + index.count * 8;
  return {
    hash: b.subarray(hashesAt + i * HASH_BYTES, hashesAt + (i + 1) * HASH_BYTES),
    offset: b.readUIntLE(offsetsAt + i * 8, 6),
    length: b.readUInt32LE(lengthsAt + i * 4),
  };
}

/**
 * A whole sealed pack and its index from chunks (each hash once): what an object-store backend
 * uploads for one commit or import batch (two objects; the index says where each record is).
 */
export function buildPack(chunks: Iterable<readonly [Uint8Array, Uint8Array]>): {
  pack: Buffer;
  index: Buffer;
} {
  const parts: Buffer[] = [encodePackHeader()];
  const refs: RecordRef[] = [];
  let at = PACK_HEADER_BYTES;
  for (const [hash, bytes] of chunks) {
    const record = encodeChunkRecord(hash, bytes);
    refs.push({ hash, offset: at, length: record.length });
    parts.push(record);
    at += record.length;
  }
  parts.push(encodeCommitMarker(refs.length));
  const pack = Buffer.concat(parts);
  return { pack, index: buildPackIndex(refs, pack.length) };
}

/** Whether a whole record (as an index entry points at it) holds its CRC-32C. */
export function recordCrcHolds(record: Uint8Array): boolean {
  if (record.length < RECORD_OVERHEAD_BYTES) return false;
  const b = Buffer.from(record.buffer, record.byteOffset, record.length);
  const end = record.length - 4;
  return crc32c(b, 0, end) === b.readUInt32LE(end);
}

/**
 * A sealed pack and its index from records already encoded (each hash once), copied as they
 * are: what a repack or compaction of an object-store backend uploads.
 */
export function buildPackFromRecords(records: Iterable<Uint8Array>): {
  pack: Buffer;
  index: Buffer;
} {
  const parts: Buffer[] = [encodePackHeader()];
  const refs: RecordRef[] = [];
  let at = PACK_HEADER_BYTES;
  for (const record of records) {
    const b = Buffer.from(record.buffer, record.byteOffset, record.length);
    refs.push({ hash: b.subarray(9, 41), offset: at, length: b.length });
    parts.push(b);
    at += b.length;
  }
  parts.push(encodeCommitMarker(refs.length));
  const pack = Buffer.concat(parts);
  return { pack, index: buildPackIndex(refs, pack.length) };
}

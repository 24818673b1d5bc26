/**
 * An LZ4 block compressor, the inverse of `../lz4-block.ts`'s decoder (layer: store; pure).
 *
 * Greedy, one 4-byte hash table of 4096 positions reset per block, no dictionary: the fast
 * level of the reference implementation, simplified. It follows the block format's end rules
 * (the last 5 bytes are literals; no match starts in the last 12 bytes), so the reference decoder
 * and ours both accept its output. Pack files compress a record with it only when that saves
 * bytes (`pack-format.ts`).
 */

const MIN_MATCH = 4;
const LAST_LITERALS = 5;
const MF_LIMIT = 12;
const HASH_LOG = 12;
const MAX_OFFSET = 65535;
const SKIP_TRIGGER = 6;
/** Shorter literal runs are copied byte by byte (cheaper than a subarray and `set`). */
const SHORT_COPY = 32;

const table = new Int32Array(1 << HASH_LOG);

function read32(src: Uint8Array, i: number): number {
  return src[i]! | (src[i + 1]! << 8) | (src[i + 2]! << 16) | (src[i + 3]! << 24);
}

function hash32(v: number): number {
  return Math.imul(v, 2654435761) >>> (32 - HASH_LOG);
}

function writeLength(out: Uint8Array, op: number, rest: number): number {
  while (rest >= 255) {
    out[op++] = 255;
    rest -= 255;
  }
  out[op++] = rest;
  return op;
}

/** Bytes the compressed form of `n` input bytes can take at most. */
export function lz4Bound(n: number): number {
  return n + Math.ceil(n / 255) + 16;
}

/**
 * `src` as one LZ4 block, or undefined when the block would not be smaller than `src` (then the
 * caller stores the bytes raw).
 */
export function encodeLz4Block(src: Uint8Array): Uint8Array | undefined {
  const n = src.length;
  if (n < MF_LIMIT + 1) return undefined;
  const out = new Uint8Array(lz4Bound(n));
  table.fill(-1);
  const matchLimit = n - LAST_LITERALS;
  const searchLimit = n - MF_LIMIT;
  let anchor = 0;
  let ip = 0;
  let op = 0;
  // After 2^SKIP_TRIGGER misses in a row the search steps over more bytes (the reference
  // encoder's acceleration): incompressible stretches cost little.
  let misses = 1 << SKIP_TRIGGER;
  while (ip < searchLimit) {
    const seq = read32(src, ip);
    const h = hash32(seq);
    const ref = table[h]!;
    table[h] = ip;
    if (ref < 0 || ip - ref > MAX_OFFSET || read32(src, ref) !== seq) {
      ip += misses++ >> SKIP_TRIGGER;
      continue;
    }
    misses = 1 << SKIP_TRIGGER;
    let len = MIN_MATCH;
    while (ip + len < matchLimit && src[ref + len] === src[ip + len]) len++;
    const literals = ip - anchor;
    const tokenAt = op++;
    const matchCode = len - MIN_MATCH;
    out[tokenAt] = (Math.min(literals, 15) << 4) | Math.min(matchCode, 15);
    if (literals >= 15) op = writeLength(out, op, literals - 15);
    if (literals < SHORT_COPY) for (let k = 0; k < literals; k++) out[op + k] = src[anchor + k]!;
    else out.set(src.subarray(anchor, ip), op);
    op += literals;
    const offset = ip - ref;
    out[op++] = offset & 0xff;
    out[op++] = offset >>> 8;
    if (matchCode >= 15) op = writeLength(out, op, matchCode - 15);
    ip += len;
    anchor = ip;
    if (op >= n) return undefined; // already no smaller than the input
  }
  const literals = n - anchor;
  out[op++] = Math.min(literals, 15) << 4;
  if (literals >= 15) op = writeLength(out, op, literals - 15);
  out.set(src.subarray(anchor), op);
  op += literals;
  return op < n ? out.slice(0, op) : undefined;
}

/**
 * A bounds-checked LZ4 block decoder with a preset dictionary (layer: store).
 *
 * lmdb-js compresses values natively and decompresses them natively on every read; a damaged
 * compressed value makes its C code print the whole value to stderr and hand back stale bytes.
 * `LmdbChunkStore` therefore reads the stored (compressed) bytes and decodes them here, where a
 * malformed block is an `Lz4BlockError` the store turns into a `CorruptionError`.
 *
 * Format (LZ4 block, as `LZ4_decompress_safe_usingDict` reads it): sequences of a token (high
 * nibble literal length, low nibble match length - 4; 15 means "add the following bytes until
 * one is not 255"), the literals, then a 2-byte little-endian offset back into the output
 * (which may reach into the dictionary, as if the dictionary preceded the output). The last
 * sequence has literals only. Every length and offset is checked against the input, the output
 * size the caller expects and the dictionary: no read or write leaves its buffer, and a block
 * that does not fill the output exactly is an error.
 */

/**
 * Copies shorter than this go byte by byte: most literal runs and matches in label data are a
 * few bytes, where making a subarray for `set` or calling `copyWithin` costs more than the copy.
 */
const SHORT_COPY = 32;

/** A block that is not valid LZ4 for the expected output size. */
export class Lz4BlockError extends Error {}

export function decodeLz4Block(
  src: Uint8Array,
  outputSize: number,
  dictionary: Uint8Array,
): Uint8Array {
  // LZ4 expands at most 255-fold: a larger size is a damaged header, not a reason to allocate.
  if (outputSize > src.length * 255 + 16)
    throw new Lz4BlockError(`a ${src.length}-byte block cannot hold ${outputSize} bytes`);
  const out = new Uint8Array(outputSize); // not a Buffer: cheaper to make, as fast to fill
  const end = src.length;
  let ip = 0;
  let op = 0;
  for (;;) {
    if (ip >= end) throw new Lz4BlockError('block ends before its last sequence');
    const token = src[ip++]!;
    let literals = token >>> 4;
    if (literals === 15) {
      let b: number;
      do {
        if (ip >= end) throw new Lz4BlockError('literal length runs past the block');
        b = src[ip++]!;
        literals += b;
      } while (b === 255);
    }
    if (ip + literals > end) throw new Lz4BlockError('literals run past the block');
    if (op + literals > outputSize) throw new Lz4BlockError('literals overflow the output');
    if (literals < SHORT_COPY) {
      for (let i = 0; i < literals; i++) out[op + i] = src[ip + i]!;
    } else out.set(src.subarray(ip, ip + literals), op);
    ip += literals;
    op += literals;
    if (ip === end) break; // the last sequence: literals only
    if (ip + 2 > end) throw new Lz4BlockError('match offset runs past the block');
    const offset = src[ip]! | (src[ip + 1]! << 8);
    ip += 2;
    if (offset === 0) throw new Lz4BlockError('match offset 0');
    let length = token & 15;
    if (length === 15) {
      let b: number;
      do {
        if (ip >= end) throw new Lz4BlockError('match length runs past the block');
        b = src[ip++]!;
        length += b;
      } while (b === 255);
    }
    length += 4;
    if (op + length > outputSize) throw new Lz4BlockError('match overflows the output');
    const from = op - offset;
    if (from >= 0 && length < SHORT_COPY) {
      // The common case, inline: a short match inside the output (overlap repeats the pattern).
      for (let i = 0; i < length; i++) out[op + i] = out[from + i]!;
      op += length;
    } else op = copyMatch(out, op, offset, length, dictionary);
  }
  if (op !== outputSize)
    throw new Lz4BlockError(`block gives ${op} bytes, the header says ${outputSize}`);
  return out;
}

/** Copies `length` bytes from `offset` back (into the dictionary if before the output); returns the new end. */
function copyMatch(
  out: Uint8Array,
  op: number,
  offset: number,
  length: number,
  dictionary: Uint8Array,
): number {
  let from = op - offset;
  if (from < 0) {
    if (-from > dictionary.length) throw new Lz4BlockError('match offset before the dictionary');
    const fromDict = Math.min(-from, length);
    const start = dictionary.length + from;
    out.set(dictionary.subarray(start, start + fromDict), op);
    op += fromDict;
    length -= fromDict;
    from = 0;
  }
  if (length >= SHORT_COPY && from + length <= op) {
    out.copyWithin(op, from, from + length);
    return op + length;
  }
  // Short, or overlapping (a repeated pattern): byte by byte, which also repeats the pattern.
  for (let i = 0; i < length; i++) out[op + i] = out[from + i]!;
  return op + length;
}

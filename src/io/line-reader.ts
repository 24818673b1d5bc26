/**
 * Streams a text file as numbered lines (layer: io).
 *
 * Reads 1 MiB blocks and splits on '\n' (a trailing '\r' is dropped), so memory stays bounded
 * however large the file; blank lines are skipped but still counted, so `line` is the 1-based
 * line number an editor shows (counted from the start of the range read).
 *
 * Text is UTF-8 under the rules of `text-file.ts`: a leading byte order mark at the start of the
 * file is dropped, and bytes that are not UTF-8 are refused (`FormatParseError` at the line and
 * column) before any line of their block is handed over. Lines never contain a '\n' byte, so a
 * block is checked whole up to its last newline (one `isUtf8` call per MiB); the rest is
 * checked with the next block.
 */
import { isUtf8 } from 'node:buffer';
import { closeSync, createReadStream, fstatSync, openSync, readSync } from 'node:fs';
import { firstInvalidUtf8, invalidUtf8Error, refuseUtf16, utf8BomLength } from './text-file.js';

export interface NumberedLine {
  readonly text: string;
  readonly line: number;
}

const BLOCK_BYTES = 1 << 20;

/** Lines of `file`, or of the byte range [start, end) which must begin at a line start. */
export async function* readLines(
  file: string,
  range: { start?: number; end?: number } = {},
): AsyncGenerator<NumberedLine> {
  for await (const batch of readLineBatches(file, range)) yield* batch;
}

/**
 * `readLines` a block at a time: the lines of each 1 MiB block in one array, for hot loops
 * where one promise per line would cost more than the line's own work.
 */
export async function* readLineBatches(
  file: string,
  range: { start?: number; end?: number } = {},
): AsyncGenerator<NumberedLine[]> {
  if (range.end !== undefined && (range.start ?? 0) >= range.end) return;
  const stream = createReadStream(file, {
    highWaterMark: BLOCK_BYTES,
    ...(range.start !== undefined ? { start: range.start } : {}),
    ...(range.end !== undefined ? { end: range.end - 1 } : {}),
  });
  try {
    yield* lineBatchesOfBlocks(stream, file, (range.start ?? 0) === 0);
  } finally {
    stream.destroy();
  }
}

/**
 * Lines of a stream of byte blocks (a file's, a request body's) under the rules above; `name`
 * is what errors call it. `atStart`: the blocks begin the text (a byte order mark may lead).
 */
export async function* linesOfBlocks(
  blocks: AsyncIterable<Buffer>,
  name: string,
  atStart = true,
): AsyncGenerator<NumberedLine> {
  for await (const batch of lineBatchesOfBlocks(blocks, name, atStart)) yield* batch;
}

/** `linesOfBlocks`, the lines of each block in one array (never an empty one). */
async function* lineBatchesOfBlocks(
  blocks: AsyncIterable<Buffer>,
  name: string,
  atStart: boolean,
): AsyncGenerator<NumberedLine[]> {
  let carry: Buffer | null = null;
  let line = 0;
  let atFileStart = atStart;
  const check = (buf: Buffer, from: number, to: number) => {
    if (to > from && !isUtf8(buf.subarray(from, to)))
      throw invalidUtf8Error(name, buf, firstInvalidUtf8(buf, from, to), line + 1);
  };
  for await (const block of blocks) {
    const buf: Buffer = carry ? Buffer.concat([carry, block]) : block;
    let start = 0;
    if (atFileStart) {
      // A mark is at most 4 bytes: a stream's first blocks may be shorter than that.
      if (buf.length < 4) {
        carry = buf;
        continue;
      }
      refuseUtf16(buf, name);
      start = utf8BomLength(buf);
    }
    check(buf, start, buf.lastIndexOf(10));
    atFileStart = false;
    const batch: NumberedLine[] = [];
    for (;;) {
      const nl = buf.indexOf(10, start);
      if (nl < 0) break;
      line++;
      const end = nl > start && buf[nl - 1] === 13 ? nl - 1 : nl;
      if (end > start) batch.push({ text: buf.toString('utf8', start, end), line });
      start = nl + 1;
    }
    carry = start < buf.length ? buf.subarray(start) : null;
    if (batch.length > 0) yield batch;
  }
  if (carry && carry.length > 0) {
    let start = 0;
    if (atFileStart) {
      refuseUtf16(carry, name);
      start = utf8BomLength(carry);
    }
    check(carry, start, carry.length);
    const batch: NumberedLine[] = [];
    for (;;) {
      const nl = carry.indexOf(10, start);
      const stop = nl < 0 ? carry.length : nl;
      line++;
      const end = stop > start && carry[stop - 1] === 13 ? stop - 1 : stop;
      if (end > start) batch.push({ text: carry.toString('utf8', start, end), line });
      if (nl < 0) break;
      start = nl + 1;
    }
    if (batch.length > 0) yield batch;
  }
}

/** The byte offset just after the first newline at or after `near` (or the file size). */
export function lineStartAfter(file: string, near: number): number {
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    const block = Buffer.allocUnsafe(64 * 1024);
    for (let pos = near; pos < size; pos += block.length) {
      const n = readSync(fd, block, 0, block.length, pos);
      const nl = block.subarray(0, n).indexOf(10);
      if (nl >= 0) return pos + nl + 1;
    }
    return size;
  } finally {
    closeSync(fd);
  }
}

/** Newlines in the first `end` bytes of `file`: the line number offset of a range starting there. */
export function countLines(file: string, end: number): number {
  const fd = openSync(file, 'r');
  try {
    const block = Buffer.allocUnsafe(BLOCK_BYTES);
    let lines = 0;
    for (let pos = 0; pos < end;) {
      const n = readSync(fd, block, 0, Math.min(block.length, end - pos), pos);
      if (n === 0) break;
      for (let i = block.indexOf(10, 0); i >= 0 && i < n; i = block.indexOf(10, i + 1)) lines++;
      pos += n;
    }
    return lines;
  } finally {
    closeSync(fd);
  }
}

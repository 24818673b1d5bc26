/**
 * Streams a text file as numbered lines (layer: io).
 *
 * Reads 1 MiB blocks and splits on '\n' (a trailing '\r' is dropped), so memory stays bounded
 * however large the file; blank lines are skipped but still counted, so `line` is the 1-based
 * line number an editor shows (counted from the start of the range read).
 */
import { closeSync, createReadStream, fstatSync, openSync, readSync } from 'node:fs';

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
  if (range.end !== undefined && (range.start ?? 0) >= range.end) return;
  const stream = createReadStream(file, {
    highWaterMark: BLOCK_BYTES,
    ...(range.start !== undefined ? { start: range.start } : {}),
    ...(range.end !== undefined ? { end: range.end - 1 } : {}),
  });
  let carry: Buffer | null = null;
  let line = 0;
  try {
    for await (const block of stream as AsyncIterable<Buffer>) {
      const buf: Buffer = carry ? Buffer.concat([carry, block]) : block;
      let start = 0;
      for (;;) {
        const nl = buf.indexOf(10, start);
        if (nl < 0) break;
        line++;
        const end = nl > start && buf[nl - 1] === 13 ? nl - 1 : nl;
        if (end > start) yield { text: buf.toString('utf8', start, end), line };
        start = nl + 1;
      }
      carry = start < buf.length ? buf.subarray(start) : null;
    }
    if (carry && carry.length > 0) {
      line++;
      const end = carry[carry.length - 1] === 13 ? carry.length - 1 : carry.length;
      if (end > 0) yield { text: carry.toString('utf8', 0, end), line };
    }
  } finally {
    stream.destroy();
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

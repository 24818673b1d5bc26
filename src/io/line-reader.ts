/**
 * Streams a text file as numbered lines (layer: io).
 *
 * Reads 1 MiB blocks and splits on '\n' (a trailing '\r' is dropped), so memory stays bounded
 * however large the file; blank lines are skipped but still counted, so `line` is the 1-based
 * line number an editor shows.
 */
import { createReadStream } from 'node:fs';

export interface NumberedLine {
  readonly text: string;
  readonly line: number;
}

const BLOCK_BYTES = 1 << 20;

export async function* readLines(file: string): AsyncGenerator<NumberedLine> {
  const stream = createReadStream(file, { highWaterMark: BLOCK_BYTES });
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

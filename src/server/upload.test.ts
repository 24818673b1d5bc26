/**
 * `limitedBody`: a streamed body read as it arrives (here through the line reader, as the
 * predictions route reads it), under the upload limits (413 naming the line or the size).
 */
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { linesOfBlocks, type NumberedLine } from '../io/line-reader.js';
import { limitedBody, REQUEST_BODY } from './upload.js';

const LIMITS = { upload: 1000, ndjsonLine: 100 };

async function all(lines: AsyncIterable<NumberedLine>): Promise<NumberedLine[]> {
  const out: NumberedLine[] = [];
  for await (const l of lines) out.push(l);
  return out;
}

const body = (...parts: string[]) => Readable.from(parts.map((p) => Buffer.from(p)));

describe('limitedBody', () => {
  const uploadedLines = (body: Readable, limits: typeof LIMITS) =>
    linesOfBlocks(limitedBody(body, limits), REQUEST_BODY);

  it('gives the numbered lines of a body sent in pieces', async () => {
    const lines = await all(uploadedLines(body('{"a":', '1}\n\n{"b"', ':2}\r\n{"c":3}'), LIMITS));
    expect(lines).toEqual([
      { text: '{"a":1}', line: 1 },
      { text: '{"b":2}', line: 3 },
      { text: '{"c":3}', line: 4 },
    ]);
  });

  it('refuses a body over the size limit, and a line over the line limit, with 413', async () => {
    const big = body(...Array.from({ length: 30 }, () => `${'x'.repeat(49)}\n`));
    await expect(all(uploadedLines(big, LIMITS))).rejects.toMatchObject({
      status: 413,
      message: 'request body is larger than 1000 bytes',
    });
    const long = body('ok\n', 'y'.repeat(60), 'y'.repeat(60), '\n');
    await expect(all(uploadedLines(long, LIMITS))).rejects.toMatchObject({
      status: 413,
      message: expect.stringContaining('request body line 2 is longer than 100 bytes'),
    });
  });

  it('names the request body where bytes are not UTF-8', async () => {
    const bad = Readable.from([Buffer.from('ok\n'), Buffer.from([0x62, 0xff, 0x0a])]);
    await expect(all(uploadedLines(bad, LIMITS))).rejects.toThrow(/^request body:2/);
  });
});

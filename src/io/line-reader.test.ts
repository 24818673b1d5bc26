/**
 * The line reader over any blocks: a file read whole and the same bytes arriving in arbitrary
 * pieces (a request body) give the same numbered lines, byte order mark and CRLF rules included,
 * and bytes that are not UTF-8 are refused at their line however the pieces fall.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { linesOfBlocks, readLines, type NumberedLine } from './line-reader.js';

const dir = mkdtempSync(join(tmpdir(), 'verso-line-reader-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function all(lines: AsyncIterable<NumberedLine>): Promise<NumberedLine[]> {
  const out: NumberedLine[] = [];
  for await (const l of lines) out.push(l);
  return out;
}

async function* pieces(bytes: Buffer, cuts: number[]): AsyncGenerator<Buffer> {
  let at = 0;
  for (const cut of [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b)) {
    yield bytes.subarray(at, cut);
    at = cut;
  }
  yield bytes.subarray(at);
}

const text = fc
  .array(fc.oneof(fc.string(), fc.constantFrom('\n', '\r\n', 'é', '😀', '')), { maxLength: 30 })
  .map((parts) => parts.join(''));

describe('linesOfBlocks', () => {
  it('gives the lines readLines gives for the whole file, however the bytes are cut (property)', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.boolean(),
        text,
        fc.array(fc.nat(), { maxLength: 8 }),
        async (bom, t, cuts) => {
          const bytes = Buffer.concat([Buffer.from(bom ? [0xef, 0xbb, 0xbf] : []), Buffer.from(t)]);
          const file = join(dir, `f${n++}`);
          writeFileSync(file, bytes);
          const whole = await all(readLines(file));
          expect(await all(linesOfBlocks(pieces(bytes, cuts), 'body'))).toEqual(whole);
          const expected = t.split('\n').map((l) => l.replace(/\r$/, ''));
          expect(whole.map((l) => l.text)).toEqual(expected.filter((l) => l !== ''));
        },
      ),
    );
  });

  it('refuses bytes that are not UTF-8 at their line, and a UTF-16 mark, in any pieces', async () => {
    const bad = Buffer.concat([
      Buffer.from('ok\nfine\nba'),
      Buffer.from([0xff]),
      Buffer.from('d\n'),
    ]);
    for (const cut of [1, 3, 9, 11, 12])
      await expect(all(linesOfBlocks(pieces(bad, [cut]), 'request body'))).rejects.toThrow(
        /request body:3/,
      );
    const utf16 = Buffer.from([0xff, 0xfe, 0x61, 0x00]);
    await expect(all(linesOfBlocks(pieces(utf16, [1]), 'request body'))).rejects.toThrow(/UTF-16/);
  });
});

import { isUtf8 } from 'node:buffer';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { FormatParseError } from '../core/errors.js';
import { readLines } from './line-reader.js';
import { decodeUtf8Text, firstInvalidUtf8, readTextFile, Utf8BlockChecker } from './text-file.js';

const dir = mkdtempSync(join(tmpdir(), 'verso-text-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Bytes that are mostly UTF-8 text with, sometimes, a stray or cut sequence. */
const textish = fc
  .array(
    fc.oneof(
      {
        weight: 6,
        arbitrary: fc.string({ unit: 'binary', maxLength: 6 }).map((s) => [...Buffer.from(s)]),
      },
      { weight: 1, arbitrary: fc.array(fc.integer({ min: 0x80, max: 0xff }), { maxLength: 3 }) },
    ),
    { maxLength: 30 },
  )
  .map((parts) => Buffer.from(parts.flat()));

const error = (f: () => unknown): FormatParseError => {
  try {
    f();
  } catch (e) {
    if (e instanceof FormatParseError) return e;
    throw e;
  }
  throw new Error('expected a FormatParseError');
};

describe('firstInvalidUtf8', () => {
  it('finds an invalid byte exactly when isUtf8 says the bytes are not UTF-8 (property)', () => {
    fc.assert(
      fc.property(textish, (b) => {
        const at = firstInvalidUtf8(b, 0, b.length);
        expect(at === -1).toBe(isUtf8(b));
        if (at >= 0) expect(isUtf8(b.subarray(0, at))).toBe(true);
      }),
      { seed: 20260210, numRuns: 2000 },
    );
  });

  it.each([
    ['an overlong slash', [0x2f, 0xc0, 0xaf], 1],
    ['an encoded surrogate', [0x61, 0xed, 0xa0, 0x80], 1],
    ['a code point above U+10FFFF', [0xf4, 0x90, 0x80, 0x80], 0],
    ['a sequence cut by the end', [0x61, 0x62, 0xe2, 0x82], 2],
    ['a stray continuation byte', [0x80], 0],
    ['Latin-1 é', [0x63, 0x61, 0x66, 0xe9], 3],
  ])('rejects %s', (_what, bytes, at) => {
    expect(firstInvalidUtf8(Buffer.from(bytes), 0, bytes.length)).toBe(at);
  });
});

describe('Utf8BlockChecker', () => {
  it('finds the first invalid byte at any cutting into blocks (property)', () => {
    fc.assert(
      fc.property(textish, fc.array(fc.nat(200), { maxLength: 6 }), (b, cuts) => {
        const checker = new Utf8BlockChecker();
        let found = -1;
        let at = 0;
        for (const cut of [...new Set(cuts.map((c) => c % (b.length + 1)))].sort((x, y) => x - y)) {
          if (found >= 0 || cut <= at) continue;
          const bad = checker.check(b.subarray(at, cut));
          if (bad !== undefined) found = at + bad;
          at = cut;
        }
        if (found < 0) {
          const bad = at < b.length ? checker.check(b.subarray(at)) : undefined;
          if (bad !== undefined) found = at + bad;
          else {
            const end = checker.end();
            if (end !== undefined) found = b.length + end;
          }
        }
        expect(found).toBe(firstInvalidUtf8(b, 0, b.length));
      }),
      { seed: 20260211, numRuns: 2000 },
    );
  });
});

describe('decodeUtf8Text and readTextFile', () => {
  it('drops a leading UTF-8 byte order mark, and only a leading one', () => {
    expect(decodeUtf8Text(Buffer.from('\uFEFFnames: [a]\n'), 'f')).toBe('names: [a]\n');
    expect(decodeUtf8Text(Buffer.from('a\uFEFF'), 'f')).toBe('a\uFEFF');
  });

  it('refuses Latin-1 text with the file, line and column, never U+FFFD', () => {
    const file = join(dir, 'latin1.yaml');
    writeFileSync(file, Buffer.concat([Buffer.from('a: 1\nname: caf'), Buffer.from([0xe9, 0x0a])]));
    const e = error(() => readTextFile(file));
    expect(e.message).toContain(`${file}:2: invalid UTF-8 at column 10 (bytes 0xE9)`);
    expect(e.data).toMatchObject({ file, line: 2 });
  });

  it('refuses UTF-16 with a message that says so', () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('{"a":1}', 'utf16le')]);
    expect(error(() => decodeUtf8Text(utf16, 'x.json')).message).toContain('the file is UTF-16');
  });
});

describe('readLines', () => {
  const lines = async (file: string) => {
    const out: [number, string][] = [];
    for await (const l of readLines(file)) out.push([l.line, l.text]);
    return out;
  };

  it('drops a byte order mark at the start of the file only', async () => {
    const file = join(dir, 'bom.jsonl');
    writeFileSync(file, '\uFEFF{"a":1}\n\n{"b":"\uFEFF"}\r\n');
    expect(await lines(file)).toEqual([
      [1, '{"a":1}'],
      [3, '{"b":"\uFEFF"}'],
    ]);
  });

  it('refuses invalid UTF-8 at its line, also past the first block and in a last line without a newline', async () => {
    const long = 'x'.repeat(1 << 20); // the reader's block size: the bad byte is in the 2nd block
    const file = join(dir, 'bad.jsonl');
    writeFileSync(
      file,
      Buffer.concat([
        Buffer.from(`"€"\n${long}\n"ok"\n"caf`),
        Buffer.from([0xe9]),
        Buffer.from('"\n'),
      ]),
    );
    const e = await lines(file).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(FormatParseError);
    expect((e as FormatParseError).data).toMatchObject({ line: 4 });
    expect((e as FormatParseError).message).toContain('invalid UTF-8 at column 5 (bytes 0xE9)');
    const tail = join(dir, 'tail.jsonl');
    writeFileSync(tail, Buffer.concat([Buffer.from('"a"\n"b'), Buffer.from([0xe2, 0x82])]));
    const t = await lines(tail).catch((err: unknown) => err);
    expect((t as FormatParseError).data).toMatchObject({ line: 2 });
  });

  it('reads a character that straddles two blocks', async () => {
    const file = join(dir, 'straddle.txt');
    const head = 'y'.repeat((1 << 20) - 1);
    writeFileSync(file, `${head}€z\n`);
    expect((await lines(file))[0]![1]).toBe(`${head}€z`);
  });
});

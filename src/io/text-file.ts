/**
 * Input text is UTF-8, checked, never repaired (layer: io).
 *
 * Every reader of a user's file decodes through here (`readTextFile`) or through the line
 * reader, which applies the same rules block by block:
 * - a leading UTF-8 byte order mark is accepted and dropped (editors on Windows write one);
 * - a UTF-16 or UTF-32 byte order mark is refused with a message that says so;
 * - bytes that are not valid UTF-8 are refused with the file, the 1-based line and the column,
 *   never replaced with U+FFFD (Node's default decoding), which would store a different string
 *   than the one the user has.
 * The check is `buffer.isUtf8` (simdutf, several GB/s) over whole blocks; the exact position is
 * only looked for once a block is known to be bad (`firstInvalidUtf8`).
 */
import { isUtf8 } from 'node:buffer';
import { readFileSync } from 'node:fs';
import { FormatParseError } from '../core/errors.js';
import { checkInputFile } from './input-file.js';

/** Length of a UTF-8 byte order mark at `start` of `bytes` (3), else 0. */
export function utf8BomLength(bytes: Uint8Array, start = 0): number {
  return bytes[start] === 0xef && bytes[start + 1] === 0xbb && bytes[start + 2] === 0xbf ? 3 : 0;
}

/** The whole file as text, checked as above. Missing or unreadable: `InputFileError`. */
export function readTextFile(file: string): string {
  checkInputFile(file);
  return decodeUtf8Text(readFileSync(file), file);
}

/** `bytes` (a whole file) as text: a leading BOM dropped, anything not UTF-8 refused. */
export function decodeUtf8Text(bytes: Buffer, file: string): string {
  refuseUtf16(bytes, file);
  const start = utf8BomLength(bytes);
  if (!isUtf8(bytes.subarray(start))) {
    throw invalidUtf8Error(file, bytes, firstInvalidUtf8(bytes, start, bytes.length));
  }
  return bytes.toString('utf8', start);
}

/** Throws when the first bytes of a file are a UTF-16 or UTF-32 byte order mark. */
export function refuseUtf16(head: Uint8Array, file: string): void {
  const utf16 = utf16Bom(head);
  if (utf16)
    throw new FormatParseError(
      file,
      1,
      null,
      `the file is ${utf16} (it starts with a ${utf16} byte order mark); Verso reads UTF-8 text: save it as UTF-8`,
    );
}

/**
 * The error for the invalid byte at `offset` of `bytes`; `bytes` starts at line `firstLine` (the
 * line reader passes blocks from the middle of a file).
 */
export function invalidUtf8Error(
  file: string,
  bytes: Uint8Array,
  offset: number,
  firstLine = 1,
): FormatParseError {
  let line = firstLine;
  let lineStart = 0;
  for (let i = bytes.indexOf(10); i >= 0 && i < offset; i = bytes.indexOf(10, i + 1)) {
    line++;
    lineStart = i + 1;
  }
  const before = Buffer.from(bytes.buffer, bytes.byteOffset + lineStart, offset - lineStart);
  const column = [...before.toString('utf8')].length + 1;
  const shown = sequenceBytes(bytes, offset);
  return new FormatParseError(
    file,
    line,
    null,
    `invalid UTF-8 at column ${column} (bytes ${shown}): Verso reads text as UTF-8 and does not guess; ` +
      `convert the file to UTF-8 (e.g. iconv -f latin1 -t utf-8) and import it again`,
  );
}

function utf16Bom(b: Uint8Array): string | undefined {
  if (b[0] === 0xff && b[1] === 0xfe) return b[2] === 0 && b[3] === 0 ? 'UTF-32' : 'UTF-16';
  if (b[0] === 0xfe && b[1] === 0xff) return 'UTF-16';
  if (b[0] === 0 && b[1] === 0 && b[2] === 0xfe && b[3] === 0xff) return 'UTF-32';
  return undefined;
}

const hex = (b: number) => `0x${b.toString(16).toUpperCase().padStart(2, '0')}`;

/** The bad byte at `at` and the continuation bytes after it (at most 4 bytes), as hex. */
function sequenceBytes(b: Uint8Array, at: number): string {
  let end = at + 1;
  while (end < b.length && end < at + 4 && (b[end]! & 0xc0) === 0x80) end++;
  return Array.from(b.subarray(at, end), hex).join(' ');
}

/**
 * Offset of the first byte in [start, end) that does not begin a valid UTF-8 sequence (an
 * overlong form, an encoded surrogate, above U+10FFFF, a stray continuation byte, a sequence cut
 * by `end`), or -1 when the range is valid: the rules of `isUtf8` and of the WHATWG decoder.
 */
export function firstInvalidUtf8(b: Uint8Array, start: number, end: number): number {
  let i = start;
  while (i < end) {
    const c = b[i]!;
    if (c < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) need = 1;
    else if (c >= 0xe0 && c <= 0xef) {
      need = 2;
      if (c === 0xe0) lo = 0xa0; // overlong
      if (c === 0xed) hi = 0x9f; // surrogates
    } else if (c >= 0xf0 && c <= 0xf4) {
      need = 3;
      if (c === 0xf0) lo = 0x90; // overlong
      if (c === 0xf4) hi = 0x8f; // above U+10FFFF
    } else return i;
    if (i + need >= end) return i; // cut off by the end
    const second = b[i + 1]!;
    if (second < lo || second > hi) return i;
    for (let k = 2; k <= need; k++) {
      const n = b[i + k]!;
      if (n < 0x80 || n > 0xbf) return i;
    }
    i += need + 1;
  }
  return -1;
}

/** Bytes of the UTF-8 sequence a lead byte begins (0: not a lead byte of valid UTF-8). */
function sequenceLength(lead: number): number {
  if (lead < 0x80) return 1;
  if (lead >= 0xc2 && lead <= 0xdf) return 2;
  if (lead >= 0xe0 && lead <= 0xef) return 3;
  if (lead >= 0xf0 && lead <= 0xf4) return 4;
  return 0;
}

/**
 * Checks a byte stream that arrives in blocks cut anywhere (a character may span two blocks):
 * an incomplete sequence at the end of a block is kept and checked with the start of the next.
 */
export class Utf8BlockChecker {
  private carry: Buffer = Buffer.alloc(0);
  /** The invalid bytes found by the last failing call, as hex (`0xE9 0x22`). */
  badBytes = '';

  /**
   * Index in `block` of the first byte of an invalid sequence (negative when it began that many
   * bytes before the block), or undefined when all is valid so far. `block` may be reused
   * afterwards.
   */
  check(block: Buffer): number | undefined {
    let from = 0;
    const k = this.carry.length;
    if (k > 0) {
      const need = sequenceLength(this.carry[0]!) - k;
      const joined = Buffer.concat([this.carry, block.subarray(0, need)]);
      if (block.length < need) {
        this.carry = joined; // still incomplete (a tiny block): decided by the next call or `end`
        return undefined;
      }
      if (!isUtf8(joined)) return this.fail(joined, 0, -k);
      from = need;
      this.carry = Buffer.alloc(0);
    }
    const cut = incompleteTail(block, from);
    if (!isUtf8(block.subarray(from, cut))) {
      const at = firstInvalidUtf8(block, from, cut);
      return this.fail(block, at, at);
    }
    this.carry = Buffer.from(block.subarray(cut));
    return undefined;
  }

  /** At the end of the stream: -k when a sequence was left incomplete k bytes before the end. */
  end(): number | undefined {
    return this.carry.length > 0 ? this.fail(this.carry, 0, -this.carry.length) : undefined;
  }

  private fail(bytes: Uint8Array, at: number, result: number): number {
    this.badBytes = sequenceBytes(bytes, at);
    return result;
  }
}

/** Start of an incomplete sequence at the end of `b` (after `from`), else `b.length`. */
function incompleteTail(b: Uint8Array, from: number): number {
  for (let j = b.length - 1; j >= Math.max(from, b.length - 3); j--) {
    const c = b[j]!;
    if (c < 0x80) break;
    if (c >= 0xc0) return j + sequenceLength(c) > b.length ? j : b.length;
  }
  return b.length;
}

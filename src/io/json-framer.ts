/**
 * A byte-level framer for large JSON documents shaped `{"key": [ {...}, {...} ], ...}`
 * (layer: io).
 *
 * A 10M-annotation COCO file is ~3.5 GB, far larger than any JavaScript string, so it is never
 * parsed whole: the framer walks the bytes once, tracking strings, escapes and nesting depth,
 * finds the top-level members and, inside the arrays the caller asks for, the byte range of each
 * element. Each element is handed over as its own bytes (the caller `JSON.parse`s that small
 * slice, which is fast); everything else is skipped without decoding. Bytes come in chunks of
 * any size, and an element may span chunks. Elements handed over may be views into the chunk:
 * valid during the `element` call only. Structure errors (truncation, garbage between
 * elements, a non-object document, arrays and objects nested deeper than `MAX_NESTING`) throw
 * `JsonFrameError` with the byte offset and the place. A leading UTF-8 byte order mark is
 * skipped; `frameFile` also checks that the bytes are UTF-8 (`io/text-file.ts`), so whatever an
 * element handler decodes is the text of the file, never a U+FFFD substitute.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { MAX_NESTING } from '../core/json-value-check.js';
import { countLines } from './line-reader.js';
import { Utf8BlockChecker } from './text-file.js';

export class JsonFrameError extends Error {
  constructor(
    readonly offset: number,
    readonly where: string,
    readonly why: string,
  ) {
    super(`${why} (byte ${offset}${where ? `, in ${where}` : ''})`);
  }
}

export interface FrameHandler {
  /** Whether the array under this top-level key is framed into elements (else skipped). */
  frames(key: string): boolean;
  /** One element of a framed array, with its index in the array. */
  element(key: string, index: number, bytes: Buffer): void;
}

const enum State {
  BeforeRoot,
  ExpectKey,
  InKey,
  ExpectColon,
  ExpectValue,
  SkipValue,
  ExpectElement,
  InElement,
  AfterElement,
  AfterValue,
  Done,
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const isSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
const isOpen = (c: number) => c === 0x7b || c === 0x5b;
const isClose = (c: number) => c === 0x7d || c === 0x5d;

export class JsonArrayFramer {
  private state = State.BeforeRoot;
  private offset = 0;
  private key = '';
  private keyParts: Buffer[] = [];
  private index = 0;
  /** Scanner state inside a value: nesting depth, inside a string, after a backslash. */
  private depth = 0;
  private inString = false;
  private escape = false;
  /** Parts of the current element that began in earlier chunks. */
  private parts: Buffer[] = [];
  /** Keys seen at the top level, in order. */
  readonly keys: string[] = [];

  constructor(private readonly handler: FrameHandler) {}

  feed(buf: Buffer): void {
    let i = 0;
    const n = buf.length;
    let start = this.state === State.InElement || this.state === State.InKey ? 0 : -1;
    while (i < n) {
      const c = buf[i]!;
      switch (this.state) {
        case State.BeforeRoot:
          if (c === 0x7b) this.state = State.ExpectKey;
          else if (c === 0xef && this.offset + i === 0 && this.isBom(buf, i))
            i += 2; // UTF-8 byte order mark
          else if (!isSpace(c)) this.fail(i, 'expected a JSON object at the top level');
          i++;
          break;
        case State.ExpectKey:
          if (c === QUOTE) {
            this.state = State.InKey;
            start = i + 1;
            this.keyParts = [];
          } else if (c === 0x7d && this.keys.length === 0) this.state = State.Done;
          else if (!isSpace(c)) this.fail(i, 'expected a member name');
          i++;
          break;
        case State.InKey: {
          const end = this.skipString(buf, i);
          if (end < 0) {
            this.keyParts.push(Buffer.from(buf.subarray(start)));
            return this.advance(n);
          }
          this.keyParts.push(buf.subarray(start, end - 1));
          this.key = this.decodeKey(i);
          this.keys.push(this.key);
          this.state = State.ExpectColon;
          i = end;
          break;
        }
        case State.ExpectColon:
          if (c === COLON) this.state = State.ExpectValue;
          else if (!isSpace(c)) this.fail(i, `expected ':' after "${this.key}"`);
          i++;
          break;
        case State.ExpectValue:
          if (isSpace(c)) i++;
          else if (this.handler.frames(this.key)) {
            if (c !== 0x5b) this.fail(i, `expected an array under "${this.key}"`);
            this.state = State.ExpectElement;
            this.index = 0;
            i++;
          } else this.beginValue(State.SkipValue);
          break;
        case State.SkipValue: {
          const end = this.scanValue(buf, i);
          if (end < 0) return this.advance(n);
          this.state = State.AfterValue;
          i = end;
          break;
        }
        case State.ExpectElement:
          if (isSpace(c)) i++;
          else if (c === 0x5d && this.index === 0) {
            this.state = State.AfterValue;
            i++;
          } else {
            this.beginValue(State.InElement);
            start = i;
            this.parts = [];
          }
          break;
        case State.InElement: {
          const end = this.scanValue(buf, i);
          if (end < 0) {
            this.parts.push(Buffer.from(buf.subarray(start))); // the chunk may be reused
            return this.advance(n);
          }
          const tail = buf.subarray(start, end);
          const bytes = this.parts.length === 0 ? tail : Buffer.concat([...this.parts, tail]);
          this.parts = [];
          this.handler.element(this.key, this.index++, bytes);
          this.state = State.AfterElement;
          i = end;
          break;
        }
        case State.AfterElement:
          if (c === COMMA) this.state = State.ExpectElement;
          else if (c === 0x5d) this.state = State.AfterValue;
          else if (!isSpace(c)) this.fail(i, "expected ',' or ']' after an element");
          i++;
          break;
        case State.AfterValue:
          if (c === COMMA) this.state = State.ExpectKey;
          else if (c === 0x7d) this.state = State.Done;
          else if (!isSpace(c)) this.fail(i, "expected ',' or '}' after a member");
          i++;
          break;
        case State.Done:
          if (!isSpace(c)) this.fail(i, 'unexpected content after the top-level object');
          i++;
          break;
      }
    }
    this.advance(n);
  }

  /** Call at the end of the input: throws if the document is incomplete. */
  end(): void {
    if (this.state !== State.Done) this.fail(0, 'truncated JSON: the file ends early');
  }

  private advance(n: number): void {
    this.offset += n;
  }

  /** A byte order mark (the chunk holds the first bytes of the document: a mark is never split). */
  private isBom(buf: Buffer, i: number): boolean {
    return buf[i + 1] === 0xbb && buf[i + 2] === 0xbf;
  }

  /** Where the framer is: `annotations[12]` inside an element, `"info"` in a member, else ''. */
  where(): string {
    if (this.state === State.InElement || this.state === State.AfterElement)
      return `${this.key}[${this.index}]`;
    return this.key ? `"${this.key}"` : '';
  }

  private fail(i: number, why: string): never {
    throw new JsonFrameError(this.offset + i, this.where(), why);
  }

  private beginValue(state: State): void {
    this.state = state;
    this.depth = 0;
    this.inString = false;
    this.escape = false;
  }

  private decodeKey(i: number): string {
    const raw = Buffer.concat(this.keyParts).toString('utf8');
    try {
      return raw.includes('\\') ? (JSON.parse(`"${raw}"`) as string) : raw;
    } catch {
      this.fail(i, 'malformed member name');
    }
  }

  /**
   * Index just past the end of the value being scanned (a container's closing bracket, or the
   * byte before the ',', ']' or '}' that ends a scalar), or -1 if it continues in the next chunk.
   */
  private scanValue(buf: Buffer, i: number): number {
    const n = buf.length;
    let depth = this.depth;
    if (this.inString) {
      i = this.skipString(buf, i);
      if (i < 0) return -1;
    }
    for (; i < n; i++) {
      const c = buf[i]!;
      if (c === QUOTE) {
        this.depth = depth;
        i = this.skipString(buf, i + 1);
        if (i < 0) return -1;
        i--;
      } else if (isOpen(c)) {
        if (++depth > MAX_NESTING)
          this.fail(
            i,
            `arrays and objects nested more than ${MAX_NESTING} levels deep (Verso stores at most ${MAX_NESTING})`,
          );
      } else if (isClose(c)) {
        if (depth === 0) return i;
        if (--depth === 0) return i + 1;
      } else if (c === COMMA && depth === 0) return i;
    }
    this.depth = depth;
    return -1;
  }

  /** From inside a string: index just past its closing quote, or -1 (state kept for the next chunk). */
  private skipString(buf: Buffer, i: number): number {
    const n = buf.length;
    this.inString = true;
    if (this.escape) {
      this.escape = false;
      i++;
    }
    for (; i < n; i++) {
      const c = buf[i]!;
      if (c === BACKSLASH) {
        if (i + 1 >= n) {
          this.escape = true;
          return -1;
        }
        i++;
      } else if (c === QUOTE) {
        this.inString = false;
        return i + 1;
      }
    }
    return -1;
  }
}

/** Bytes read from the file per `feed`. */
const READ_BLOCK = 4 << 20;

/**
 * Feeds the whole file to `framer` in blocks and checks that the document is complete and
 * UTF-8. Bytes before an invalid one are fed first, so the error names the element it is in.
 */
export function frameFile(file: string, framer: JsonArrayFramer): void {
  const fd = openSync(file, 'r');
  try {
    const block = Buffer.allocUnsafe(READ_BLOCK);
    const utf8 = new Utf8BlockChecker();
    let offset = 0;
    for (;;) {
      const n = readSync(fd, block, 0, READ_BLOCK, null);
      const bad = n === 0 ? utf8.end() : utf8.check(block.subarray(0, n));
      if (bad !== undefined) {
        if (bad > 0) framer.feed(block.subarray(0, bad));
        throw invalidUtf8(file, framer, offset + bad, utf8.badBytes);
      }
      if (n === 0) break;
      framer.feed(block.subarray(0, n));
      offset += n;
    }
    framer.end();
  } finally {
    closeSync(fd);
  }
}

function invalidUtf8(
  file: string,
  framer: JsonArrayFramer,
  offset: number,
  bytes: string,
): JsonFrameError {
  const line = countLines(file, offset) + 1;
  return new JsonFrameError(
    offset,
    framer.where(),
    `invalid UTF-8 at line ${line} (bytes ${bytes}): Verso reads text as UTF-8 and does not guess; ` +
      'convert the file to UTF-8 (e.g. iconv -f latin1 -t utf-8) and import it again',
  );
}

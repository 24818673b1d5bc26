/**
 * Uploaded files (layer: server): a streamed request body written to the repository's scratch
 * space, handed to a verb that reads a file (import, apply), and removed after. The body is
 * limited in size and in line length (so a body without line ends cannot grow one line without
 * bound), refused with 413 naming the line; an error that names the scratch file names "request body" instead,
 * so a client reads `request body:12: ...` and never a server path. The file itself is named
 * "request body" (in a folder of its own), so what a verb records of it (a commit's message and
 * operations: `Import request body`) is the same for every upload, never a scratch name.
 */
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline as pipe, Transform, type Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { pipeline } from 'node:stream/promises';
import { randomUUID } from 'node:crypto';
import type { Repository } from '../api/repository/index.js';
import { isVersoError, VersoError } from '../core/errors.js';
import { HttpRefusal } from './http-errors.js';

export const REQUEST_BODY = 'request body';

export interface UploadLimits {
  /** Largest body, bytes. */
  readonly upload: number;
  /** Longest line, bytes (NDJSON bodies). */
  readonly ndjsonLine: number;
}

/** Optional line-wise processing of the body as it is written (after the limits). */
export interface UploadLines {
  /** Each line (without its '\n') as written to the file; may throw to refuse the body. */
  readonly mapLine?: (line: string, lineNumber: number) => string;
}

export async function withUploadedFile<T>(
  repo: Repository,
  body: Readable,
  limits: UploadLimits,
  use: (file: string) => Promise<T>,
  lines: UploadLines = {},
): Promise<T> {
  // A folder of its own per upload, so the file's name is "request body": verbs that record the
  // name of what they read (the commit message and operations of import and apply) record that,
  // the same for every upload, never a random scratch name.
  const folder = join(repo.scratchDir(), `upload-${randomUUID()}`);
  const file = join(folder, REQUEST_BODY);
  try {
    await mkdir(folder);
    const limiter = bodyLimiter(limits);
    const stages = lines.mapLine ? [limiter, lineMapper(lines.mapLine)] : [limiter];
    await pipeline([body, ...stages, createWriteStream(file)]);
    try {
      return await use(file);
    } catch (e) {
      throw renamedFile(e, file);
    }
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

/**
 * A streamed body under the same limits (413), for a verb that parses while the client is still
 * sending (its lines named "request body" in errors), instead of after a scratch file is written.
 */
export function limitedBody(body: Readable, limits: UploadLimits): Readable {
  return pipe(body, bodyLimiter(limits), () => undefined);
}

/** Passes a body through unchanged, refusing (413) one too large or with a line too long. */
function bodyLimiter(limits: UploadLimits): Transform {
  let size = 0;
  let line = 1;
  /** Bytes of the current line so far. */
  let run = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      size += chunk.length;
      if (size > limits.upload)
        return done(
          new HttpRefusal(
            'BODY_TOO_LARGE',
            413,
            `request body is larger than ${limits.upload} bytes`,
            { limit: limits.upload },
          ),
        );
      for (let at = 0; ;) {
        const nl = chunk.indexOf(10, at);
        run += (nl < 0 ? chunk.length : nl) - at;
        if (run > limits.ndjsonLine)
          return done(
            new HttpRefusal(
              'BODY_TOO_LARGE',
              413,
              `request body line ${line} is longer than ${limits.ndjsonLine} bytes (split the record, or check the line ends)`,
              { line, limit: limits.ndjsonLine },
            ),
          );
        if (nl < 0) break;
        line++;
        run = 0;
        at = nl + 1;
      }
      done(null, chunk);
    },
  });
}

/** A transform that splits UTF-8 bytes into lines and writes `map(line)` for each. */
function lineMapper(map: (line: string, lineNumber: number) => string): Transform {
  const utf8 = new StringDecoder('utf8');
  let rest = '';
  let n = 0;
  const mapped = (text: string): string => {
    let out = '';
    let at = 0;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', at)) {
      out += `${map(text.slice(at, nl), ++n)}\n`;
      at = nl + 1;
    }
    rest = text.slice(at);
    return out;
  };
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      try {
        done(null, mapped(rest + utf8.write(chunk)));
      } catch (e) {
        done(e as Error);
      }
    },
    flush(done) {
      try {
        const tail = rest + utf8.end();
        rest = '';
        done(null, tail === '' ? '' : map(tail, ++n));
      } catch (e) {
        done(e as Error);
      }
    },
  });
}

/** `e` with the scratch path replaced by "request body" in its message and data. */
function renamedFile(e: unknown, file: string): unknown {
  if (!isVersoError(e) || !e.message.includes(file)) return e;
  const data: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(e.data)) data[k] = v === file ? REQUEST_BODY : v;
  const copy = new VersoError(e.category, e.code, e.message.replaceAll(file, REQUEST_BODY), data);
  Object.setPrototypeOf(copy, Object.getPrototypeOf(e) as object);
  copy.name = e.name;
  return copy;
}

/**
 * Uploaded files (layer: server): a streamed request body written to the repository's scratch
 * space, handed to a verb that reads a file (import, apply), and removed after. The body is
 * limited in size and in line length (so a body without line ends cannot grow one line without
 * bound), refused with 413 naming the line; an error that names the scratch file names "request body" instead,
 * so a client reads `request body:12: ...` and never a server path.
 */
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
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

export async function withUploadedFile<T>(
  repo: Repository,
  body: Readable,
  limits: UploadLimits,
  use: (file: string) => Promise<T>,
): Promise<T> {
  const file = join(repo.scratchDir(), `upload-${randomUUID()}`);
  try {
    let size = 0;
    let line = 1;
    /** Bytes of the current line so far. */
    let run = 0;
    const limiter = new Transform({
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
    await pipeline(body, limiter, createWriteStream(file));
    try {
      return await use(file);
    } catch (e) {
      throw renamedFile(e, file);
    }
  } finally {
    await rm(file, { force: true });
  }
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

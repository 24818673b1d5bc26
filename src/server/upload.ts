/**
 * Uploaded files (layer: server): a streamed request body written to the repository's scratch
 * space, handed to a verb that reads a file (import, apply), and removed after. The body is
 * limited to `limit` bytes; an error that names the scratch file names "request body" instead,
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

export async function withUploadedFile<T>(
  repo: Repository,
  body: Readable,
  limit: number,
  use: (file: string) => Promise<T>,
): Promise<T> {
  const file = join(repo.scratchDir(), `upload-${randomUUID()}`);
  try {
    let size = 0;
    const limiter = new Transform({
      transform(chunk: Buffer, _enc, done) {
        size += chunk.length;
        if (size > limit)
          done(
            new HttpRefusal('BODY_TOO_LARGE', 413, `request body is larger than ${limit} bytes`, {
              limit,
            }),
          );
        else done(null, chunk);
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

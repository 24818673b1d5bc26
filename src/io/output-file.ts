/**
 * Writing output files safely (layer: io): the output counterpart of `input-file.ts`.
 *
 * Two faults this module exists to rule out:
 * - A path that cannot be written found only after side effects (a run recorded, a commit
 *   made) or deep inside a stream: `prepareOutputPath` creates the parent folder (or the output
 *   folder) and checks that it can be written BEFORE an operation starts, and refuses with an
 *   `OutputPathError` that names the path and the reason.
 * - A stream whose 'error' nobody listens to, or a promise that waits for 'drain' or 'close'
 *   on a stream that already failed: the process then crashes on the unhandled 'error' or, with
 *   nothing left to run, exits 13 ("unsettled top-level await") with no message.
 *   `OutputFile` listens for 'error' from the moment it opens the stream, and every wait it
 *   makes (`write` backpressure, `close`) settles on success, error or close, never hangs.
 *   `waitForDrain` gives the same guarantee for any writable (stdout included).
 */
import {
  accessSync,
  constants,
  createWriteStream,
  mkdirSync,
  statSync,
  type WriteStream,
} from 'node:fs';
import { dirname, relative, resolve, sep } from 'node:path';
import { OutputPathError } from './io-errors.js';

const REASONS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file or folder',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'the file system is read-only',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EISDIR: 'is a folder, not a file',
  EEXIST: 'a file is in the way',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  ENAMETOOLONG: 'the name is too long',
};

/** A reason a user can act on for a file-system error code (`undefined` if not one of ours). */
export function fileErrorReason(code: string | undefined): string | undefined {
  return code === undefined ? undefined : REASONS[code];
}

/**
 * Makes `path` writable as an output `file` (its parent folder is created), `folder` (the
 * folder itself is created) or `staged-folder` (a folder written beside itself and renamed into
 * place: an existing one must be a writable folder, else only its parent is created); throws
 * `OutputPathError` naming `path` when it cannot be. Call before any side effect. Returns the
 * absolute path.
 *
 * A file in the way is named relative to `shownFrom` when given (the folder a relative `path`
 * was typed in), else by its absolute path: this module reads no process global.
 */
export function prepareOutputPath(
  path: string,
  kind: 'file' | 'folder' | 'staged-folder',
  shownFrom?: string,
): string {
  const abs = shownFrom === undefined ? resolve(path) : resolve(shownFrom, path);
  const folder =
    kind === 'folder' || (kind === 'staged-folder' && exists(abs)) ? abs : dirname(abs);
  const blocker = fileInTheWay(folder);
  if (blocker !== undefined) {
    const shown = shownFrom === undefined ? blocker : relative(shownFrom, blocker);
    throw new OutputPathError(path, `'${shown}' is a file, not a folder`);
  }
  if (kind === 'file' && isFolder(abs)) throw new OutputPathError(path, REASONS['EISDIR']!);
  try {
    mkdirSync(folder, { recursive: true });
    accessSync(folder, constants.W_OK);
    if (kind === 'file' && exists(abs)) accessSync(abs, constants.W_OK);
    return abs;
  } catch (e) {
    const reason = fileErrorReason((e as NodeJS.ErrnoException).code);
    if (reason === undefined) throw e;
    throw new OutputPathError(path, reason, e);
  }
}

/** The deepest existing ancestor of `folder` (itself included) when it is not a folder. */
function fileInTheWay(folder: string): string | undefined {
  for (let p = folder; ; p = dirname(p)) {
    try {
      return statSync(p).isDirectory() ? undefined : p;
    } catch {
      if (dirname(p) === p) return undefined;
    }
  }
}

/**
 * An error met while writing under `path`, as an `OutputPathError` when it is a file-system
 * error about `path` (or a file inside it, or a write to an open descriptor); others unchanged.
 */
export function asOutputPathError(path: string, e: unknown): unknown {
  if (e instanceof OutputPathError) return e;
  const errno = e as NodeJS.ErrnoException | undefined;
  const reason = fileErrorReason(errno?.code);
  if (reason === undefined) return e;
  const about =
    errno?.path === undefined
      ? errno?.syscall !== undefined && FD_CALLS.has(errno.syscall)
      : isWithin(resolve(errno.path), resolve(path));
  return about ? new OutputPathError(errno?.path ?? path, reason, e) : e;
}

const FD_CALLS: ReadonlySet<string> = new Set(['write', 'writev', 'close', 'fsync', 'ftruncate']);

function isWithin(file: string, root: string): boolean {
  return file === root || file.startsWith(root.endsWith(sep) ? root : root + sep);
}

/** Resolves once `stream` can take more, rejects if it fails or closes first. */
export function waitForDrain(stream: NodeJS.WritableStream): Promise<void> {
  return new Promise<void>((resolveDrain, reject) => {
    const done = (error?: unknown) => {
      stream.off('drain', onDrain);
      stream.off('error', onError);
      stream.off('close', onClose);
      if (error === undefined) resolveDrain();
      else reject(error);
    };
    const onDrain = () => done();
    const onError = (e: unknown) => done(e);
    const onClose = () => done(new Error('the output closed before everything was written'));
    stream.on('drain', onDrain);
    stream.on('error', onError);
    stream.on('close', onClose);
  });
}

/** A file written through a stream whose failures always surface as rejections. */
export class OutputFile {
  private readonly stream: WriteStream;
  private failure: unknown;

  private constructor(readonly path: string) {
    this.stream = createWriteStream(path);
    this.stream.on('error', (e) => {
      this.failure ??= asOutputPathError(path, e);
    });
  }

  /** Opens `path` for writing (its folder must exist: see `prepareOutputPath`). */
  static open(path: string): OutputFile {
    return new OutputFile(path);
  }

  async write(bytes: Uint8Array | string): Promise<void> {
    this.throwIfFailed();
    if (!this.stream.write(bytes)) {
      try {
        await waitForDrain(this.stream);
      } catch (e) {
        throw this.failure ?? asOutputPathError(this.path, e);
      }
    }
  }

  /** Flushes and closes; rejects with the first write error, if any. */
  async close(): Promise<void> {
    if (!this.stream.closed) {
      await new Promise<void>((done) => {
        this.stream.once('close', done);
        if (!this.stream.destroyed) this.stream.end();
      });
    }
    this.throwIfFailed();
  }

  /** Closes without waiting for buffered bytes (after an error elsewhere); never throws. */
  abort(): void {
    this.stream.destroy();
  }

  private throwIfFailed(): void {
    if (this.failure !== undefined) throw this.failure;
  }
}

function exists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

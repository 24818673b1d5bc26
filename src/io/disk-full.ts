/**
 * Telling a full disk from other write failures (layer: io: it asks the file
 * system for the free space of a folder).
 *
 * Backends meet a full disk in different shapes: Node's `ENOSPC`/`EDQUOT`, SQLite's
 * `SQLITE_FULL`, and often only an I/O error: LMDB returns `EIO` when a write comes back short,
 * SQLite `SQLITE_IOERR_*` when it cannot grow its WAL index. An I/O error counts as a full disk
 * when the folder's file system has less than NEARLY_FULL_BYTES free after it (a short write
 * fills the disk to the last block). Each backend maps its failures here, at its boundary, to
 * `DiskFullError`, so no command prints a driver's stack trace for a full disk.
 */
import { statfsSync } from 'node:fs';
import { DiskFullError } from './io-errors.js';

/** Below this many free bytes an I/O error on a write is taken for a full disk. */
export const NEARLY_FULL_BYTES = 1 << 20;

const FULL_CODES = new Set<unknown>(['ENOSPC', 'EDQUOT', 'SQLITE_FULL', 28 /* ENOSPC */]);
const IO_CODES = new Set<unknown>(['EIO', 5 /* EIO, as lmdb-js reports it */]);

/** Bytes an unprivileged writer can still use in `dir`'s file system; undefined if unknown. */
export function freeBytes(dir: string): number | undefined {
  try {
    const s = statfsSync(dir);
    return Number(s.bavail) * Number(s.bsize);
  } catch {
    return undefined;
  }
}

function codeOf(error: unknown): unknown {
  return error !== null && typeof error === 'object'
    ? (error as { code?: unknown }).code
    : undefined;
}

/**
 * `error` as a `DiskFullError` naming `where`, if it is one: a full-disk code, or an I/O error
 * (or a failure without a code, `ioError`) while `dir`'s file system is nearly full.
 */
export function asDiskFull(
  error: unknown,
  where: string,
  dir: string,
  ioError = false,
): DiskFullError | undefined {
  const code = codeOf(error);
  const io =
    ioError || IO_CODES.has(code) || (typeof code === 'string' && code.startsWith('SQLITE_IOERR'));
  if (!FULL_CODES.has(code) && !io) return undefined;
  const free = freeBytes(dir);
  if (!FULL_CODES.has(code) && (free === undefined || free >= NEARLY_FULL_BYTES)) return undefined;
  return new DiskFullError(where, { dir, ...(free === undefined ? {} : { free }) }, error);
}

/**
 * SQLite's failures as Verso errors, at the catalog's boundary (layer: catalog).
 *
 * better-sqlite3 throws `SqliteError` with SQLite's extended code. The ones a user can meet
 * become typed errors with a message that says what happened and what to do: a full disk
 * (`SQLITE_FULL`, or an I/O error on a nearly full disk: `DiskFullError`), a damaged file
 * (`SQLITE_CORRUPT`, `SQLITE_NOTADB`: `CatalogDamagedError`), a lock held too long
 * (`SQLITE_BUSY`: `RepositoryBusyError`), a file that cannot be written (`SQLITE_READONLY`,
 * `SQLITE_CANTOPEN`, other I/O errors). `guardSqliteErrors` applies the mapping to every method
 * of a catalog object (and of the sections it names), so no call can bypass it.
 */
import { dirname } from 'node:path';
import { asDiskFull } from '../../io/disk-full.js';
import { VersoError, isVersoError } from '../../core/errors.js';
import { RepositoryBusyError } from '../catalog-errors.js';
import { CatalogDamagedError } from './sqlite-catalog-file.js';

function sqliteCode(error: unknown): string | undefined {
  if (!(error instanceof Error) || isVersoError(error)) return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && code.startsWith('SQLITE_') ? code : undefined;
}

/** The Verso error for a failure of the catalog in `file`; other errors are returned as they are. */
export function mapSqliteError(error: unknown, file: string): unknown {
  const code = sqliteCode(error);
  if (code === undefined) return error;
  const full = asDiskFull(error, `the catalog ${file}`, dirname(file));
  if (full) return full;
  if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB')
    return new CatalogDamagedError(file, 'unreadable', (error as Error).message, error);
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'))
    return new RepositoryBusyError(
      `the catalog ${file} stayed locked by another process for more than 5 s; nothing was changed, retry`,
      { file },
    );
  return new VersoError(
    'Internal',
    'CATALOG_IO',
    `the catalog ${file} could not be ${code.startsWith('SQLITE_READONLY') ? 'written (read-only)' : 'read or written'}: ${(error as Error).message} (${code}); nothing was changed`,
    { file, sqlite: code },
    { cause: error },
  );
}

type AnyFunction = (...args: unknown[]) => unknown;

/**
 * `target` with every method's SQLite errors mapped (`mapSqliteError`), synchronous throws and
 * rejected promises alike; the objects under `sections` (e.g. `lineage`) are guarded the same
 * way. Methods run on `target` itself, so internal calls pay nothing.
 */
export function guardSqliteErrors<T extends object>(
  target: T,
  file: string,
  sections: readonly string[] = [],
): T {
  const wrapped = new Map<PropertyKey, unknown>();
  const fail = (e: unknown): never => {
    throw mapSqliteError(e, file);
  };
  return new Proxy(target, {
    get(t, prop) {
      const known = wrapped.get(prop);
      if (known !== undefined) return known;
      const value: unknown = Reflect.get(t, prop, t);
      let out = value;
      if (typeof value === 'function') {
        const fn = (value as AnyFunction).bind(t);
        out = (...args: unknown[]) => {
          try {
            const r = fn(...args);
            return r instanceof Promise ? r.catch(fail) : r;
          } catch (e) {
            return fail(e);
          }
        };
      } else if (typeof prop === 'string' && sections.includes(prop) && value !== null)
        out = guardSqliteErrors(value as object, file);
      else return value;
      wrapped.set(prop, out);
      return out;
    },
  });
}

/**
 * The catalog file before SQLite reads it (layer: catalog): missing, empty, not a database, or
 * shorter than its own header says. Opening an existing repository must never take a damaged
 * catalog for an empty one (issue 10 item 6): SQLite opens a 0-byte file as a new database and
 * a migration would create empty tables in it, so `verify` saw no refs and `gc` deleted every
 * chunk. A truncated file opens too, and fails later, page by page, with SQLITE_CORRUPT.
 *
 * The header (https://sqlite.org/fileformat.html): 16-byte magic, page size at offset 16 (2
 * bytes; 1 means 65536), change counter at 24, database size in pages at 28, and at 92 the
 * change counter the size was written with (the size is valid when they match). A file smaller
 * than that size is truncated, unless a non-empty WAL beside it holds the missing pages (a
 * checkpoint interrupted by a crash, which SQLite finishes on the next open).
 */
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { VersoError } from '../../core/errors.js';

export type CatalogDamage = 'missing' | 'empty' | 'unreadable' | 'truncated';

/** The catalog file cannot be used as it is; `damage` says how, `what` says it in words. */
export class CatalogDamagedError extends VersoError {
  readonly what: string;

  constructor(
    readonly file: string,
    readonly damage: CatalogDamage,
    detail: string,
    cause?: unknown,
  ) {
    const what = `the catalog ${file} is ${damage} (${detail})`;
    super(
      'Corruption',
      'CATALOG_DAMAGED',
      `${what}; nothing was changed`,
      { file, damage, detail },
      { cause },
    );
    this.what = what;
  }
}

const HEADER_BYTES = 100;
const MAGIC = 'SQLite format 3\0';

/** Throws `CatalogDamagedError` unless `file` looks like a whole SQLite database. */
export function checkCatalogFile(file: string): void {
  if (!existsSync(file)) throw new CatalogDamagedError(file, 'missing', 'no such file');
  const size = statSync(file).size;
  if (size === 0) throw new CatalogDamagedError(file, 'empty', '0 bytes');
  const header = Buffer.alloc(HEADER_BYTES);
  const fd = openSync(file, 'r');
  let read: number;
  try {
    read = readSync(fd, header, 0, HEADER_BYTES, 0);
  } finally {
    closeSync(fd);
  }
  if (read < HEADER_BYTES)
    throw new CatalogDamagedError(file, 'truncated', `${size} bytes, shorter than its header`);
  if (header.toString('latin1', 0, 16) !== MAGIC)
    throw new CatalogDamagedError(file, 'unreadable', 'not an SQLite database');
  const rawPageSize = header.readUInt16BE(16);
  const pageSize = rawPageSize === 1 ? 65536 : rawPageSize;
  if (pageSize < 512 || (pageSize & (pageSize - 1)) !== 0)
    throw new CatalogDamagedError(file, 'unreadable', `page size ${rawPageSize} in its header`);
  const pages = header.readUInt32BE(28);
  const sizeValid = pages > 0 && header.readUInt32BE(24) === header.readUInt32BE(92);
  if (!sizeValid || size >= pages * pageSize || walHoldsPages(file)) return;
  throw new CatalogDamagedError(
    file,
    'truncated',
    `${size} bytes, its header says ${pages} pages of ${pageSize} bytes (${pages * pageSize})`,
  );
}

function walHoldsPages(file: string): boolean {
  const wal = `${file}-wal`;
  return existsSync(wal) && statSync(wal).size > 0;
}

/**
 * The LMDB data file before LMDB maps it (layer: store).
 *
 * LMDB maps `data.mdb` into memory; a page beyond the end of a truncated file is not an error
 * but a SIGBUS that kills the process with no message (issue 10 item 16), and a 0-byte file is
 * silently initialised as a new, empty store. So an existing store is checked first, from its
 * two meta pages, read as plain bytes: the newer valid meta (higher transaction id) names the
 * last page in use, and a file shorter than that page's end is truncated.
 *
 * Meta page layout (LMDB 0.9 as lmdb-js builds it, 64-bit little-endian): a 24-byte page header,
 * then `mm_magic` u32 (0xBEEFC0DE), `mm_version` u32, `mm_address` u64, `mm_mapsize` u64, two
 * `MDB_db` records of 48 bytes (free pages, main database: `md_pad` u32 = page size for the
 * first, `md_entries` u64 at +32), `mm_last_pg` u64, `mm_txnid` u64. Meta 0 is at offset 0,
 * meta 1 at one page size. A file where neither is recognised is refused too: lmdb-js does not
 * refuse such a file, it crashes (SIGSEGV) on it.
 */
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { VersoError } from '../../core/errors.js';

export type ChunkStoreDamage = 'missing' | 'truncated' | 'unreadable';

/** The chunk store's data file is missing or shorter than LMDB's own metadata says. */
export class ChunkStoreDamagedError extends VersoError {
  constructor(
    readonly file: string,
    readonly damage: ChunkStoreDamage,
    detail: string,
  ) {
    super('Corruption', 'CHUNK_STORE_DAMAGED', `the chunk store ${file} is ${damage} (${detail})`, {
      file,
      damage,
      detail,
    });
  }
}

export interface LmdbFileInfo {
  readonly file: string;
  readonly bytes: number;
  /** Entries (chunks) the newest meta records. */
  readonly entries: number;
}

const MAGIC = 0xbeefc0de;
const PAGE_HEADER = 24;
const META_BYTES = PAGE_HEADER + 144;
const MAIN_DB = PAGE_HEADER + 8 + 16 + 48;

interface Meta {
  readonly pageSize: number;
  readonly lastPage: number;
  readonly txnid: bigint;
  readonly entries: number;
}

function readMeta(fd: number, offset: number): Meta | undefined {
  const b = Buffer.alloc(META_BYTES);
  if (readSync(fd, b, 0, META_BYTES, offset) < META_BYTES) return undefined;
  if (b.readUInt32LE(PAGE_HEADER) !== MAGIC) return undefined;
  const pageSize = b.readUInt32LE(PAGE_HEADER + 24);
  if (pageSize < 512 || pageSize > 65536 || (pageSize & (pageSize - 1)) !== 0) return undefined;
  return {
    pageSize,
    lastPage: Number(b.readBigUInt64LE(PAGE_HEADER + 120)),
    txnid: b.readBigUInt64LE(PAGE_HEADER + 128),
    entries: Number(b.readBigUInt64LE(MAIN_DB + 32)),
  };
}

/**
 * Checks `dir/data.mdb` of an existing store; throws `ChunkStoreDamagedError` if it is missing,
 * empty or truncated.
 */
export function checkLmdbFile(dir: string): LmdbFileInfo {
  const file = join(dir, 'data.mdb');
  if (!existsSync(file)) throw new ChunkStoreDamagedError(file, 'missing', 'no such file');
  const bytes = statSync(file).size;
  if (bytes === 0) throw new ChunkStoreDamagedError(file, 'truncated', '0 bytes');
  const fd = openSync(file, 'r');
  let newest: Meta | undefined;
  try {
    const first = readMeta(fd, 0);
    // Meta 1 sits one page in; if meta 0 is damaged, try the page sizes LMDB uses.
    const offsets = first ? [first.pageSize] : [4096, 8192, 16384, 65536];
    const second = offsets.map((at) => readMeta(fd, at)).find((m) => m !== undefined);
    newest = first && second ? (second.txnid > first.txnid ? second : first) : (first ?? second);
  } finally {
    closeSync(fd);
  }
  if (newest === undefined)
    throw new ChunkStoreDamagedError(file, 'unreadable', `${bytes} bytes, no valid LMDB meta page`);
  const needed = (newest.lastPage + 1) * newest.pageSize;
  if (bytes < needed)
    throw new ChunkStoreDamagedError(
      file,
      'truncated',
      `${bytes} bytes, its LMDB metadata needs ${needed}: ${newest.lastPage + 1} pages of ${newest.pageSize}`,
    );
  return { file, bytes, entries: newest.entries };
}

/**
 * The LMDB data file before LMDB maps it (layer: store).
 *
 * LMDB maps `data.mdb` into memory; a page beyond the end of a truncated file is not an error
 * but a SIGBUS that kills the process with no message (issue 10 item 16), and a 0-byte file is
 * silently initialised as a new, empty store. So an existing store is checked first, from its
 * two meta pages, read as plain bytes: the newer valid meta (higher transaction id) names the
 * last page allocated (`mm_last_pg`), and a file shorter than that page's end is truncated —
 * unless every missing page is a free page. LMDB never writes a page it allocated and freed in
 * the same transaction ("loose" pages), yet counts it in `mm_last_pg`, so a healthy file can end
 * before that page (seen after a delete-heavy gc). The missing tail pages are therefore looked
 * up in the free-page database (`freePages`): all free, the file is whole; any not free (or the
 * free database itself unreadable), it is truncated.
 *
 * Meta page layout (LMDB 0.9 as lmdb-js builds it, 64-bit little-endian): a 24-byte page header,
 * then `mm_magic` u32 (0xBEEFC0DE), `mm_version` u32, `mm_address` u64, `mm_mapsize` u64, two
 * `MDB_db` records of 48 bytes (free pages, main database: `md_pad` u32 = page size for the
 * first, `md_entries` u64 at +32), `mm_last_pg` u64, `mm_txnid` u64. Meta 0 is at offset 0,
 * meta 1 at one page size. A file where neither is recognised is refused too: lmdb-js does not
 * refuse such a file, it crashes (SIGSEGV) on it.
 */
import { closeSync, existsSync, fstatSync, openSync, readSync, statSync } from 'node:fs';
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
const FREE_DB = PAGE_HEADER + 8 + 16;
const MAIN_DB = FREE_DB + 48;
/** `md_root` when a database is empty. */
const NO_PAGE = 0xffffffffffffffffn;

interface Meta {
  readonly pageSize: number;
  readonly lastPage: number;
  readonly txnid: bigint;
  readonly entries: number;
  /** Root page of the free-page database, or undefined when it is empty. */
  readonly freeRoot: bigint | undefined;
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
    freeRoot: ((root) => (root === NO_PAGE ? undefined : root))(b.readBigUInt64LE(FREE_DB + 40)),
  };
}

// Data pages (LMDB as lmdb-js builds it): the 24-byte header holds `mp_flags` u16 at +18 and
// `mp_lower` u16 at +20, the node count times 2 (offsets relative to the header); node offsets
// (u16, relative to the header) follow it. A node: `mn_lo` u16, `mn_hi` u16, `mn_flags` u16,
// `mn_ksize` u16, then the key and the data. A branch node's child is lo | hi << 16 |
// flags << 32; a leaf's data size is lo | hi << 16, on an overflow page (its page number as the
// data) when `F_BIGDATA` is set. A free-database leaf maps a transaction id to an ID list: a u64
// count, then that many u64 page numbers.
const P_BRANCH = 0x01;
const P_LEAF = 0x02;
const F_BIGDATA = 0x01;

/**
 * Every page number the free-page database lists, read page by page from the file; undefined
 * when a page it needs lies outside the file or is not what the tree says it is.
 */
function freePages(fd: number, meta: Meta, bytes: number): Set<number> | undefined {
  const free = new Set<number>();
  if (meta.freeRoot === undefined) return free;
  const size = meta.pageSize;
  const filePages = Math.floor(bytes / size);
  const readPages = (pgno: number, count: number): Buffer | undefined => {
    if (!Number.isSafeInteger(pgno) || pgno < 2 || pgno + count > filePages) return undefined;
    const b = Buffer.alloc(size * count);
    return readSync(fd, b, 0, b.length, pgno * size) === b.length ? b : undefined;
  };
  const pending = [Number(meta.freeRoot)];
  const seen = new Set<number>();
  while (pending.length > 0) {
    const pgno = pending.pop()!;
    if (seen.has(pgno)) return undefined;
    seen.add(pgno);
    const page = readPages(pgno, 1);
    if (!page) return undefined;
    const flags = page.readUInt16LE(18);
    const nodes = page.readUInt16LE(20) >> 1;
    for (let i = 0; i < nodes; i++) {
      const at = PAGE_HEADER + page.readUInt16LE(PAGE_HEADER + 2 * i);
      if (at + 8 > size) return undefined;
      const lo = page.readUInt16LE(at);
      const hi = page.readUInt16LE(at + 2);
      const nodeFlags = page.readUInt16LE(at + 4);
      const keySize = page.readUInt16LE(at + 6);
      if (flags & P_BRANCH) {
        pending.push(lo + hi * 0x10000 + nodeFlags * 0x100000000);
        continue;
      }
      if (!(flags & P_LEAF)) return undefined;
      const dataSize = lo + hi * 0x10000;
      let data: Buffer;
      if (nodeFlags & F_BIGDATA) {
        if (at + 8 + keySize + 8 > size) return undefined;
        const overflow = Number(page.readBigUInt64LE(at + 8 + keySize));
        const span = Math.ceil((PAGE_HEADER + dataSize) / size);
        const pages = readPages(overflow, span);
        if (!pages) return undefined;
        data = pages.subarray(PAGE_HEADER, PAGE_HEADER + dataSize);
      } else {
        if (at + 8 + keySize + dataSize > size) return undefined;
        data = page.subarray(at + 8 + keySize, at + 8 + keySize + dataSize);
      }
      const count = data.length >= 8 ? Number(data.readBigUInt64LE(0)) : -1;
      if (count < 0 || 8 * (count + 1) > data.length) return undefined;
      for (let k = 1; k <= count; k++) free.add(Number(data.readBigUInt64LE(8 * k)));
    }
  }
  return free;
}

/** Whether the pages from the file's end to the meta's last page are all free pages. */
function onlyFreePagesMissing(fd: number, meta: Meta, bytes: number): boolean {
  const free = freePages(fd, meta, bytes);
  if (!free) return false;
  for (let p = Math.ceil(bytes / meta.pageSize); p <= meta.lastPage; p++)
    if (!free.has(p)) return false;
  return bytes % meta.pageSize === 0;
}

/**
 * Checks `dir/data.mdb` of an existing store; throws `ChunkStoreDamagedError` if it is missing,
 * empty or truncated.
 */
export function checkLmdbFile(dir: string): LmdbFileInfo {
  const file = join(dir, 'data.mdb');
  if (!existsSync(file)) throw new ChunkStoreDamagedError(file, 'missing', 'no such file');
  if (statSync(file).size === 0) throw new ChunkStoreDamagedError(file, 'truncated', '0 bytes');
  const fd = openSync(file, 'r');
  let newest: Meta | undefined;
  let whole = true;
  let bytes: number;
  try {
    const first = readMeta(fd, 0);
    // Meta 1 sits one page in; if meta 0 is damaged, try the page sizes LMDB uses.
    const offsets = first ? [first.pageSize] : [4096, 8192, 16384, 65536];
    const second = offsets.map((at) => readMeta(fd, at)).find((m) => m !== undefined);
    newest = first && second ? (second.txnid > first.txnid ? second : first) : (first ?? second);
    // The size is read after the metas: another process may commit meanwhile, and LMDB grows
    // the file before it writes the meta that counts the new pages, so a size read first could
    // be older than the meta and make a healthy file look truncated.
    bytes = fstatSync(fd).size;
    if (newest && bytes < (newest.lastPage + 1) * newest.pageSize)
      whole = onlyFreePagesMissing(fd, newest, bytes);
  } finally {
    closeSync(fd);
  }
  if (newest === undefined)
    throw new ChunkStoreDamagedError(file, 'unreadable', `${bytes} bytes, no valid LMDB meta page`);
  const needed = (newest.lastPage + 1) * newest.pageSize;
  if (!whole)
    throw new ChunkStoreDamagedError(
      file,
      'truncated',
      `${bytes} bytes, its LMDB metadata needs ${needed}: ${newest.lastPage + 1} pages of ${newest.pageSize}`,
    );
  return { file, bytes, entries: newest.entries };
}

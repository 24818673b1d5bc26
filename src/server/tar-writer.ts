/**
 * A folder as a POSIX tar archive, streamed (layer: server): what a folder export (YOLO, VOC)
 * is sent as. Entries are the folder's directories and regular files, depth first in name
 * order, with paths relative to the folder (`labels/train/a.txt`); contents are read one file at
 * a time, so memory stays flat whatever the folder's size.
 *
 * Headers are ustar (POSIX.1-1988): a path that fits the 100-byte name field, or splits at a
 * `/` into a 155-byte prefix and a 100-byte name, is written there; a longer path, a non-ASCII
 * one or a file of 8 GiB or more gets a pax extended header (`x`, POSIX.1-2001) before its
 * entry, which every current tar reads. Modes are 0644 for files and 0755 for folders, owner 0,
 * and modification times are the files' own (whole seconds).
 *
 * Only regular files and folders are archived; anything else (a symbolic link, a socket) is
 * left out, so an archive never points outside the folder.
 */
import { createReadStream } from 'node:fs';
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';

const BLOCK = 512;
/** The largest size an 11-digit octal field holds (8 GiB - 1). */
const MAX_OCTAL_SIZE = 8 ** 11 - 1;

/** The archive of `dir`'s contents, in 512-byte-aligned blocks. */
export async function* tarFolder(dir: string): AsyncGenerator<Uint8Array> {
  for await (const entry of walk(dir, '')) {
    yield* headerBlocks(entry);
    if (entry.type === 'file') {
      for await (const chunk of createReadStream(entry.path)) yield chunk as Buffer;
      const rest = entry.size % BLOCK;
      if (rest !== 0) yield Buffer.alloc(BLOCK - rest);
    }
  }
  yield Buffer.alloc(2 * BLOCK);
}

interface Entry {
  readonly type: 'file' | 'dir';
  /** Path in the archive (folders end with `/`). */
  readonly name: string;
  /** Path on disk. */
  readonly path: string;
  readonly size: number;
  readonly mtime: number;
}

async function* walk(root: string, rel: string): AsyncGenerator<Entry> {
  const here = join(root, rel);
  const names = (await readdir(here)).sort();
  for (const name of names) {
    const path = join(here, name);
    const st = await lstat(path);
    const inArchive = rel === '' ? name : `${rel}/${name}`;
    const mtime = Math.floor(st.mtimeMs / 1000);
    if (st.isDirectory()) {
      yield { type: 'dir', name: `${inArchive}/`, path, size: 0, mtime };
      yield* walk(root, inArchive);
    } else if (st.isFile()) yield { type: 'file', name: inArchive, path, size: st.size, mtime };
  }
}

function headerBlocks(e: Entry): Buffer[] {
  const split = ustarName(e.name);
  const pax: [string, string][] = [];
  if (!split) pax.push(['path', e.name]);
  if (e.size > MAX_OCTAL_SIZE) pax.push(['size', String(e.size)]);
  const blocks: Buffer[] = [];
  if (pax.length > 0) {
    const body = Buffer.from(pax.map(([k, v]) => paxRecord(k, v)).join(''), 'utf8');
    blocks.push(
      header({ name: 'PaxHeader', prefix: '', type: 'x', size: body.length, mode: 0o644 }, e),
      body,
    );
    if (body.length % BLOCK !== 0) blocks.push(Buffer.alloc(BLOCK - (body.length % BLOCK)));
  }
  const { name, prefix } = split ?? { name: asciiTail(e.name), prefix: '' };
  blocks.push(
    header(
      {
        name,
        prefix,
        type: e.type === 'dir' ? '5' : '0',
        size: e.type === 'dir' ? 0 : Math.min(e.size, MAX_OCTAL_SIZE),
        mode: e.type === 'dir' ? 0o755 : 0o644,
      },
      e,
    ),
  );
  return blocks;
}

/** `path` as ustar's name and prefix fields, or undefined when it does not fit them. */
function ustarName(path: string): { name: string; prefix: string } | undefined {
  if (!/^[\x20-\x7e]*$/.test(path)) return undefined;
  if (path.length <= 100) return { name: path, prefix: '' };
  // Split at a '/' so that the prefix has at most 155 bytes and the name at most 100 (a
  // folder's trailing '/' stays in the name).
  const body = path.endsWith('/') ? path.slice(0, -1) : path;
  for (let i = body.indexOf('/'); i >= 0; i = body.indexOf('/', i + 1)) {
    const prefix = path.slice(0, i);
    const name = path.slice(i + 1);
    if (prefix.length <= 155 && name.length <= 100 && name !== '') return { name, prefix };
  }
  return undefined;
}

/** A placeholder name for an entry whose real path is in its pax header. */
function asciiTail(path: string): string {
  return path.replace(/[^\x20-\x7e]/g, '_').slice(-100);
}

/** A pax record `LEN key=value\n`, LEN counting its own digits. */
function paxRecord(key: string, value: string): string {
  const rest = ` ${key}=${value}\n`;
  const bytes = Buffer.byteLength(rest, 'utf8');
  let len = bytes + String(bytes).length;
  if (String(len).length !== String(bytes).length) len = bytes + String(len).length;
  return `${len}${rest}`;
}

function header(
  h: { name: string; prefix: string; type: string; size: number; mode: number },
  e: Entry,
): Buffer {
  const b = Buffer.alloc(BLOCK);
  b.write(h.name, 0, 100, 'utf8');
  octal(b, 100, 8, h.mode);
  octal(b, 108, 8, 0);
  octal(b, 116, 8, 0);
  octal(b, 124, 12, h.size);
  octal(b, 136, 12, e.mtime);
  b.fill(0x20, 148, 156); // the checksum counts its own field as spaces
  b.write(h.type, 156, 1, 'ascii');
  b.write('ustar\0', 257, 6, 'ascii');
  b.write('00', 263, 2, 'ascii');
  b.write(h.prefix, 345, 155, 'utf8');
  let sum = 0;
  for (const byte of b) sum += byte;
  b.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8, 'ascii');
  return b;
}

/** `value` as a zero-padded octal field of `width` bytes (its last byte NUL). */
function octal(b: Buffer, at: number, width: number, value: number): void {
  b.write(`${value.toString(8).padStart(width - 1, '0')}\0`, at, width, 'ascii');
}

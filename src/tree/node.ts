/**
 * Prolly tree nodes and their on-disk encoding (layer: tree; knows only bytes).
 *
 * A node is a sorted run of items. Leaf (level 0) items are (key, value) entries; internal
 * items are (last key of child, child hash, entry count of the child's subtree), so counts give
 * O(log n) positional access. Encoding (pinned by the golden-hash test):
 *
 *   byte 'P' (0x50)  format marker, distinguishes tree chunks from other chunk kinds
 *   byte level
 *   varint n
 *   leaf:      n x (varint keyLen, key, varint valueLen, value)
 *   internal:  n x (varint keyLen, key, 32-byte child hash, varint subtree count)
 *
 * The node's hash is the SHA-256 of exactly these bytes.
 */
import { ByteReader } from '../core/byte-writer.js';
import { CorruptionError } from '../core/errors.js';
import { HASH_BYTES } from '../core/hash.js';

export const NODE_MARKER = 0x50;

export interface TreeNode {
  readonly hash: Uint8Array;
  readonly level: number;
  readonly keys: readonly Uint8Array[];
  /** Leaf: entry values. Internal: child hashes. */
  readonly values: readonly Uint8Array[];
  /** Internal only: entry count of each child's subtree. Leaf: empty. */
  readonly counts: readonly number[];
  /** Entries in this node's subtree. */
  readonly total: number;
  /** Encoded size in bytes. */
  readonly size: number;
}

/** What a parent stores about a child; also the unit handed between levels. */
export interface NodeRef {
  readonly lastKey: Uint8Array;
  readonly hash: Uint8Array;
  readonly total: number;
}

export function encodeNode(
  level: number,
  keys: readonly Uint8Array[],
  values: readonly Uint8Array[],
  counts: readonly number[],
): Uint8Array {
  // Sized exactly first, then written in place: no growing buffer, no final copy (a commit
  // encodes every node it rewrites). The bytes are those of the format above.
  const n = keys.length;
  let size = 2 + varintSize(n);
  for (let i = 0; i < n; i++) {
    const key = keys[i]!;
    size += varintSize(key.length) + key.length;
    if (level === 0) {
      const value = values[i]!;
      size += varintSize(value.length) + value.length;
    } else size += values[i]!.length + varintSize(counts[i]!);
  }
  const out = Buffer.allocUnsafe(size);
  out[0] = NODE_MARKER;
  out[1] = level;
  let at = putVarint(out, 2, n);
  for (let i = 0; i < n; i++) {
    at = putBlob(out, at, keys[i]!);
    if (level === 0) at = putBlob(out, at, values[i]!);
    else {
      at = putBytes(out, at, values[i]!);
      at = putVarint(out, at, counts[i]!);
    }
  }
  return out;
}

/** Bytes of `n` as an unsigned LEB128 varint (`ByteWriter.varint`). */
function varintSize(n: number): number {
  let size = 1;
  while (n >= 0x80) {
    n = Math.floor(n / 0x80);
    size++;
  }
  return size;
}

function putVarint(out: Uint8Array, at: number, n: number): number {
  while (n >= 0x80) {
    out[at++] = (n % 0x80) | 0x80;
    n = Math.floor(n / 0x80);
  }
  out[at++] = n;
  return at;
}

/** Short runs by hand: cheaper than `set` for the few bytes of most keys. */
function putBytes(out: Uint8Array, at: number, src: Uint8Array): number {
  const len = src.length;
  if (len <= 64) for (let i = 0; i < len; i++) out[at + i] = src[i]!;
  else out.set(src, at);
  return at + len;
}

function putBlob(out: Uint8Array, at: number, src: Uint8Array): number {
  return putBytes(out, putVarint(out, at, src.length), src);
}

export function decodeNode(hash: Uint8Array, bytes: Uint8Array): TreeNode {
  const r = new ByteReader(bytes);
  if (r.byte() !== NODE_MARKER)
    throw new CorruptionError('chunk is not a tree node', { size: bytes.length });
  const level = r.byte();
  const n = r.varint();
  const keys: Uint8Array[] = new Array(n);
  const values: Uint8Array[] = new Array(n);
  const counts: number[] = level === 0 ? [] : new Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    keys[i] = r.blob();
    if (level === 0) values[i] = r.blob();
    else {
      values[i] = r.bytes(HASH_BYTES);
      const c = r.varint();
      counts[i] = c;
      total += c;
    }
  }
  if (!r.done) throw new CorruptionError('trailing bytes in tree node');
  return { hash, level, keys, values, counts, total: level === 0 ? n : total, size: bytes.length };
}

export function refOf(node: TreeNode): NodeRef {
  const lastKey = node.keys[node.keys.length - 1];
  if (lastKey === undefined) throw new CorruptionError('empty node has no ref');
  return { lastKey, hash: node.hash, total: node.total };
}

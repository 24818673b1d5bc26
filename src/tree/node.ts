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
import { ByteReader, ByteWriter } from '../core/byte-writer.js';
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
  const w = new ByteWriter(4096 + 256);
  w.byte(NODE_MARKER);
  w.byte(level);
  w.varint(keys.length);
  for (let i = 0; i < keys.length; i++) {
    w.blob(keys[i]!);
    if (level === 0) w.blob(values[i]!);
    else {
      w.bytes(values[i]!);
      w.varint(counts[i]!);
    }
  }
  return w.finish();
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

/**
 * Point, range and positional reads of a tree (layer: tree).
 *
 * `get` and `entryAt` descend one path (O(depth) node loads); `scan` walks leaves in key order
 * from the first key >= start up to (excluding) end.
 */
import { compareBytes } from './bytes.js';
import { LevelCursor, childIndexFor } from './level-cursor.js';
import type { NodeStore } from './node-store.js';

export type Entry = readonly [key: Uint8Array, value: Uint8Array];

export interface KeyRange {
  /** Inclusive lower bound (default: first key). */
  readonly start?: Uint8Array;
  /** Exclusive upper bound (default: past the last key). */
  readonly end?: Uint8Array;
}

export async function getValue(nodes: NodeStore, root: Uint8Array, key: Uint8Array): Promise<Uint8Array | undefined> {
  let node = await nodes.load(root);
  while (node.level > 0) node = await nodes.load(node.values[childIndexFor(node, key)]!);
  const i = childIndexFor(node, key);
  const k = node.keys[i];
  return k && compareBytes(k, key) === 0 ? node.values[i] : undefined;
}

export async function countEntries(nodes: NodeStore, root: Uint8Array): Promise<number> {
  return (await nodes.load(root)).total;
}

/** The entry at 0-based position `index` in key order, or undefined past the end. */
export async function entryAt(nodes: NodeStore, root: Uint8Array, index: number): Promise<Entry | undefined> {
  let node = await nodes.load(root);
  if (index < 0 || index >= node.total) return undefined;
  let rest = index;
  while (node.level > 0) {
    let i = 0;
    while (rest >= node.counts[i]!) rest -= node.counts[i++]!;
    node = await nodes.load(node.values[i]!);
  }
  return [node.keys[rest]!, node.values[rest]!];
}

export async function* scan(nodes: NodeStore, root: Uint8Array, range: KeyRange = {}): AsyncGenerator<Entry> {
  const rootNode = await nodes.load(root);
  const cursor = range.start
    ? await LevelCursor.seek(nodes, rootNode, 0, range.start)
    : await LevelCursor.first(nodes, rootNode, 0);
  let i = 0;
  if (range.start) {
    const first = cursor.node;
    i = childIndexFor(first, range.start);
    const k = first.keys[i];
    if (k && compareBytes(k, range.start) < 0) i = first.keys.length;
  }
  for (;;) {
    const leaf = cursor.node;
    for (; i < leaf.keys.length; i++) {
      const key = leaf.keys[i]!;
      if (range.end && compareBytes(key, range.end) >= 0) return;
      yield [key, leaf.values[i]!];
    }
    if (!(await cursor.next())) return;
    i = 0;
  }
}

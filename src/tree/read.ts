/**
 * Point, range and positional reads of a tree (layer: tree).
 *
 * `get` and `entryAt` descend one path (O(depth) node loads); `scan` walks leaves in key order
 * from the first key >= start up to (excluding) end.
 *
 * Scans yield to the event loop every `LEAVES_PER_TURN` leaves read by any scan of the process
 * (`setImmediate`), so many short scans (one per track of a video export) count too: leaves in the
 * node cache resolve as microtasks, so a long scan (a whole-snapshot export, a count by scan)
 * would otherwise hold the process's timers and I/O, and with them every other request of a
 * `verso serve`, until it ends. 256 leaves are ~15k labels, a few ms of work.
 */
import { compareBytes } from './bytes.js';
import { LevelCursor, childIndexFor } from './level-cursor.js';
import type { NodeStore } from './node-store.js';

export type Entry = readonly [key: Uint8Array, value: Uint8Array];

export const LEAVES_PER_TURN = 256;

/** Leaves read by every scan of this process since the last turn given (many short scans count too). */
let leavesSinceTurn = 0;

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export interface KeyRange {
  /** Inclusive lower bound (default: first key). */
  readonly start?: Uint8Array;
  /** Exclusive upper bound (default: past the last key). */
  readonly end?: Uint8Array;
}

export async function getValue(
  nodes: NodeStore,
  root: Uint8Array,
  key: Uint8Array,
): Promise<Uint8Array | undefined> {
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
export async function entryAt(
  nodes: NodeStore,
  root: Uint8Array,
  index: number,
): Promise<Entry | undefined> {
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

/** A run of consecutive entries from one leaf (views into the leaf, never copied). */
export interface LeafRun {
  readonly keys: readonly Uint8Array[];
  readonly values: readonly Uint8Array[];
  /** Index range [from, to) of the run within keys/values. */
  readonly from: number;
  readonly to: number;
}

/**
 * The entries of `range` leaf by leaf: one await per leaf instead of one per entry. Leaves are
 * read past the node cache (a scan reads each once; see `LevelCursor`).
 */
export async function* scanLeaves(
  nodes: NodeStore,
  root: Uint8Array,
  range: KeyRange = {},
): AsyncGenerator<LeafRun> {
  const rootNode = await nodes.load(root);
  const cursor = range.start
    ? await LevelCursor.seek(nodes, rootNode, 0, range.start, false)
    : await LevelCursor.first(nodes, rootNode, 0, false);
  let from = 0;
  if (range.start) {
    const first = cursor.node;
    from = childIndexFor(first, range.start);
    const k = first.keys[from];
    if (k && compareBytes(k, range.start) < 0) from = first.keys.length;
  }
  for (;;) {
    const leaf = cursor.node;
    let to = leaf.keys.length;
    let last = false;
    if (range.end && to > from && compareBytes(leaf.keys[to - 1]!, range.end) >= 0) {
      to = from;
      while (to < leaf.keys.length && compareBytes(leaf.keys[to]!, range.end) < 0) to++;
      last = true;
    }
    if (to > from) yield { keys: leaf.keys, values: leaf.values, from, to };
    if (last || !(await cursor.next())) return;
    if (++leavesSinceTurn >= LEAVES_PER_TURN) {
      leavesSinceTurn = 0;
      await nextTurn();
    }
    from = 0;
  }
}

export async function* scan(
  nodes: NodeStore,
  root: Uint8Array,
  range: KeyRange = {},
): AsyncGenerator<Entry> {
  for await (const run of scanLeaves(nodes, root, range)) {
    for (let i = run.from; i < run.to; i++) yield [run.keys[i]!, run.values[i]!];
  }
}

/** How many entries have keys < `key` (O(depth), from the subtree counts). */
export async function rankOf(nodes: NodeStore, root: Uint8Array, key: Uint8Array): Promise<number> {
  let node = await nodes.load(root);
  let before = 0;
  while (node.level > 0) {
    const i = childIndexFor(node, key);
    for (let j = 0; j < i; j++) before += node.counts[j]!;
    if (i === node.keys.length - 1 && compareBytes(node.keys[i]!, key) < 0)
      return before + node.counts[i]!;
    node = await nodes.load(node.values[i]!);
  }
  let i = childIndexFor(node, key);
  if (i < node.keys.length && compareBytes(node.keys[i]!, key) < 0) i++;
  return before + i;
}

/** How many entries `range` holds (O(depth)). */
export async function countRange(
  nodes: NodeStore,
  root: Uint8Array,
  range: KeyRange,
): Promise<number> {
  const start = range.start ? await rankOf(nodes, root, range.start) : 0;
  const end = range.end ? await rankOf(nodes, root, range.end) : await countEntries(nodes, root);
  return Math.max(0, end - start);
}

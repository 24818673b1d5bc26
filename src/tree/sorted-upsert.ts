/**
 * Upserting a large sorted stream of (key, value) records into an existing tree (layer: tree).
 *
 * Importers put assets and splits on top of a branch's (the records are put, other keys kept).
 * A small stream (at most `mutateMax` records) is a batched mutation; a large one would hold
 * every edit in memory, so it is merged with a scan of the old tree into a fresh bottom-up
 * build instead (bounded memory, O(old + new)), awaiting the chunk store's `ready()` every
 * `readyEvery` entries so staged writes stay bounded. Both give the same tree: trees are
 * history independent. With `combine`, a record whose key the tree holds is stored as
 * `combine(old, record)` (it may throw to refuse the record).
 */
import { TreeBuilder } from './builder.js';
import { compareBytes } from './bytes.js';
import { mutateTree, type Edit } from './mutate.js';
import type { NodeStore } from './node-store.js';
import { getValue, scan } from './read.js';

export interface KeyedValue {
  readonly key: Uint8Array;
  readonly value: Uint8Array;
  /** The tag the record was pushed with, when the producer keeps it (names it in errors). */
  readonly tag?: number;
}

/** The value to store for a record whose key holds `old`. */
export type Combine = (old: Uint8Array, record: KeyedValue) => Uint8Array;

export interface SortedUpsertOptions {
  /** Up to this many records the upsert is a batched mutation; above, a streamed merge build. */
  readonly mutateMax: number;
  /** The merge build awaits `nodes.chunks.ready()` every this many entries. */
  readonly readyEvery: number;
  readonly combine?: Combine;
}

/** `records` in strictly increasing key order, `total` of them; the new root. */
export async function upsertSorted(
  nodes: NodeStore,
  root: Uint8Array,
  records: AsyncIterable<KeyedValue>,
  total: number,
  opts: SortedUpsertOptions,
): Promise<Uint8Array> {
  const { combine } = opts;
  if (total === 0) return root;
  if (total <= opts.mutateMax) {
    const edits: Edit[] = [];
    for await (const r of records) {
      const old = combine && (await getValue(nodes, root, r.key));
      edits.push({ key: r.key, value: old ? combine(old, r) : r.value });
    }
    return mutateTree(nodes, root, edits);
  }
  return mergeBuild(nodes, root, records, opts);
}

async function mergeBuild(
  nodes: NodeStore,
  root: Uint8Array,
  records: AsyncIterable<KeyedValue>,
  { readyEvery, combine }: SortedUpsertOptions,
): Promise<Uint8Array> {
  const builder = new TreeBuilder(nodes);
  const old = scan(nodes, root)[Symbol.asyncIterator]();
  let cur = await old.next();
  let n = 0;
  const add = async (key: Uint8Array, value: Uint8Array) => {
    builder.add(key, value);
    if (++n % readyEvery === 0) await nodes.chunks.ready();
  };
  for await (const r of records) {
    while (!cur.done && compareBytes(cur.value[0], r.key) < 0) {
      await add(cur.value[0], cur.value[1]);
      cur = await old.next();
    }
    if (!cur.done && compareBytes(cur.value[0], r.key) === 0) {
      const value = combine ? combine(cur.value[1], r) : r.value;
      cur = await old.next();
      await add(r.key, value);
      continue;
    }
    await add(r.key, r.value);
  }
  for (; !cur.done; cur = await old.next()) await add(cur.value[0], cur.value[1]);
  return builder.finish();
}

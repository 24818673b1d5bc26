/**
 * Upserting a large sorted stream of (key, value) records into an existing tree (layer: api).
 *
 * Importers put assets and splits on top of a branch's (images of the import are put, others
 * kept). A small batch is a batched mutation; a large one would hold every edit in memory, so
 * it is merged with a scan of the old tree into a fresh bottom-up build instead (bounded
 * memory, O(old + new)). Both give the same tree: trees are history independent. With
 * `combine`, a record whose key the tree holds is stored as `combine(old, record)` (it may
 * throw to refuse the record).
 */
import { TreeBuilder } from '../../tree/builder.js';
import { compareBytes } from '../../tree/bytes.js';
import { mutateTree, type Edit } from '../../tree/mutate.js';
import { getValue, scan } from '../../tree/read.js';
import type { Repository } from '../repository/repository.js';
import { READY_EVERY } from './sorted-label-build.js';

export interface KeyedValue {
  readonly key: Uint8Array;
  readonly value: Uint8Array;
  /** The tag the record was pushed with, when the producer keeps it (names it in errors). */
  readonly tag?: number;
}

/** The value to store for a record whose key holds `old`. */
export type Combine = (old: Uint8Array, record: KeyedValue) => Uint8Array;

/** Above this many records the upsert streams (a merge build) instead of mutating. */
const MUTATE_MAX = 50_000;

/** `records` in strictly increasing key order, `total` of them. */
export async function upsertSorted(
  repo: Repository,
  root: Uint8Array,
  records: AsyncIterable<KeyedValue>,
  total: number,
  combine?: Combine,
): Promise<Uint8Array> {
  if (total === 0) return root;
  if (total <= MUTATE_MAX) {
    const edits: Edit[] = [];
    for await (const r of records) {
      const old = combine && (await getValue(repo.nodes, root, r.key));
      edits.push({ key: r.key, value: old ? combine(old, r) : r.value });
    }
    return mutateTree(repo.nodes, root, edits);
  }
  return mergeBuild(repo, root, records, combine);
}

async function mergeBuild(
  repo: Repository,
  root: Uint8Array,
  records: AsyncIterable<KeyedValue>,
  combine?: Combine,
): Promise<Uint8Array> {
  const builder = new TreeBuilder(repo.nodes);
  const old = scan(repo.nodes, root)[Symbol.asyncIterator]();
  let cur = await old.next();
  let n = 0;
  const add = async (key: Uint8Array, value: Uint8Array) => {
    builder.add(key, value);
    if (++n % READY_EVERY === 0) await repo.chunks.ready();
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

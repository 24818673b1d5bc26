/**
 * A key set kept as a base tree plus two small delta trees (layer: tree): `adds` holds keys the
 * set has beyond the base, `removes` keys of the base it no longer has (values are empty; only
 * keys count). The set is (base - removes) + adds, with the invariants adds ∩ base = ∅ and
 * removes ⊆ base, so its size over a key range is count(base) + count(adds) - count(removes),
 * O(depth) per tree from the subtree counts, and a range scan merges three sorted streams.
 *
 * Why: a secondary index changes a few thousand scattered keys per commit; rewriting that many
 * leaves of a 20M-entry base costs hundreds of ms, while the deltas stay small, so their leaves
 * are few and cached. `applyToOverlay` keeps the invariants using only the deltas (a key the
 * caller says was in the set and is in `adds` was never in the base, and so on); over an empty
 * base the set is kept as a plain base (a new repository's first import). `foldOverlay`
 * merges the deltas into the base, giving exactly the tree a fresh build of the set would
 * (history independence), with empty deltas.
 */
import { bytesEqual, compareBytes } from './bytes.js';
import { mutateTree, type Edit } from './mutate.js';
import type { NodeStore } from './node-store.js';
import { countRange, getValue, scanLeaves, type KeyRange } from './read.js';

export interface Overlay {
  readonly base: Uint8Array;
  readonly adds: Uint8Array;
  readonly removes: Uint8Array;
}

const EMPTY = new Uint8Array(0);
const FOLD_BATCH = 50_000;

export function emptyTree(nodes: NodeStore): Uint8Array {
  return nodes.write(0, [], [], []).hash;
}

/** How many keys of the set fall in `range`. */
export async function countOverlay(
  nodes: NodeStore,
  o: Overlay,
  range: KeyRange = {},
): Promise<number> {
  const [base, adds, removes] = await Promise.all([
    countRange(nodes, o.base, range),
    countRange(nodes, o.adds, range),
    countRange(nodes, o.removes, range),
  ]);
  return base + adds - removes;
}

/** The keys of the set in `range`, ascending. */
export async function* scanOverlayKeys(
  nodes: NodeStore,
  o: Overlay,
  range: KeyRange = {},
): AsyncGenerator<Uint8Array> {
  const removes = keysOf(nodes, o.removes, range);
  const adds = keysOf(nodes, o.adds, range);
  let removed = await removes.next();
  let added = await adds.next();
  for await (const run of scanLeaves(nodes, o.base, range)) {
    for (let i = run.from; i < run.to; i++) {
      const key = run.keys[i]!;
      while (!added.done && compareBytes(added.value, key) < 0) {
        yield added.value;
        added = await adds.next();
      }
      while (!removed.done && compareBytes(removed.value, key) < 0) removed = await removes.next();
      if (!removed.done && compareBytes(removed.value, key) === 0) continue;
      yield key;
    }
  }
  for (; !added.done; added = await adds.next()) yield added.value;
}

async function* keysOf(
  nodes: NodeStore,
  root: Uint8Array,
  range: KeyRange,
): AsyncGenerator<Uint8Array> {
  for await (const run of scanLeaves(nodes, root, range))
    for (let i = run.from; i < run.to; i++) yield run.keys[i]!;
}

/**
 * The overlay of the set after removing `removed` (keys that are in the set) and adding `added`
 * (keys that are not), both sorted ascending, disjoint. Reads only the deltas.
 */
export async function applyToOverlay(
  nodes: NodeStore,
  o: Overlay,
  removed: readonly Uint8Array[],
  added: readonly Uint8Array[],
): Promise<Overlay> {
  const addEdits: Edit[] = [];
  const removeEdits: Edit[] = [];
  for (const key of removed) {
    // In the set: either one of the adds (then never in the base) or a base key.
    if (await getValue(nodes, o.adds, key)) addEdits.push({ key, value: null });
    else removeEdits.push({ key, value: EMPTY });
  }
  for (const key of added) {
    // Not in the set: either a removed base key (restore it) or not in the base at all.
    if (await getValue(nodes, o.removes, key)) removeEdits.push({ key, value: null });
    else addEdits.push({ key, value: EMPTY });
  }
  const sorted = (edits: Edit[]) => edits.sort((a, b) => compareBytes(a.key, b.key));
  const adds = addEdits.length ? await mutateTree(nodes, o.adds, sorted(addEdits)) : o.adds;
  const empty = emptyTree(nodes);
  // Over an empty base the set is just the adds: keep it as a plain base.
  if (bytesEqual(o.base, empty)) return { base: adds, adds: empty, removes: empty };
  return {
    base: o.base,
    adds,
    removes: removeEdits.length
      ? await mutateTree(nodes, o.removes, sorted(removeEdits))
      : o.removes,
  };
}

/** The base with the deltas merged in: the tree a fresh build of the set gives. */
export async function foldOverlay(nodes: NodeStore, o: Overlay): Promise<Uint8Array> {
  let root = o.base;
  let batch: Edit[] = [];
  const flush = async () => {
    batch.sort((a, b) => compareBytes(a.key, b.key));
    root = await mutateTree(nodes, root, batch);
    batch = [];
  };
  for (const [tree, value] of [
    [o.removes, null],
    [o.adds, EMPTY],
  ] as const) {
    for await (const key of keysOf(nodes, tree, {})) {
      batch.push({ key, value });
      if (batch.length >= FOLD_BATCH) await flush();
    }
    if (batch.length > 0) await flush();
  }
  return root;
}

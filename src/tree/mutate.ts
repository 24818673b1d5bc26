/**
 * Batched mutation in one pass (layer: tree).
 *
 * Input: edits sorted by key, unique (a value to put, or null to delete). Output: the new root.
 *
 * Level by level, bottom-up: each run of edits is merged into the old node that holds its first
 * key and re-chunked with a fresh chunker, continuing into following old nodes until the new
 * chunking ends exactly where an old node ended (the rewrite has resynchronised; from there on
 * the old chunking is reused). The replaced and new node refs become the edits of the level
 * above. Because every boundary decision depends only on the current chunk's items, the result
 * is exactly the tree `buildTree` would make from the edited entry set: mutation is history
 * independent. Cost: O(edits x depth) node rewrites, never O(tree).
 */
import { bytesEqual, compareBytes } from './bytes.js';
import { TreeBuilder } from './builder.js';
import { LevelChunker } from './level-chunker.js';
import { LevelCursor, childIndexFor } from './level-cursor.js';
import type { NodeStore } from './node-store.js';
import { prefetchPaths } from './prefetch-paths.js';
import type { NodeRef, TreeNode } from './node.js';

export interface Edit {
  readonly key: Uint8Array;
  /** The new value, or null to delete the key (deleting an absent key is a no-op). */
  readonly value: Uint8Array | null;
}

/** An edit of one level's item sequence: an item (value + count) or a deletion. */
interface LevelEdit {
  readonly key: Uint8Array;
  readonly value: Uint8Array | null;
  readonly count: number;
}

/** What a mutation did to the entries: puts of an equal value and deletes of absent keys count nowhere. */
export interface MutationCounts {
  added: number;
  removed: number;
  modified: number;
}

export async function mutateTree(
  nodes: NodeStore,
  root: Uint8Array,
  edits: readonly Edit[],
): Promise<Uint8Array> {
  return (await mutateTreeCounting(nodes, root, edits)).root;
}

/** `mutateTree`, also counting the entries added, removed and modified (found during the merge, at no extra reads). */
export async function mutateTreeCounting(
  nodes: NodeStore,
  root: Uint8Array,
  edits: readonly Edit[],
): Promise<{ root: Uint8Array; counts: MutationCounts }> {
  const counts: MutationCounts = { added: 0, removed: 0, modified: 0 };
  const rootNode = await nodes.load(root);
  await prefetchPaths(
    nodes,
    rootNode,
    edits.map((e) => e.key),
  );
  let levelEdits: LevelEdit[] = edits.map((e) => ({ key: e.key, value: e.value, count: 1 }));
  for (let level = 0; level <= rootNode.level; level++) {
    if (levelEdits.length === 0) return { root: rootNode.hash, counts };
    const tally = level === 0 ? counts : undefined;
    if (level < rootNode.level)
      levelEdits = await rewriteLevel(nodes, rootNode, level, levelEdits, tally);
    else {
      const top = await rewriteLevel(nodes, rootNode, level, levelEdits, tally, true);
      return { root: await finishRoot(nodes, level, top), counts };
    }
  }
  return { root: rootNode.hash, counts };
}

/** The new nodes of the old root's level become the root, collapsed or grown to one node. */
async function finishRoot(
  nodes: NodeStore,
  level: number,
  refs: readonly LevelEdit[],
): Promise<Uint8Array> {
  const created = refs.filter((r) => r.value !== null);
  if (created.length === 0) return nodes.write(0, [], [], []).hash;
  if (created.length > 1) {
    const builder = new TreeBuilder(nodes, level + 1);
    for (const r of created) builder.add(r.key, r.value!, r.count);
    return builder.finish();
  }
  let node: TreeNode = await nodes.load(created[0]!.value!);
  while (node.level > 0 && node.keys.length === 1) node = await nodes.load(node.values[0]!);
  return node.hash;
}

/**
 * Apply `edits` to the items of `level`; returns the edits for the level above (removed old
 * refs and added new refs, with unchanged pairs dropped). With `isRootLevel`, returns the new
 * nodes of this level instead (the old root is the only node there).
 */
async function rewriteLevel(
  nodes: NodeStore,
  root: TreeNode,
  level: number,
  edits: readonly LevelEdit[],
  counts: MutationCounts | undefined,
  isRootLevel = false,
): Promise<LevelEdit[]> {
  const parentEdits: LevelEdit[] = [];
  let e = 0;
  while (e < edits.length) {
    const cursor = await LevelCursor.seek(nodes, root, level, edits[e]!.key);
    const removed: NodeRef[] = [];
    const added: NodeRef[] = [];
    const chunker = new LevelChunker(nodes, level, (ref) => added.push(ref));
    // The round starts at an old boundary with a fresh chunker, so the old node's items before
    // the first edit are cut exactly as before: no boundary among them, no need to hash keys.
    const first = cursor.node;
    let from = childIndexFor(first, edits[e]!.key);
    if (from >= first.keys.length) from = Math.max(0, first.keys.length - 1);
    chunker.addRun(first, 0, from);
    for (;;) {
      const old = cursor.node;
      if (old.keys.length > 0)
        removed.push({ lastKey: old.keys[old.keys.length - 1]!, hash: old.hash, total: old.total });
      e = mergeNodeWithEdits(old, from, edits, e, cursor.isLast, chunker, counts);
      from = 0;
      if (chunker.pendingEmpty) break; // resynchronised: a new boundary where an old one was
      if (!(await cursor.next())) {
        chunker.finish();
        break;
      }
    }
    if (isRootLevel) return added.map((r) => ({ key: r.lastKey, value: r.hash, count: r.total }));
    appendParentEdits(parentEdits, removed, added);
  }
  return parentEdits;
}

/**
 * Feed node `old`'s items, merged with the edits that fall into it, to `chunker`. Edits fall
 * into the first node whose last key >= their key; into the last node if beyond every key.
 * Returns the index of the first edit not consumed.
 */
function mergeNodeWithEdits(
  old: TreeNode,
  from: number,
  edits: readonly LevelEdit[],
  start: number,
  isLast: boolean,
  chunker: LevelChunker,
  tally: MutationCounts | undefined,
): number {
  const keys = old.keys;
  const lastKey = keys[keys.length - 1];
  let e = start;
  const inNode = (k: Uint8Array) =>
    isLast || (lastKey !== undefined && compareBytes(k, lastKey) <= 0);
  const insert = (ed: LevelEdit) => {
    if (!ed.value) return;
    if (tally) tally.added++;
    chunker.add(ed.key, ed.value, ed.count);
  };
  for (let i = from; i < keys.length; i++) {
    const key = keys[i]!;
    while (e < edits.length && compareBytes(edits[e]!.key, key) < 0) insert(edits[e++]!);
    const ed = edits[e];
    if (ed && compareBytes(ed.key, key) === 0) {
      e++;
      if (tally) {
        if (!ed.value) tally.removed++;
        else if (!bytesEqual(ed.value, old.values[i]!)) tally.modified++;
      }
      if (ed.value) chunker.add(ed.key, ed.value, ed.count);
    } else {
      chunker.add(key, old.values[i]!, old.level === 0 ? 1 : old.counts[i]!);
    }
  }
  while (e < edits.length && inNode(edits[e]!.key)) insert(edits[e++]!);
  return e;
}

/** Removed refs become deletions, added refs puts; a ref both removed and re-added is dropped. */
function appendParentEdits(
  out: LevelEdit[],
  removed: readonly NodeRef[],
  added: readonly NodeRef[],
): void {
  let r = 0;
  let a = 0;
  while (r < removed.length || a < added.length) {
    const rm = removed[r];
    const ad = added[a];
    const cmp = !rm ? 1 : !ad ? -1 : compareBytes(rm.lastKey, ad.lastKey);
    if (cmp < 0) {
      out.push({ key: rm!.lastKey, value: null, count: 0 });
      r++;
    } else if (cmp > 0) {
      out.push({ key: ad!.lastKey, value: ad!.hash, count: ad!.total });
      a++;
    } else {
      if (!bytesEqual(rm!.hash, ad!.hash))
        out.push({ key: ad!.lastKey, value: ad!.hash, count: ad!.total });
      r++;
      a++;
    }
  }
}

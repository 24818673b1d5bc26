/**
 * Three-way diff of trees, seen from the side a merge applies (layer: tree).
 *
 * Yields, in key order, every key that theirs changed relative to the base, with the value at
 * the base, in ours and in theirs (`undefined` = absent), and whether ours changed it too. Keys
 * only ours changed are not visited: a merge keeps them as they are. Ours' value comes from a
 * point lookup of each changed key, which also warms exactly the leaves of ours that the merge's
 * mutation then rewrites; so the cost is one diff plus one lookup per change, proportional to
 * theirs' changes, not to the trees.
 */
import { bytesEqual } from './bytes.js';
import { diffTrees } from './diff.js';
import type { NodeStore } from './node-store.js';
import { getValue } from './read.js';

export interface ThreeWayChange {
  readonly key: Uint8Array;
  readonly base: Uint8Array | undefined;
  readonly ours: Uint8Array | undefined;
  readonly theirs: Uint8Array | undefined;
  readonly oursChanged: boolean;
}

export async function* threeWayDiff(
  nodes: NodeStore,
  baseRoot: Uint8Array,
  oursRoot: Uint8Array,
  theirsRoot: Uint8Array,
): AsyncGenerator<ThreeWayChange> {
  const oursIsBase = bytesEqual(baseRoot, oursRoot);
  for await (const c of diffTrees(nodes, baseRoot, theirsRoot)) {
    const ours = oursIsBase ? c.from : await getValue(nodes, oursRoot, c.key);
    yield { key: c.key, base: c.from, ours, theirs: c.to, oursChanged: !sameBytes(ours, c.from) };
  }
}

function sameBytes(a: Uint8Array | undefined, b: Uint8Array | undefined): boolean {
  return a === undefined || b === undefined ? a === b : bytesEqual(a, b);
}

/**
 * Splitting a tree's key space into consecutive ranges of about N entries each (layer: tree),
 * from the subtree counts of its top levels: the work units of a scan spread over threads.
 *
 * The ranges cover every key once, in order: the first has no start, and each other range
 * starts where its predecessor ends, at the smallest key after the predecessor's last key
 * (that key plus a 0x00 byte); the last ends past the tree's last key or has no end. Only internal nodes are read, never leaves, and
 * only as far down as the wanted number of ranges needs.
 */
import type { NodeStore } from './node-store.js';
import type { TreeNode } from './node.js';
import type { KeyRange } from './read.js';

/** The ranges of about `entriesPerRange` entries each; one range (`{}`) for a small tree. */
export async function splitIntoRanges(
  nodes: NodeStore,
  root: Uint8Array,
  entriesPerRange: number,
): Promise<KeyRange[]> {
  const top = await nodes.load(root);
  const wanted = Math.floor(top.total / entriesPerRange);
  if (wanted < 2 || top.level === 0) return [{}];
  let level: TreeNode[] = [top];
  while (level[0]!.level > 1 && childCount(level) < wanted)
    level = await Promise.all(level.flatMap((n) => n.values.map((child) => nodes.load(child))));
  const ranges: KeyRange[] = [];
  let start: Uint8Array | undefined;
  let entries = 0;
  for (const node of level)
    for (let i = 0; i < node.keys.length; i++) {
      entries += node.counts[i]!;
      if (entries < entriesPerRange) continue;
      const end = successor(node.keys[i]!);
      ranges.push(start ? { start, end } : { end });
      start = end;
      entries = 0;
    }
  if (entries > 0 || start === undefined) ranges.push(start ? { start } : {});
  return ranges;
}

function childCount(level: readonly TreeNode[]): number {
  let n = 0;
  for (const node of level) n += node.keys.length;
  return n;
}

/** The smallest key after `key`. */
function successor(key: Uint8Array): Uint8Array {
  const next = new Uint8Array(key.length + 1);
  next.set(key);
  return next;
}

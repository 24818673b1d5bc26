/**
 * The changes a new commit makes to each tree, against its first parent (layer: api): computed
 * once per tree and shared by the commit-time maintainers (secondary indexes, blame), which
 * would otherwise diff the same trees twice.
 *
 * `of(tree, limit)` is the diff in key order, or undefined when it has more than `limit`
 * changes (the walk stops there, so a bulk import costs the maintainers nothing). A later call
 * with a larger limit than a truncated walk used walks again; every other call is answered from
 * what was kept. From an empty tree the "diff" is a scan of the new tree (`treeChanges`).
 */
import { diffTrees, type Change } from '../../tree/diff.js';
import type { NodeStore } from '../../tree/node-store.js';
import { countEntries, scanLeaves } from '../../tree/read.js';
import type { TreeName } from '../../dataset/tree-names.js';
import { treeRoot, type Snapshot } from '../../vcs/snapshot.js';

interface Walked {
  readonly limit: number;
  /** undefined: more than `limit` changes. */
  readonly changes: readonly Change[] | undefined;
}

export class CommitChanges {
  private readonly walked = new Map<TreeName, Walked>();

  constructor(
    private readonly nodes: NodeStore,
    private readonly parent: Snapshot,
    private readonly snapshot: Snapshot,
  ) {}

  async of(tree: TreeName, limit: number): Promise<readonly Change[] | undefined> {
    const known = this.walked.get(tree);
    if (known && (known.changes !== undefined || limit <= known.limit))
      return known.changes && known.changes.length <= limit ? known.changes : undefined;
    const changes: Change[] = [];
    let complete = true;
    const from = treeRoot(this.parent, tree);
    for await (const c of await treeChanges(this.nodes, from, treeRoot(this.snapshot, tree))) {
      if (changes.length === limit) {
        complete = false;
        break;
      }
      changes.push(c);
    }
    const result = complete ? changes : undefined;
    this.walked.set(tree, { limit, changes: result });
    return result;
  }
}

/**
 * diff(from, to); from an empty tree, a scan of `to` instead (every entry is added), which
 * reads the leaves past the node cache: a 10M-label catch-up does not churn the cache.
 */
export async function treeChanges(
  nodes: NodeStore,
  from: Uint8Array,
  to: Uint8Array,
): Promise<AsyncGenerator<Change>> {
  if ((await countEntries(nodes, from)) > 0) return diffTrees(nodes, from, to);
  return (async function* () {
    for await (const run of scanLeaves(nodes, to)) {
      for (let i = run.from; i < run.to; i++)
        yield { key: run.keys[i]!, type: 'added' as const, to: run.values[i]! };
    }
  })();
}

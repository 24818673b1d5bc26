/**
 * Secondary-index maintenance at commit time (layer: api): the new snapshot's trees get their
 * indexes from the first parent's indexes plus the tree diff, never from a rebuild.
 *
 * Per indexed tree whose root changed: when the parent's tree has an index, the diff (at most
 * `repo.limits.indexMaintenance` changes, else the tree is left unindexed: a bulk import is indexed
 * by `verso index build`, one streaming pass) gives each changed record's old and new index
 * keys; only keys that differ become edits, so a geometry-only edit changes nothing in the
 * index. The edits go into the index's small delta trees (`tree/overlay.ts`), not its base: a
 * few thousand scattered keys would rewrite as many leaves of a 20M-entry base, but only a few
 * leaves of the deltas. The index stays logically equal to a full build of the new source tree,
 * and folding its deltas (`verso index build`) gives exactly that tree. An empty source tree has
 * the empty index, so a new repository starts indexed.
 */
import { bytesEqual } from '../../tree/bytes.js';
import type { Change } from '../../tree/diff.js';
import { applyToOverlay, emptyTree, type Overlay } from '../../tree/overlay.js';
import { countEntries } from '../../tree/read.js';
import { treeRoot } from '../../vcs/snapshot.js';
import { INDEXED_TREES, indexKeysOf, type IndexedTree } from '../../query/index-entries.js';
import { commitChangesOf, type NewCommitFacts, type RecordDerived } from '../write/commit-facts.js';
import type { CommitMaintainer } from '../write/commit-maintainer.js';
import type { Repository } from '../repository/repository.js';
import { snapshotOfCommit } from '../repository/snapshot-at.js';
import { indexOf, plainIndex, recordIndex } from './tree-index.js';

const EMPTY = new Uint8Array(0);

export async function stageTreeIndexes(
  repo: Repository,
  facts: NewCommitFacts,
): Promise<RecordDerived> {
  const limit = repo.limits.indexMaintenance;
  const parent = facts.parents[0];
  const parentSnap = parent ? await snapshotOfCommit(repo, parent) : undefined;
  const changes = await commitChangesOf(repo, facts);
  const rows: [IndexedTree, Uint8Array, Overlay][] = [];
  for (const tree of INDEXED_TREES) {
    const source = treeRoot(facts.snapshot, tree);
    if (await indexOf(repo, tree, source)) continue;
    const index = parentSnap
      ? await updatedIndex(repo, tree, treeRoot(parentSnap, tree), source, limit, () =>
          changes.of(tree, limit),
        )
      : await emptyIndex(repo, source);
    if (index) rows.push([tree, source, index]);
  }
  return async () => {
    for (const [tree, source, index] of rows) await recordIndex(repo, tree, source, index);
  };
}

/** The secondary-index maintainer the composition root registers (`repository/compose.ts`). */
export const treeIndexMaintainer: CommitMaintainer<Repository> = {
  name: 'secondary indexes',
  stage: stageTreeIndexes,
};

async function emptyIndex(repo: Repository, source: Uint8Array): Promise<Overlay | undefined> {
  if ((await countEntries(repo.nodes, source)) > 0) return undefined;
  return plainIndex(repo, emptyTree(repo.nodes));
}

/**
 * The index of `to` from the index of `from` and the changes between them (`diff`: undefined
 * when there are too many), or undefined when it cannot be.
 */
async function updatedIndex(
  repo: Repository,
  tree: IndexedTree,
  from: Uint8Array,
  to: Uint8Array,
  limit: number,
  diff: () => Promise<readonly Change[] | undefined>,
): Promise<Overlay | undefined> {
  const base = await indexOf(repo, tree, from);
  if (!base) return emptyIndex(repo, to);
  // A size difference past the limit means too many changes, without walking them.
  const grew = (await countEntries(repo.nodes, to)) - (await countEntries(repo.nodes, from));
  if (Math.abs(grew) > limit) return undefined;
  const changes = await diff();
  if (!changes) return undefined;
  const edits = new Map<string, Uint8Array | null>();
  for (const c of changes) {
    const before = c.from ? indexKeysOf(tree, c.key, c.from) : [];
    const after = c.to ? indexKeysOf(tree, c.key, c.to) : [];
    for (const k of before) if (!after.some((a) => bytesEqual(a, k))) edits.set(latin1(k), null);
    for (const k of after) if (!before.some((b) => bytesEqual(b, k))) edits.set(latin1(k), EMPTY);
  }
  if (edits.size === 0) return base;
  const removed: Uint8Array[] = [];
  const added: Uint8Array[] = [];
  for (const k of [...edits.keys()].sort())
    (edits.get(k) === null ? removed : added).push(Buffer.from(k, 'latin1'));
  return applyToOverlay(repo.nodes, base, removed, added);
}

const latin1 = (k: Uint8Array): string => Buffer.from(k).toString('latin1');

/**
 * `verso merge commit` and `verso merge abort`: finish or drop a branch's pending merge
 * (layer: api).
 *
 * Commit applies every decision to the auto-merged snapshot (which holds ours' value at each
 * conflict), writes a commit with parents (ours, theirs) whose operations record every
 * resolution (id, kind, choice, who, when), and moves the branch by compare-and-swap from the
 * head the merge started at: if the branch moved meanwhile nothing is overwritten.
 */
import { MergeTargetMovedError, UndecidedConflictsError } from './merge-errors.js';
import { RefUpdateRaceError } from '../../catalog/catalog-errors.js';
import { hashToHex, hexToHash, type ChunkHash } from '../../core/hash.js';
import { TREE_NAMES, type TreeName } from '../../dataset/tree-names.js';
import { compareBytes } from '../../tree/bytes.js';
import { mutateTree, type Edit } from '../../tree/mutate.js';
import { commitToBranch, type BeforeMove, type CommitResult } from '../write/commit-to-branch.js';
import { withLease } from '../repository/lease.js';
import { inBranchQueue, inBranchTurn } from '../write/branch-queue.js';
import {
  fromHex,
  isDecided,
  landedMerge,
  loadPendingMerge,
  type PendingMerge,
  type StoredConflict,
} from './merge-state.js';
import type { Repository } from '../repository/repository.js';

export interface DuplicateNote {
  readonly image: string;
  readonly ours: string;
  readonly theirs: string;
}

export async function commitMerge(
  repo: Repository,
  into: string,
  message?: string,
  gate?: BeforeMove,
): Promise<CommitResult & { resolutions: number }> {
  return inBranchQueue(repo.root, into, () =>
    inBranchTurn(repo, into, () =>
      withLease(repo, 'writer', async () => {
        const { state, version } = await loadPendingMerge(repo, into);
        const open = state.conflicts.filter((c) => !isDecided(c));
        if (open.length > 0)
          throw new UndecidedConflictsError(
            into,
            open.map((c) => c.id),
          );
        const ref = await repo.catalog.getRef(into);
        if (ref?.target !== state.ours) {
          const landed = await landedMerge(repo, state);
          if (!landed) throw new MergeTargetMovedError(into, state.ours, ref?.target ?? null);
          // An earlier `merge commit` moved the branch and died before deleting this record.
          await repo.catalog.deletePendingMerge(into, version);
          const entry = (await repo.catalog.getCommit(landed))!;
          return {
            commit: landed,
            snapshot: entry.snapshot,
            committed: true,
            resolutions: state.conflicts.length,
          };
        }
        const done = await finishMerge(repo, message ? { ...state, message } : state, [], gate);
        await repo.catalog.deletePendingMerge(into, version);
        return { ...done, resolutions: state.conflicts.length };
      }),
    ),
  );
}

export async function abortMerge(repo: Repository, into: string): Promise<{ conflicts: number }> {
  const { state, version } = await loadPendingMerge(repo, into);
  await repo.catalog.deletePendingMerge(into, version);
  return { conflicts: state.conflicts.length };
}

/** Writes the merge commit for `state` with its decisions applied (caller holds the lease). */
export async function finishMerge(
  repo: Repository,
  state: PendingMerge,
  duplicatesAllowed: readonly DuplicateNote[],
  beforeMove?: BeforeMove,
): Promise<CommitResult> {
  const edits = resolutionEdits(state.conflicts);
  const trees = { ...state.merged.trees };
  for (const name of TREE_NAMES) {
    const list = lastEditPerKey(edits[name]);
    if (list.length > 0)
      trees[name] = hashToHex(await mutateTree(repo.nodes, hexToHash(trees[name]), list));
  }
  const choice = (type: StoredConflict['type']) =>
    state.conflicts.find((c) => c.type === type)?.resolution?.choice;
  const schema = choice('schema') === 'theirs' ? state.theirsSchema : state.merged.schema;
  const categories =
    choice('categories') === 'theirs'
      ? (state.theirsCategories ?? null)
      : (state.merged.categories ?? null);
  try {
    return await commitToBranch(repo, {
      branch: state.into,
      expectedHead: state.ours,
      extraParents: [state.theirs],
      snapshot: { trees, schema, categories },
      message: state.message,
      beforeMove,
      operations: {
        op: 'merge',
        source: state.source,
        theirs: state.theirs,
        bases: [...state.bases],
        applied: Object.fromEntries(TREE_NAMES.map((n) => [n, { ...state.applied[n] }])),
        conflicts: state.conflicts.length,
        resolutions: state.conflicts.map((c) => ({
          id: c.id,
          kind: c.kind,
          choice: c.resolution!.choice,
          by: c.resolution!.by,
          at: c.resolution!.at,
        })),
        ...(duplicatesAllowed.length > 0
          ? { possible_duplicates_allowed: duplicatesAllowed.map((d) => ({ ...d })) }
          : {}),
      },
    });
  } catch (e) {
    if (e instanceof RefUpdateRaceError) {
      const now = await repo.catalog.getRef(state.into);
      throw new MergeTargetMovedError(state.into, state.ours, (now?.target as ChunkHash) ?? null);
    }
    throw e;
  }
}

/** The tree edits that turn the auto-merged snapshot (ours at every conflict) into the decided one. */
function resolutionEdits(conflicts: readonly StoredConflict[]): Record<TreeName, Edit[]> {
  const out = Object.fromEntries(TREE_NAMES.map((n) => [n, [] as Edit[]])) as Record<
    TreeName,
    Edit[]
  >;
  const put = (tree: TreeName, keyHex: string, value: Uint8Array | null) =>
    out[tree].push({ key: fromHex(keyHex)!, value });
  for (const c of conflicts) {
    const r = c.resolution;
    if (!r || r.choice === 'both' || c.type === 'schema' || c.type === 'categories') continue;
    if (c.type === 'duplicate') {
      // Keep one drawing of the object: drop the other side's label and its review.
      const drop = r.choice === 'theirs' ? c.key! : c.theirsKey!;
      put('labels', drop, null);
      put('reviews', drop, null);
      continue;
    }
    if (r.choice === 'ours') continue;
    const tree = c.tree!;
    if (r.choice === 'theirs') {
      put(tree, c.key!, fromHex(c.theirs as string | null));
      if (c.review) put('reviews', c.key!, fromHex(c.review.theirs));
      for (const k of c.keyframes ?? []) put('keyframes', k.key, fromHex(k.value));
    } else {
      put(tree, c.key!, fromHex(r.value));
      if (r.review !== undefined) put('reviews', c.key!, fromHex(r.review));
    }
  }
  return out;
}

/** Edits in key order, the last decision winning when two touch the same key. */
function lastEditPerKey(edits: readonly Edit[]): Edit[] {
  const sorted = edits
    .map((e, i) => ({ e, i }))
    .sort((a, b) => compareBytes(a.e.key, b.e.key) || a.i - b.i)
    .map((x) => x.e);
  return sorted.filter(
    (e, i) => i + 1 >= sorted.length || compareBytes(e.key, sorted[i + 1]!.key) !== 0,
  );
}

/**
 * `verso merge SRC --into DST`: three-way merge of a ref into a branch (layer: api).
 *
 * Up to date when SRC is already in DST's history; fast-forward when DST is in SRC's history
 * (unless `noFastForward`). Otherwise the snapshots are merged against the merge base (a
 * virtual base for criss-cross histories). Without conflicts (and without possible duplicates,
 * unless allowed) the merge commit is made at once; otherwise nothing moves: the merge is
 * stored as the branch's pending merge and `MergeConflictError` is thrown.
 */
import { MergeInProgressError } from '../../catalog/catalog-errors.js';
import { CorruptionError } from '../../core/errors.js';
import { MergeConflictError } from './merge-errors.js';
import type { ChunkHash } from '../../core/hash.js';
import { encodeLabelKey } from '../../dataset/label-key.js';
import type { TreeName } from '../../dataset/tree-names.js';
import type { MutationCounts } from '../../tree/mutate.js';
import { getCommit } from '../../vcs/commit.js';
import { isAncestor, mergeBases } from '../../vcs/merge-base.js';
import { baseSnapshot } from '../../vcs/merge-base-snapshot.js';
import { mergeSnapshots, type SnapshotMerge } from '../../vcs/merge-snapshots.js';
import { resolveRef } from '../../vcs/resolve-ref.js';
import { getSnapshot, type Snapshot } from '../../vcs/snapshot.js';
import { branchHead } from '../write/branch-head.js';
import type { BeforeMove } from '../write/commit-to-branch.js';
import { finishMerge } from './merge-commit.js';
import {
  keyConflictId,
  landedMerge,
  savePendingMerge,
  toHex,
  type PendingMerge,
  type StoredConflict,
} from './merge-state.js';
import { authorOf, timeOf } from '../repository/identity.js';
import { withLease } from '../repository/lease.js';
import { inBranchQueue, inBranchTurn } from '../write/branch-queue.js';
import type { Repository } from '../repository/repository.js';
import { refLogNote } from '../repository/ref-log.js';
import { failpoint } from '../../core/failpoints.js';

export interface MergeOptions {
  readonly source: string;
  readonly into: string;
  readonly message?: string;
  readonly noFastForward?: boolean;
  readonly allowDuplicates?: boolean;
  /**
   * Runs on the candidate (the fast-forward target, or the written merge commit) before the
   * branch moves; throwing leaves it unmoved (a protected branch's gates, `api/access/`).
   */
  readonly gate?: BeforeMove | undefined;
}

export type MergeResult =
  | { readonly status: 'up-to-date'; readonly head: ChunkHash }
  | { readonly status: 'fast-forward'; readonly head: ChunkHash; readonly from: ChunkHash }
  | {
      readonly status: 'merged';
      readonly commit: ChunkHash;
      readonly snapshot: ChunkHash;
      readonly bases: readonly ChunkHash[];
      readonly applied: Readonly<Record<TreeName, MutationCounts>>;
      readonly duplicatesAllowed: number;
    };

export async function merge(repo: Repository, opts: MergeOptions): Promise<MergeResult> {
  return inBranchQueue(repo.root, opts.into, () =>
    inBranchTurn(repo, opts.into, () =>
      withLease(repo, 'writer', async () => {
        const dst = await branchHead(repo, opts.into);
        await refuseWhilePending(repo, opts.into);
        const theirs = await resolveRef(repo.catalog, repo.chunks, opts.source);
        if (await isAncestor(repo.catalog, theirs, dst.head))
          return { status: 'up-to-date', head: dst.head };
        if (!opts.noFastForward && (await isAncestor(repo.catalog, dst.head, theirs))) {
          if (opts.gate)
            await opts.gate({
              commit: theirs,
              snapshot: (await getCommit(repo.chunks, theirs)).snapshot,
            });
          const note = refLogNote(repo, 'merge: fast-forward', `merge ${opts.source}`);
          await repo.catalog.updateRef(opts.into, 'branch', dst.head, theirs, note);
          return { status: 'fast-forward', head: theirs, from: dst.head };
        }
        const bases = await mergeBases(repo.catalog, dst.head, theirs);
        const theirsSnap = await getSnapshot(
          repo.chunks,
          (await getCommit(repo.chunks, theirs)).snapshot,
        );
        if (bases.length === 0)
          throw new CorruptionError(`commits ${dst.head} and ${theirs} share no ancestor`);
        const base = await baseSnapshot(repo, bases);
        const m = await mergeSnapshots(repo.nodes, base, dst.snapshot, theirsSnap);
        const state: PendingMerge = {
          format: 1,
          into: opts.into,
          source: opts.source,
          ours: dst.head,
          theirs,
          bases,
          merged: m.merged,
          theirsSchema: theirsSnap.schema,
          theirsCategories: theirsSnap.categories,
          applied: m.applied,
          message: opts.message ?? `Merge ${opts.source} into ${opts.into}`,
          allowDuplicates: opts.allowDuplicates ?? false,
          startedBy: authorOf(repo),
          startedAt: timeOf(repo),
          conflicts: storedConflicts(m, theirsSnap, opts.allowDuplicates ?? false),
        };
        if (state.conflicts.length > 0) {
          // The auto-merged trees must be durable before a record names them.
          await repo.chunks.flush();
          failpoint('merge-after-trees-flushed');
          await savePendingMerge(repo, state, null);
          const dups = state.conflicts.filter((c) => c.type === 'duplicate').length;
          throw new MergeConflictError(opts.into, state.conflicts.length - dups, dups);
        }
        const done = await finishMerge(
          repo,
          state,
          duplicateNotes(m, opts.allowDuplicates ?? false),
          opts.gate,
        );
        return {
          status: 'merged',
          commit: done.commit,
          snapshot: done.snapshot,
          bases,
          applied: m.applied,
          duplicatesAllowed: opts.allowDuplicates ? m.duplicates.length : 0,
        };
      }),
    ),
  );
}

/** A pending merge blocks new merges into its branch, unless its commit already landed. */
async function refuseWhilePending(repo: Repository, into: string): Promise<void> {
  const rec = await repo.catalog.getPendingMerge(into);
  if (!rec) return;
  const state = JSON.parse(rec.state) as PendingMerge;
  if (!(await landedMerge(repo, state))) throw new MergeInProgressError(into);
  await repo.catalog.deletePendingMerge(into, rec.version);
}

function storedConflicts(
  m: SnapshotMerge,
  theirsSnap: Snapshot,
  allowDuplicates: boolean,
): StoredConflict[] {
  const out: StoredConflict[] = m.conflicts.map((c) => ({
    id: keyConflictId(c.tree, c.key),
    type: 'key',
    kind: c.kind,
    tree: c.tree,
    key: toHex(c.key)!,
    base: toHex(c.base),
    ours: toHex(c.ours),
    theirs: toHex(c.theirs),
    ...(c.review ? { review: { ours: toHex(c.review.ours), theirs: toHex(c.review.theirs) } } : {}),
    ...(c.keyframes
      ? {
          keyframes: c.keyframes.map((e) => ({
            key: toHex(e.key)!,
            value: toHex(e.value ?? undefined),
          })),
        }
      : {}),
  }));
  if (!allowDuplicates) {
    for (const d of m.duplicates) {
      out.push({
        id: `duplicate/${d.image}/${d.oursLabel}+${d.theirsLabel}`,
        type: 'duplicate',
        kind: 'possible-duplicate',
        tree: 'labels',
        key: toHex(encodeLabelKey(d.image, d.oursLabel))!,
        theirsKey: toHex(encodeLabelKey(d.image, d.theirsLabel))!,
        ours: toHex(d.ours),
        theirs: toHex(d.theirs),
      });
    }
  }
  if (m.schemaConflict) {
    out.push({
      id: 'schema',
      type: 'schema',
      kind: 'modify/modify',
      ours: m.merged.schema,
      theirs: theirsSnap.schema,
    });
  }
  if (m.categoriesConflict) {
    out.push({
      id: 'categories',
      type: 'categories',
      kind: 'modify/modify',
      ours: m.merged.categories,
      theirs: theirsSnap.categories,
    });
  }
  return out;
}

/** Duplicates let through with `--allow-duplicates` are named in the merge commit. */
function duplicateNotes(m: SnapshotMerge, allowed: boolean) {
  if (!allowed) return [];
  return m.duplicates.map((d) => ({ image: d.image, ours: d.oursLabel, theirs: d.theirsLabel }));
}

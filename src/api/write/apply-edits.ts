/**
 * `verso apply EDITS.jsonl --branch B`: a batch of put/patch/delete ops as one commit
 * (layer: api). The batch is built on the branch head by `edit-batch.ts` (what the ops mean,
 * the write checks); its ops come from a file or from lines the caller holds (`edit-source.ts`:
 * a server's request body), and errors name `source:line`. Any bad line aborts before anything
 * moves; a batch that changes nothing makes no commit. The author is the repository's identity.
 *
 * Concurrent writers (`write-to-branch.ts`): writes to one branch in this process queue; when
 * another process moved the head meanwhile, the batch is built again on the new head if none
 * of the labels and reviews it touches changed there (nor the schema or category list, when it
 * writes label contents), else `WriteConflictError` lists them and nothing is written. With
 * `expectedHead` the write is strict: a branch at any other commit is refused with
 * `RefUpdateRaceError` carrying the current head, and nothing is rebased. With `baseHead` (the
 * commit the caller read) the same key check runs from that commit: a stale edit of a label
 * someone changed since is a `WriteConflictError`, an edit of untouched labels lands.
 */
import type { ChunkHash } from '../../core/hash.js';
import type { ChangeCounts } from '../../dataset/change-counts.js';
import { resolveRef } from '../../vcs/resolve-ref.js';
import type { Repository } from '../repository/repository.js';
import type { CommitResult } from './commit-to-branch.js';
import { buildEditBatch, snapshotWithBatch } from './edit-batch.js';
import {
  checkEditSource,
  EditOps,
  sourceLabel,
  sourceName,
  type EditSource,
} from './edit-source.js';
import type { GeometryReport, WritePolicy } from './label-write-check.js';
import { writeToBranch } from './write-to-branch.js';

export type ApplyEditsOptions = EditSource & {
  readonly branch: string;
  readonly message?: string;
  readonly policy?: WritePolicy;
  /**
   * Strict mode: the commit (a full id, a unique prefix, or any ref expression) the caller
   * built the batch on. The batch is applied only if the branch is exactly there.
   */
  readonly expectedHead?: string;
  /**
   * The commit (id, prefix or ref expression) the caller read before making the batch: if the
   * branch moved since, the batch lands only when none of its labels and reviews changed in
   * between, else `WriteConflictError` names them (what a client that edits what it saw sends).
   */
  readonly baseHead?: string;
};

export interface ApplyEditsResult extends CommitResult {
  readonly ops: number;
  readonly labels: ChangeCounts;
  readonly reviews: ChangeCounts;
  readonly geometry: GeometryReport;
  /** How many times the batch was built again on a head another writer moved (0: never). */
  readonly rebases: number;
}

export async function applyEdits(
  repo: Repository,
  opts: ApplyEditsOptions,
): Promise<ApplyEditsResult> {
  checkEditSource(opts);
  const expectedHead = await expectedHeadOf(repo, opts.expectedHead);
  const baseHead = await expectedHeadOf(repo, opts.baseHead);
  const edits = new EditOps(opts);
  const source = sourceName(opts);
  const label = sourceLabel(opts);
  let rebases = 0;
  const result = await writeToBranch(
    repo,
    opts.branch,
    async (base) => {
      const batch = await buildEditBatch(repo, base, edits.ops(), source, opts.policy);
      const { ops, labels, reviews, geometry } = batch;
      return {
        snapshot: snapshotWithBatch(base, batch),
        message: opts.message ?? `Apply ${label}`,
        operations: {
          op: 'apply',
          ...('file' in opts ? { file: label } : { source: label }),
          ops,
          labels: { ...labels },
          reviews: { ...reviews },
          ...(geometry.clipped > 0 ? { clipped: geometry.clipped } : {}),
        },
        touched: batch.touched,
        report: { ops, labels, reviews, geometry },
      };
    },
    {
      ...(expectedHead !== undefined ? { expectedHead } : {}),
      ...(baseHead !== undefined ? { baseHead } : {}),
      onRebase: () => rebases++,
    },
  );
  return { ...result, rebases };
}

async function expectedHeadOf(
  repo: Repository,
  spec: string | undefined,
): Promise<ChunkHash | undefined> {
  if (spec === undefined) return undefined;
  return resolveRef(repo.catalog, repo.chunks, spec);
}

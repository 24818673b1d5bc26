/**
 * The gates of a protected branch, run on a merge's candidate before the branch moves
 * (layer: api). `runMergeGates` runs every check of the branch's rule, in order, all of them
 * (a report names each failure, not just the first), and returns per-check results;
 * `protectedMergeGate` turns that into the hook `merge` and `commitMerge` call before the ref
 * compare-and-swap, throwing `MERGE_GATE_FAILED` so nothing moves.
 */
import type { ChunkHash } from '../../core/hash.js';
import type { MoveCandidate } from '../write/commit-to-branch.js';
import type { Repository } from '../repository/repository.js';
import { MergeGateFailedError, type GateResult } from './access-errors.js';
import { parseGateCheck } from './gate-checks.js';
import { runGateCommand } from './gate-command.js';
import { noPendingReviewsGate, schemaValidGate } from './gate-labels.js';

export interface MergeGateRun {
  readonly branch: string;
  readonly candidateSnapshot: ChunkHash;
  /** The candidate commit (written, not yet on the branch), when there is one. */
  readonly candidateCommit?: ChunkHash | undefined;
  /** How a `cmd:` check can reach the repository (a server URL, or the local folder). */
  readonly repositoryUrl: string;
  /** A `cmd:` check's time limit (default 60 s). */
  readonly timeoutMs?: number | undefined;
  /** More environment for `cmd:` checks (they inherit none). */
  readonly env?: Readonly<Record<string, string>> | undefined;
}

export interface GateReport {
  readonly branch: string;
  /** Whether the branch is protected at all (no rule: nothing ran, passed). */
  readonly protected: boolean;
  readonly passed: boolean;
  readonly checks: readonly GateResult[];
}

export async function runMergeGates(repo: Repository, run: MergeGateRun): Promise<GateReport> {
  const rule = await repo.catalog.access.getBranchProtection(run.branch);
  if (!rule) return { branch: run.branch, protected: false, passed: true, checks: [] };
  const checks: GateResult[] = [];
  for (const spec of rule.checks) {
    const check = parseGateCheck(spec);
    const outcome =
      check.kind === 'schema-valid'
        ? await schemaValidGate(repo, run.candidateSnapshot)
        : check.kind === 'no-pending-reviews'
          ? await noPendingReviewsGate(repo, run.candidateSnapshot)
          : await runGateCommand({
              root: repo.root,
              path: check.path,
              branch: run.branch,
              snapshot: run.candidateSnapshot,
              commit: run.candidateCommit,
              repositoryUrl: run.repositoryUrl,
              timeoutMs: run.timeoutMs,
              env: run.env,
            });
    checks.push({ check: spec, ...outcome });
  }
  return {
    branch: run.branch,
    protected: true,
    passed: checks.every((c) => c.passed),
    checks,
  };
}

export type ProtectedMergeGateOptions = Omit<
  MergeGateRun,
  'branch' | 'candidateSnapshot' | 'candidateCommit'
>;

/**
 * The hook for `merge(repo, {..., gate})` / `commitMerge(repo, into, message, gate)`: runs the
 * gates of `branch` on the candidate and throws `MergeGateFailedError` when one fails.
 */
export function protectedMergeGate(
  repo: Repository,
  branch: string,
  opts: ProtectedMergeGateOptions,
): (candidate: MoveCandidate) => Promise<void> {
  return async (candidate) => {
    const report = await runMergeGates(repo, {
      ...opts,
      branch,
      candidateSnapshot: candidate.snapshot,
      candidateCommit: candidate.commit,
    });
    if (!report.passed) throw new MergeGateFailedError(branch, report.checks);
  };
}

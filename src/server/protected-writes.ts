/**
 * Protected branches on the server's write routes (layer: server). A direct commit (apply,
 * import, images, splits, migrate) or a delete is checked against the branch's rule; a merge
 * into it needs the rule's role, and its gates (`api/access`) run on the candidate before the
 * branch moves, with this repository's URL on this server. Refusals are 403
 * `BRANCH_PROTECTED`; a failed gate is 409 `MERGE_GATE_FAILED` with each check's result.
 */
import type { FastifyRequest } from 'fastify';
import {
  assertProtectedWrite,
  protectedMergeGate,
  type MoveCandidate,
  type WriteKind,
} from '../api/access/index.js';

/** Refuses a direct write to a protected branch the caller may not make. */
export function assertBranchWrite(
  request: FastifyRequest,
  branch: string,
  kind: Exclude<WriteKind, 'merge'> = 'commit',
): Promise<void> {
  return assertProtectedWrite(request.repo, { branch, role: request.actor.role, kind });
}

/** Checks the caller may merge into `branch`; the gate its merge runs before the branch moves. */
export async function mergeGateFor(
  request: FastifyRequest,
  branch: string,
): Promise<(candidate: MoveCandidate) => Promise<void>> {
  await assertProtectedWrite(request.repo, { branch, role: request.actor.role, kind: 'merge' });
  const repositoryUrl = `${request.protocol}://${request.host}/repos/${request.repoName}`;
  return protectedMergeGate(request.repo, branch, { repositoryUrl });
}

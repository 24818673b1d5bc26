/**
 * A review as a write (layer: ui/review): approving, rejecting or commenting on a label is a
 * `patch` op of the label's review (its status, or its comment), applied to the branch as one commit (`POST /branches/{branch}/apply`).
 * The op names no reviewer and no time: the server stamps the signed-in token's identity and its
 * own time on the review (and refuses another name), and authors the commit with that identity.
 */
import type { ApiClient } from '../api/client.js';
import type { CommitResult } from '../api/types.js';

export type Verdict = 'approved' | 'rejected';

export function reviewOp(image: string, label: string, verdict: Verdict): Record<string, unknown> {
  return { op: 'patch', image, label, review: { status: verdict } };
}

/** A comment on a label's review (its status, if any, stays). */
export function commentOp(image: string, label: string, comment: string): Record<string, unknown> {
  return { op: 'patch', image, label, review: { comment } };
}

export function applyReview(
  client: ApiClient,
  repo: string,
  branch: string,
  op: Record<string, unknown>,
): Promise<CommitResult> {
  const status = (op['review'] as { status?: Verdict }).status;
  const verb = status === undefined ? 'Comment on' : status === 'approved' ? 'Approve' : 'Reject';
  return client.apply(
    repo,
    branch,
    [op],
    `${verb} label ${String(op['label'])} of ${String(op['image'])}`,
  );
}

/**
 * A review as a write (layer: ui/review): approving or rejecting a label is a `patch` op of the
 * label's review, applied to the branch as one commit (`POST /branches/{branch}/apply`). The
 * reviewer is the identity the server gives the signed-in token (`/whoami`), so the record names
 * who clicked; the server authors the commit with the same identity.
 */
import type { ApiClient } from '../api/client.js';
import type { CommitResult } from '../api/types.js';

export type Verdict = 'approved' | 'rejected';

export function reviewOp(
  image: string,
  label: string,
  verdict: Verdict,
  reviewer: string,
  at: Date,
): Record<string, unknown> {
  return {
    op: 'patch',
    image,
    label,
    review: { status: verdict, reviewer, reviewed_at: at.toISOString() },
  };
}

export function applyReview(
  client: ApiClient,
  repo: string,
  branch: string,
  op: Record<string, unknown>,
): Promise<CommitResult> {
  const verb = (op['review'] as { status: Verdict }).status === 'approved' ? 'Approve' : 'Reject';
  return client.apply(
    repo,
    branch,
    [op],
    `${verb} label ${String(op['label'])} of ${String(op['image'])}`,
  );
}

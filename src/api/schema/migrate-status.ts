/**
 * `verso migrate status --branch B` (layer: api): the labels a migration marked for review,
 * i.e. whose review has `status: 'needs_review'`, with the reason, in key order. A scan of
 * the `reviews` tree (reviews are ~20 bytes, so this reads little even at millions of labels).
 */
import { decodeValue, type JsonValue } from '../../core/canonical.js';
import { hexToHash } from '../../core/hash.js';
import { decodeLabelKey } from '../../dataset/label-key.js';
import { scanLeaves } from '../../tree/read.js';
import { branchHead } from '../write/branch-head.js';
import type { Repository } from '../repository/repository.js';

export const NEEDS_REVIEW = 'needs_review';

export interface NeedsReview {
  readonly image: string;
  readonly label: string;
  readonly reason: string | null;
}

export interface MigrationStatus {
  readonly branch: string;
  readonly schema: string | null;
  readonly needsReview: readonly NeedsReview[];
}

export async function migrationStatus(repo: Repository, branch: string): Promise<MigrationStatus> {
  const base = await branchHead(repo, branch);
  const needsReview: NeedsReview[] = [];
  for await (const run of scanLeaves(repo.nodes, hexToHash(base.snapshot.trees.reviews))) {
    for (let i = run.from; i < run.to; i++) {
      const review = decodeValue(run.values[i]!) as { [k: string]: JsonValue };
      if (review['status'] !== NEEDS_REVIEW) continue;
      const { image, label } = decodeLabelKey(run.keys[i]!);
      const reason = review['reason'];
      needsReview.push({ image, label, reason: typeof reason === 'string' ? reason : null });
    }
  }
  return { branch, schema: base.snapshot.schema, needsReview };
}

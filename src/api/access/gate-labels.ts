/**
 * The two gates that read the candidate snapshot (layer: api): `schema-valid` (every label
 * passes the write check: geometry, and the snapshot's schema version when it has one) and
 * `no-pending-reviews` (no review with status `pending` or `needs_review`). Each is one leaf
 * scan of one tree; a report names the first `SHOWN` offenders and counts them all.
 */
import { decodeValue } from '../../core/canonical.js';
import { decodeLabelKey } from '../../dataset/label-key.js';
import type { LabelContent } from '../../dataset/label-line.js';
import type { ChunkHash } from '../../core/hash.js';
import { scanLeaves } from '../../tree/read.js';
import { getSnapshot, treeRoot } from '../../vcs/snapshot.js';
import { makeContentCheck } from '../write/label-content-check.js';
import { labelSchemaOf } from '../repository/schema-registry.js';
import type { Repository } from '../repository/repository.js';

const SHOWN = 20;
const PENDING_STATUSES: ReadonlySet<string> = new Set(['pending', 'needs_review']);

export interface LabelGateOutcome {
  readonly passed: boolean;
  readonly output: string;
}

export async function schemaValidGate(
  repo: Repository,
  snapshotId: ChunkHash,
): Promise<LabelGateOutcome> {
  const snap = await getSnapshot(repo.chunks, snapshotId);
  const check = makeContentCheck(await labelSchemaOf(repo, snap.schema));
  const problems: string[] = [];
  let bad = 0;
  let labels = 0;
  for await (const run of scanLeaves(repo.nodes, treeRoot(snap, 'labels'))) {
    for (let i = run.from; i < run.to; i++) {
      labels++;
      const problem = check(decodeValue(run.values[i]!) as LabelContent);
      if (!problem) continue;
      if (++bad <= SHOWN) {
        const k = decodeLabelKey(run.keys[i]!);
        problems.push(`${k.image}/${k.label} field '${problem.field}': ${problem.why}`);
      }
    }
  }
  const against =
    snap.schema === null ? 'no schema version (geometry checked)' : `schema ${snap.schema}`;
  if (bad === 0) return { passed: true, output: `${labels} labels valid against ${against}` };
  return {
    passed: false,
    output: [
      `${bad} of ${labels} labels invalid against ${against}:`,
      ...problems,
      ...more(bad),
    ].join('\n'),
  };
}

export async function noPendingReviewsGate(
  repo: Repository,
  snapshotId: ChunkHash,
): Promise<LabelGateOutcome> {
  const snap = await getSnapshot(repo.chunks, snapshotId);
  const pending: string[] = [];
  let count = 0;
  for await (const run of scanLeaves(repo.nodes, treeRoot(snap, 'reviews'))) {
    for (let i = run.from; i < run.to; i++) {
      const review = decodeValue(run.values[i]!);
      const status =
        review !== null && typeof review === 'object' && !Array.isArray(review)
          ? (review as { status?: unknown }).status
          : undefined;
      if (typeof status !== 'string' || !PENDING_STATUSES.has(status)) continue;
      if (++count <= SHOWN) {
        const k = decodeLabelKey(run.keys[i]!);
        pending.push(`${k.image}/${k.label}: ${status}`);
      }
    }
  }
  if (count === 0) return { passed: true, output: 'no pending reviews' };
  return {
    passed: false,
    output: [`${count} reviews pending:`, ...pending, ...more(count)].join('\n'),
  };
}

function more(count: number): string[] {
  return count > SHOWN ? [`... and ${count - SHOWN} more`] : [];
}

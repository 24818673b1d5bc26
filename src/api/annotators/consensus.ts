/**
 * `verso consensus --branch B --strategy majority|weighted|wbf [--min-agreement K]`: the
 * annotators' labelings fused into the branch's labels, one commit (layer: api).
 *
 * Objects are already matched across annotators (at import, `labeling-trees.ts`); each object's
 * labelings are fused by `dataset/consensus-fuse.ts`. `weighted` and `wbf` weigh each annotator
 * by their agreement with the others (their mean pairwise F1, `agreement.ts`; a first pass), at
 * least `MIN_WEIGHT`. An object whose winning class has fewer than K supporters is not written
 * and is listed in the result (`below`) for review. The consensus label is keyed (image, object)
 * and carries `consensus: {annotators, of, strategy}`: the annotations it came from. Every image
 * with objects gets exactly its consensus labels (per-image replacement, `image-replace.ts`); a
 * label that consensus gives again unchanged keeps its review (consensus run again after a new
 * annotator does not drop the reviews of labels it did not change), a new or changed one has
 * none. Other images keep theirs. The commit's operations give the strategy, K and the counts.
 */
import type { JsonValue } from '../../core/canonical.js';
import { InvalidArgumentError } from '../../core/errors.js';
import { hashToHex } from '../../core/hash.js';
import { TIME_MEMBER, encodeReference } from '../../dataset/annotation-record.js';
import type { ChangeCounts } from '../../dataset/change-counts.js';
import {
  CONSENSUS_STRATEGIES,
  fuseObject,
  type ConsensusStrategy,
} from '../../dataset/consensus-fuse.js';
import { encodeImageKey, encodeLabelKey } from '../../dataset/label-key.js';
import { bytesEqual } from '../../tree/bytes.js';
import { scanLeaves } from '../../tree/read.js';
import { treeRoot, type Snapshot } from '../../vcs/snapshot.js';
import { ReviewCursor } from '../read/label-review-scan.js';
import { replaceImages } from '../ingest/image-replace.js';
import { changeCounts, type SortedRecord } from '../ingest/sorted-label-build.js';
import type { Repository } from '../repository/repository.js';
import type { CommitResult } from '../write/commit-to-branch.js';
import { writeToBranch } from '../write/write-to-branch.js';
import { accumulate } from './agreement.js';
import { labelingsOf, scanObjectLabelings } from './object-scan.js';

/** The least weight of an annotator, so one who agrees with nobody still counts a little. */
export const MIN_WEIGHT = 0.05;

export interface ConsensusOptions {
  readonly branch: string;
  readonly strategy: ConsensusStrategy;
  readonly minAgreement?: number;
  readonly message?: string;
}

export interface BelowAgreement {
  readonly image: string;
  readonly object: string;
  readonly supporters: readonly string[];
  readonly of: number;
}

export interface ConsensusResult extends CommitResult {
  readonly strategy: ConsensusStrategy;
  readonly min_agreement: number;
  readonly objects: number;
  readonly written: number;
  readonly below: readonly BelowAgreement[];
  readonly weights: { readonly [annotator: string]: number };
  readonly labels: ChangeCounts;
}

export async function consensus(
  repo: Repository,
  opts: ConsensusOptions,
): Promise<ConsensusResult> {
  if (!CONSENSUS_STRATEGIES.includes(opts.strategy))
    throw new InvalidArgumentError(
      'strategy',
      opts.strategy,
      `expected one of ${CONSENSUS_STRATEGIES.join(', ')}`,
    );
  const k = opts.minAgreement ?? 1;
  if (!Number.isSafeInteger(k) || k < 1)
    throw new InvalidArgumentError('min agreement', k, 'expected a whole number >= 1');
  return writeToBranch(repo, opts.branch, async (base) => {
    const s = base.snapshot;
    const weights =
      opts.strategy === 'majority' ? new Map<string, number>() : await annotatorWeights(repo, s);
    const fused = await fuseAll(repo, s, opts.strategy, weights, k);
    await keepUnchangedReviews(repo, s, fused.records);
    const roots = await replaceImages(repo, {
      labels: treeRoot(s, 'labels'),
      reviews: treeRoot(s, 'reviews'),
      incoming: each(fused.records),
      incomingCount: fused.records.length,
      covered: each(fused.images),
      coveredCount: fused.images.length,
    });
    const labels = await changeCounts(repo, treeRoot(s, 'labels'), roots.labels);
    const report = {
      strategy: opts.strategy,
      min_agreement: k,
      objects: fused.objects,
      written: fused.written,
      below: fused.below,
      weights: Object.fromEntries(weights),
      labels,
    };
    return {
      snapshot: {
        ...s,
        trees: { ...s.trees, labels: hashToHex(roots.labels), reviews: hashToHex(roots.reviews) },
      },
      message: opts.message ?? `Consensus (${opts.strategy}, at least ${k} agreeing)`,
      operations: {
        op: 'consensus',
        strategy: opts.strategy,
        min_agreement: k,
        objects: fused.objects,
        written: fused.written,
        below: fused.below.length,
        ...(weights.size > 0 ? { weights: Object.fromEntries(weights) as JsonValue } : {}),
        labels: { ...labels },
      },
      report,
    };
  });
}

async function annotatorWeights(repo: Repository, s: Snapshot): Promise<Map<string, number>> {
  const acc = await accumulate(repo, s);
  const weights = new Map<string, number>();
  for (const g of acc.byAnnotator(acc.report()))
    weights.set(g.key, Math.max(MIN_WEIGHT, g.f1 ?? 1));
  return weights;
}

/** The fused labels in key order, the images with objects, and the objects below K. */
async function fuseAll(
  repo: Repository,
  s: Snapshot,
  strategy: ConsensusStrategy,
  weights: ReadonlyMap<string, number>,
  k: number,
) {
  const records: SortedRecord[] = [];
  const images: Uint8Array[] = [];
  const below: BelowAgreement[] = [];
  let objects = 0;
  let last: string | undefined;
  for await (const batch of scanObjectLabelings(repo, s))
    for (const o of batch) {
      objects++;
      if (o.image !== last) images.push(encodeImageKey((last = o.image)));
      const f = fuseObject(labelingsOf(o), strategy, weights);
      if (!f) continue;
      if (f.supporters.length < k) {
        below.push({ image: o.image, object: o.object, supporters: f.supporters, of: f.of });
        continue;
      }
      const { [TIME_MEMBER]: _t, ...content } = f.content;
      const label = {
        ...content,
        consensus: { annotators: [...f.supporters], of: f.of, strategy },
      };
      records.push({
        tag: records.length,
        key: encodeLabelKey(o.image, o.object),
        label: encodeReference(label),
        review: null,
      });
    }
  return { records, images, below, objects, written: records.length };
}

/** Gives each record whose label is stored unchanged at its key that label's review. */
async function keepUnchangedReviews(
  repo: Repository,
  s: Snapshot,
  records: SortedRecord[],
): Promise<void> {
  const labels = new ReviewCursor(scanLeaves(repo.nodes, treeRoot(s, 'labels')));
  const reviews = new ReviewCursor(scanLeaves(repo.nodes, treeRoot(s, 'reviews')));
  for (let i = 0; i < records.length; i++) {
    const r = records[i]!;
    const stored = await labels.valueAt(r.key);
    if (!stored || !bytesEqual(stored, r.label)) continue;
    const review = await reviews.valueAt(r.key);
    if (review) records[i] = { ...r, review };
  }
}

async function* each<T>(items: readonly T[]): AsyncGenerator<T> {
  yield* items;
}

/**
 * Where a model confidently disagrees with a label (layer: api, issue 17): `verso predict
 * disagreements --dataset REF --predictions SET [--min-score S]` lists the approved labels whose
 * matched prediction (`dataset/prediction-match.ts`: class-agnostic box IoU >= 0.5, greedy)
 * names another class with a top score >= S (default 0.5): the likely label errors, as in
 * confident learning, with who drew and who approved each. Most confident first, ties in key
 * order. `select --strategy disagreement` ranks images by the same value over all labels
 * (`disagreementsIn`).
 *
 * One forward pass: the labels (through a label filter, `review.status = approved` for the
 * listing) and the prediction set's tree walked together by image (`query/prediction-join.ts`);
 * only the disagreements are kept.
 */
import type { PredictionSetRecord } from '../../catalog/catalog.js';
import { decodeValue, type JsonValue } from '../../core/canonical.js';
import { selectMembers } from '../../core/canonical-members.js';
import { InvalidArgumentError } from '../../core/errors.js';
import type { ChunkHash } from '../../core/hash.js';
import { decodeLabelKey } from '../../dataset/label-key.js';
import type { Snapshot } from '../../vcs/snapshot.js';
import { scanLabelBatches, type LabelEntry } from '../read/label-review-scan.js';
import { PredictionJoin } from '../query/prediction-join.js';
import { compileLabelFilter } from '../query/query-filter.js';
import { resolvePredictionSet } from '../repository/lineage-refs.js';
import type { Repository } from '../repository/repository.js';
import { snapshotAtRef } from '../repository/snapshot-at.js';

type Obj = { readonly [k: string]: JsonValue };

const CATEGORY = ['category'] as const;

export interface Disagreement {
  readonly image: string;
  readonly label: string;
  /** The label's class. */
  readonly class: string;
  readonly prediction: string;
  readonly predictedClass: string;
  /** The prediction's top score. */
  readonly score: number;
  readonly iou: number;
  readonly annotator: JsonValue;
  readonly annotatedAt: JsonValue;
  readonly reviewer: JsonValue;
  readonly reviewedAt: JsonValue;
}

export interface DisagreementsOptions {
  readonly dataset: string;
  /** A prediction set id, or a model (its newest set). */
  readonly predictions: string;
  /** Smallest top score that counts as confident (default 0.5). */
  readonly minScore?: number | undefined;
}

export interface DisagreementsResult {
  readonly commit: ChunkHash;
  readonly set: PredictionSetRecord;
  readonly minScore: number;
  readonly disagreements: readonly Disagreement[];
}

export const DEFAULT_MIN_SCORE = 0.5;

export async function listDisagreements(
  repo: Repository,
  opts: DisagreementsOptions,
): Promise<DisagreementsResult> {
  const minScore = opts.minScore ?? DEFAULT_MIN_SCORE;
  checkProbability('min score', minScore);
  const { commit, snap } = await snapshotAtRef(repo, opts.dataset);
  const set = await resolvePredictionSet(repo, opts.predictions);
  const found: Disagreement[] = [];
  for await (const d of disagreementsIn(repo, snap, set, 'review.status = approved'))
    if (d.score >= minScore) found.push(d);
  found.sort((a, b) => b.score - a.score); // stable: ties stay in key order
  return { commit, set, minScore, disagreements: found };
}

/** Throws unless `value` is a probability in [0, 1]. */
export function checkProbability(what: string, value: number): void {
  if (!(Number.isFinite(value) && value >= 0 && value <= 1))
    throw new InvalidArgumentError(what, String(value), 'expected a number in [0, 1]', {
      option: what.replaceAll(' ', '-'),
    });
}

/** Every label (matching `where`, if given) whose matched prediction in `set` names another class, in key order. */
export async function* disagreementsIn(
  repo: Repository,
  snap: Snapshot,
  set: PredictionSetRecord,
  where: string | undefined,
): AsyncGenerator<Disagreement> {
  const labels: AsyncIterable<LabelEntry[]> =
    where === undefined
      ? scanLabelBatches(repo, snap)
      : (await compileLabelFilter(repo, snap, where)).batches();
  const join = new PredictionJoin(repo, snap, new Map([[set.id, set]]), 'scan');
  let image: string | undefined;
  for await (const batch of labels) {
    for (const e of batch) {
      const key = decodeLabelKey(e.key);
      if (key.image !== image) await join.loadImage((image = key.image));
      const matched = join.lookupFor(e.key)(set.id);
      const p = matched?.prediction;
      if (!p) continue;
      const [category] = selectMembers(e.label, CATEGORY);
      if (p.content['category'] === category) continue;
      const content = decodeValue(e.label) as Obj;
      const review = (e.review ? decodeValue(e.review) : {}) as Obj;
      yield {
        image: key.image,
        label: key.label,
        class: String(content['category']),
        prediction: p.id,
        predictedClass: String(p.content['category']),
        score: typeof p.content['score'] === 'number' ? p.content['score'] : 0,
        iou: matched.iou,
        annotator: content['annotator'] ?? null,
        annotatedAt: content['annotated_at'] ?? null,
        reviewer: review['reviewer'] ?? null,
        reviewedAt: review['reviewed_at'] ?? null,
      };
    }
  }
}

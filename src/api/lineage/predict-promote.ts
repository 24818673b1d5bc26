/**
 * `verso predict promote SET --branch B [--where EXPR]` (layer: api, issue 17): model-assisted
 * labeling. The predictions of a set that match EXPR (a prediction filter,
 * `prediction-predicate.ts`: `score >= 0.8`, `class = car`) become draft labels on branch B in
 * one commit: label `pred-<prediction id>` in the prediction's image, its content the
 * prediction's (class, geometry, attributes) without the scores (nor an `op`, `image`, `label`
 * or `review` member a prediction may carry), `annotator` `model:NAME@VERSION`
 * and `proposed_by` {model, model_name, prediction_set, prediction, score} (the lineage link
 * `blame` and `lineage up` read), and review status `pending`.
 *
 * Never overwrites: a prediction whose label id already exists on B (promoted before, then maybe
 * reviewed) is skipped, so promoting again changes nothing; predictions of images B does not have
 * are skipped too, and both are counted. The commit is made on the head read (`expectedHead`),
 * through the ordinary write checks (schema, geometry): a refused input writes nothing. Given
 * `expectedHead` (what the caller last read of B), a branch elsewhere is refused with
 * `RefUpdateRaceError` before anything is read.
 */
import type { ModelRecord, PredictionSetRecord } from '../../catalog/catalog.js';
import { decodeValue, type JsonValue } from '../../core/canonical.js';
import type { ChunkHash } from '../../core/hash.js';
import { hexToHash } from '../../core/hash.js';
import { encodeLabelKey } from '../../dataset/label-key.js';
import { parseFilter } from '../../query/parser.js';
import { RecordView } from '../../query/record-view.js';
import { getValue, scanLeaves } from '../../tree/read.js';
import { RefUpdateRaceError } from '../../catalog/catalog-errors.js';
import { resolveRef } from '../../vcs/resolve-ref.js';
import { treeRoot } from '../../vcs/snapshot.js';
import { findModel, resolvePredictionSet } from '../repository/lineage-refs.js';
import type { Repository } from '../repository/repository.js';
import { applyEdits } from '../write/apply-edits.js';
import { datasetCheck } from './prediction-dataset-check.js';
import { predictionPredicate } from './prediction-predicate.js';
import { predictionKeyOf } from './prediction-set-tree.js';

export interface PromoteOptions {
  /** A prediction set id, or a model (its newest set). */
  readonly set: string;
  readonly branch: string;
  readonly where?: string | undefined;
  readonly message?: string | undefined;
  /** Promote only if the branch is at this commit (id, prefix or ref expression). */
  readonly expectedHead?: string | undefined;
}

export interface PromoteResult {
  readonly set: PredictionSetRecord;
  readonly model: ModelRecord;
  readonly branch: string;
  /** The new commit, or the unchanged head when nothing was promoted. */
  readonly commit: ChunkHash;
  readonly committed: boolean;
  readonly promoted: number;
  /** Predictions whose label id exists on the branch already. */
  readonly skippedExisting: number;
  /** Predictions of images the branch does not have. */
  readonly skippedUnknownImages: number;
}

/** The label id a promoted prediction gets. */
export const promotedLabelId = (prediction: string): string => `pred-${prediction}`;

/**
 * Members of a prediction not carried into its label: its scores, and those naming the edit
 * line itself (a prediction may keep a `label` member, e.g. a class index, beside its id: on
 * the line it would replace the label id, renaming the label or overwriting another).
 */
const DROPPED_MEMBERS = new Set(['score', 'scores', 'op', 'image', 'label', 'review']);

export async function promotePredictions(
  repo: Repository,
  opts: PromoteOptions,
): Promise<PromoteResult> {
  const set = await resolvePredictionSet(repo, opts.set);
  const model = await findModel(repo, set.model);
  const match =
    opts.where === undefined ? undefined : predictionPredicate(parseFilter(opts.where), opts.where);
  const dataset = await datasetCheck(repo, opts.branch);
  if (opts.expectedHead !== undefined) {
    const expected = await resolveRef(repo.catalog, repo.chunks, opts.expectedHead);
    if (expected !== dataset.commit)
      throw new RefUpdateRaceError(opts.branch, expected, dataset.commit);
  }
  const labels = treeRoot(dataset.snap, 'labels');
  const modelName = `${model.name}@${model.version}`;
  const ops: string[] = [];
  let [skippedExisting, skippedUnknownImages] = [0, 0];
  const view = new RecordView();
  for await (const leaf of scanLeaves(repo.nodes, hexToHash(set.root))) {
    for (let i = leaf.from; i < leaf.to; i++) {
      const { image, prediction } = predictionKeyOf(leaf.keys[i]!);
      if (!(await dataset.known(image))) {
        skippedUnknownImages++;
        continue;
      }
      const asset = await dataset.assetBytes(image);
      if (match && !match(view.reset(leaf.keys[i]!, leaf.values[i]!, undefined, asset))) continue;
      const label = promotedLabelId(prediction);
      if (await getValue(repo.nodes, labels, encodeLabelKey(image, label))) {
        skippedExisting++;
        continue;
      }
      const content = decodeValue(leaf.values[i]!) as { readonly [k: string]: JsonValue };
      const kept = Object.fromEntries(
        Object.entries(content).filter(([k]) => !DROPPED_MEMBERS.has(k)),
      );
      ops.push(
        JSON.stringify({
          op: 'put',
          image,
          label,
          ...kept,
          annotator: `model:${modelName}`,
          proposed_by: {
            model: model.id,
            model_name: modelName,
            prediction_set: set.id,
            prediction,
            score: content['score'] ?? null,
          },
          review: { status: 'pending' },
        }),
      );
    }
  }
  const base = {
    set,
    model,
    branch: opts.branch,
    promoted: ops.length,
    skippedExisting,
    skippedUnknownImages,
  };
  if (ops.length === 0) return { ...base, commit: dataset.commit, committed: false };
  const r = await applyEdits(repo, {
    lines: ops,
    source: `prediction set ${set.id}`,
    branch: opts.branch,
    expectedHead: dataset.commit,
    message:
      opts.message ??
      `promote ${ops.length} predictions of model ${modelName} (prediction set ${set.id})${opts.where !== undefined ? ` where ${opts.where}` : ''} as pending labels`,
  });
  return { ...base, commit: r.commit, committed: r.committed };
}

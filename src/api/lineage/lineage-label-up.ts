/**
 * `lineage up IMAGE/LABEL [--at REF]` (layer: api): a label's way up. A label a model proposed
 * (`predict promote`) names its prediction set and model in `proposed_by`; from there the walk
 * continues as from a model (model -> run -> commit -> examples). Read by one point lookup in
 * the labels tree at REF (default `main`). Tried only after an id is neither a prediction, a
 * model, a run nor a ref (a branch may be called `a/b`).
 */
import type { PredictionSetRecord } from '../../catalog/catalog.js';
import { LineageRecordNotFoundError } from '../../catalog/catalog-errors.js';
import { decodeValue, type JsonValue } from '../../core/canonical.js';
import { encodeLabelKey } from '../../dataset/label-key.js';
import { splitExampleKey } from '../../influence/vector-file.js';
import { getValue } from '../../tree/read.js';
import { RefNotFoundError } from '../../vcs/ref-errors.js';
import { resolveRef } from '../../vcs/resolve-ref.js';
import { treeRoot } from '../../vcs/snapshot.js';
import type { Repository } from '../repository/repository.js';
import { snapshotAtRef } from '../repository/snapshot-at.js';

export interface LabelUp {
  readonly image: string;
  readonly label: string;
  readonly ref: string;
  /** The label's `proposed_by` (null: no model proposed it). */
  readonly proposed_by: JsonValue;
}

export interface LabelProposal {
  readonly label: LabelUp;
  readonly predictionSet?: PredictionSetRecord;
  /** The proposing model's id. */
  readonly model?: string;
}

/** The label `id` names at `at`, or undefined when `id` is a ref or no IMAGE/LABEL. */
export async function labelProposal(
  repo: Repository,
  id: string,
  at = 'main',
): Promise<LabelProposal | undefined> {
  const key = splitExampleKey(id);
  if (!key) return undefined;
  try {
    await resolveRef(repo.catalog, repo.chunks, id);
    return undefined;
  } catch (e) {
    if (!(e instanceof RefNotFoundError)) throw e;
  }
  const { snap } = await snapshotAtRef(repo, at);
  const bytes = await getValue(
    repo.nodes,
    treeRoot(snap, 'labels'),
    encodeLabelKey(key.image, key.label),
  );
  if (!bytes) throw new LineageRecordNotFoundError('label', `${id} at ${at}`);
  const content = decodeValue(bytes) as { readonly [k: string]: JsonValue };
  const proposed = content['proposed_by'] ?? null;
  const label = { ...key, ref: at, proposed_by: proposed };
  if (proposed === null || typeof proposed !== 'object' || Array.isArray(proposed))
    return { label };
  const setId = proposed['prediction_set'];
  const set =
    typeof setId === 'string' ? await repo.catalog.lineage.getPredictionSet(setId) : undefined;
  const model = typeof proposed['model'] === 'string' ? proposed['model'] : set?.model;
  return { label, ...(set ? { predictionSet: set } : {}), ...(model ? { model } : {}) };
}

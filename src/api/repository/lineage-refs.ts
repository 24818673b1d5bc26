/**
 * Naming lineage records (layer: api, infrastructure): a model by id or `NAME@VERSION`, a
 * prediction set by id or by its model (the model's newest set). Here rather than in `lineage/`
 * because the filter language's `pred(M)` terms (`query/`) resolve M too, and features other
 * than lineage may not import it.
 */
import type { ModelRecord, PredictionSetRecord } from '../../catalog/catalog.js';
import { LineageRecordNotFoundError } from '../../catalog/catalog-errors.js';
import type { Repository } from './repository.js';

/** A model id, or `NAME@VERSION`. */
export async function findModel(repo: Repository, ref: string): Promise<ModelRecord> {
  const at = ref.lastIndexOf('@');
  const found =
    (await repo.catalog.lineage.getModel(ref)) ??
    (at > 0
      ? await repo.catalog.lineage.findModel(ref.slice(0, at), ref.slice(at + 1))
      : undefined);
  if (!found) throw new LineageRecordNotFoundError('model', ref);
  return found;
}

/** A set id, or a model (id or NAME@VERSION): its newest set. */
export async function resolvePredictionSet(
  repo: Repository,
  ref: string,
): Promise<PredictionSetRecord> {
  const byId = await repo.catalog.lineage.getPredictionSet(ref);
  if (byId) return byId;
  let model: ModelRecord;
  try {
    model = await findModel(repo, ref);
  } catch {
    throw new LineageRecordNotFoundError('prediction set', ref);
  }
  const sets = await repo.catalog.lineage.predictionSetsByModel(model.id);
  const newest = sets[sets.length - 1];
  if (!newest) throw new LineageRecordNotFoundError('prediction set', `of model ${ref}`);
  return newest;
}

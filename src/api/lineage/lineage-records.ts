/**
 * Finding lineage records by what a user types (layer: api): a prediction by its id or its
 * serving system's id, a model by id or `NAME@VERSION`, a run by id. Point lookups only.
 */
import { LineageRecordNotFoundError } from '../../catalog/catalog-errors.js';
import type { ModelRecord, PredictionRecord, RunRecord } from '../../catalog/catalog.js';
import type { Repository } from '../repository/repository.js';

export async function findPrediction(
  repo: Repository,
  id: string,
): Promise<PredictionRecord | undefined> {
  return (
    (await repo.catalog.lineage.getPrediction(id)) ??
    (await repo.catalog.lineage.findPredictionByExternalId(id))
  );
}

export async function requirePrediction(repo: Repository, id: string): Promise<PredictionRecord> {
  const p = await findPrediction(repo, id);
  if (!p) throw new LineageRecordNotFoundError('prediction', id);
  return p;
}

export async function requireModelById(repo: Repository, id: string): Promise<ModelRecord> {
  const m = await repo.catalog.lineage.getModel(id);
  if (!m) throw new LineageRecordNotFoundError('model', id);
  return m;
}

export async function requireRun(repo: Repository, id: string): Promise<RunRecord> {
  const r = await repo.catalog.lineage.getRun(id);
  if (!r) throw new LineageRecordNotFoundError('run', id);
  return r;
}

/**
 * `verso run list`, `verso model list [--run R]`, `verso predict list [--model M]` (layer: api):
 * the lineage records as lists. Runs and models are few (one per training job) and come whole;
 * predictions can be millions, so they are streamed a page at a time by id (keyset pages over
 * the primary key, or the predictions-by-model index), never held all at once.
 */
import type { ModelRecord, RunRecord } from '../../catalog/catalog.js';
import { withoutVector, type PredictionSummary } from './lineage.js';
import { requireRun } from './lineage-records.js';
import { findModel } from './model-register.js';
import type { Repository } from '../repository/repository.js';

/** Predictions read per catalog query. */
const PREDICTION_PAGE = 1000;

/** Every run, oldest first. */
export async function listRuns(repo: Repository): Promise<RunRecord[]> {
  return repo.catalog.lineage.listRuns();
}

/** Every model (of run `run` when given), oldest first. */
export async function listModels(repo: Repository, run?: string): Promise<ModelRecord[]> {
  if (run === undefined) return repo.catalog.lineage.listModels();
  await requireRun(repo, run);
  return repo.catalog.lineage.modelsByRun(run);
}

/**
 * Every prediction (of model `model`, an id or `NAME@VERSION`, when given), by id. The model is
 * looked up before the first prediction is yielded, so an unknown one fails before any output.
 */
export async function listPredictions(
  repo: Repository,
  model?: string,
): Promise<AsyncGenerator<PredictionSummary>> {
  const modelId = model === undefined ? undefined : (await findModel(repo, model)).id;
  return (async function* () {
    let after: string | undefined;
    for (;;) {
      const page = await repo.catalog.lineage.listPredictions({
        model: modelId,
        after,
        limit: PREDICTION_PAGE,
      });
      for (const p of page) yield withoutVector(p);
      if (page.length < PREDICTION_PAGE) return;
      after = page[page.length - 1]!.id;
    }
  })();
}

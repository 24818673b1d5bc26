/**
 * Reading prediction sets (layer: api): `predict sets [--model M]` lists them, `predict show
 * SET` summarises one (its record, model, and per class: predictions and mean top score, read
 * from its tree), and `resolvePredictionSet` turns a `SET_ID` or a model's `NAME@VERSION` (its
 * newest set) into a record. `predictionSetJson` is a record as the CLI's `--json` and the
 * server answer it.
 */
import type { ModelRecord, PredictionSetRecord } from '../../catalog/catalog.js';
import { decodeValue } from '../../core/canonical.js';
import { hexToHash } from '../../core/hash.js';
import { scanLeaves } from '../../tree/read.js';
import type { Repository } from '../repository/repository.js';
import { findModel, resolvePredictionSet } from '../repository/lineage-refs.js';

/** A prediction set record in the wire's snake_case (CLI `--json`, server answers). */
export function predictionSetJson(s: PredictionSetRecord) {
  return {
    id: s.id,
    model: s.model,
    root: s.root,
    prediction_count: s.predictionCount,
    image_count: s.imageCount,
    format: s.format,
    dataset: s.dataset,
    created_at: s.createdAt,
  };
}

export async function listPredictionSets(
  repo: Repository,
  model?: string,
): Promise<PredictionSetRecord[]> {
  if (model === undefined) return repo.catalog.lineage.listPredictionSets();
  return repo.catalog.lineage.predictionSetsByModel((await findModel(repo, model)).id);
}

export { resolvePredictionSet } from '../repository/lineage-refs.js';

export interface ClassSummary {
  readonly category: string;
  readonly predictions: number;
  readonly meanScore: number;
}

export interface PredictionSetSummary {
  readonly set: PredictionSetRecord;
  readonly model: ModelRecord;
  readonly classes: readonly ClassSummary[];
}

export async function showPredictionSet(
  repo: Repository,
  ref: string,
): Promise<PredictionSetSummary> {
  const set = await resolvePredictionSet(repo, ref);
  const model = await findModel(repo, set.model);
  const byClass = new Map<string, { n: number; sum: number }>();
  for await (const leaf of scanLeaves(repo.nodes, hexToHash(set.root))) {
    for (let i = leaf.from; i < leaf.to; i++) {
      const c = decodeValue(leaf.values[i]!) as { category?: unknown; score?: unknown };
      const name = String(c.category);
      const agg = byClass.get(name) ?? { n: 0, sum: 0 };
      agg.n++;
      agg.sum += typeof c.score === 'number' ? c.score : 0;
      byClass.set(name, agg);
    }
  }
  const classes = [...byClass.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([category, a]) => ({ category, predictions: a.n, meanScore: a.sum / a.n }));
  return { set, model, classes };
}

/**
 * The active-learning loop in lineage (layer: api, issue 17): a model's prediction sets, the
 * slices `verso select` chose from them and the runs that trained on those slices (down), and
 * from a run back to the slice it trained on and the set and model whose predictions chose it
 * (up). Index reads only: sets by model, slices by prediction set, runs by slice.
 *
 * Down stops at the later runs (with their models' ids), so a loop that goes round many times
 * is walked one turn per call: `lineage down` of the later model goes on from there.
 */
import type {
  ModelRecord,
  PredictionSetRecord,
  RunRecord,
  SliceRecord,
} from '../../catalog/catalog.js';
import type { Repository } from '../repository/repository.js';

/** A run that trained on a slice, with the models it produced (ids and names). */
export interface LaterRun extends RunRecord {
  readonly models: readonly Pick<ModelRecord, 'id' | 'name' | 'version'>[];
}

export interface SliceDown extends SliceRecord {
  readonly runs: readonly LaterRun[];
}

export interface PredictionSetDown extends PredictionSetRecord {
  readonly slices: readonly SliceDown[];
}

/** How a run's data was chosen: the slice it trained on, and the selection behind it. */
export interface SliceUp {
  readonly slice: SliceRecord;
  /** For a slice `verso select` chose: the prediction set it ranked and that set's model. */
  readonly selectedBy?: {
    readonly predictionSet: PredictionSetRecord;
    readonly model: ModelRecord;
    readonly strategy: string;
  };
}

/** A model's prediction sets, each with the slices chosen from it and the runs on those. */
export async function modelSetsDown(
  repo: Repository,
  model: ModelRecord,
): Promise<PredictionSetDown[]> {
  const sets = await repo.catalog.lineage.predictionSetsByModel(model.id);
  return Promise.all(sets.map((s) => predictionSetDown(repo, s)));
}

export async function predictionSetDown(
  repo: Repository,
  set: PredictionSetRecord,
): Promise<PredictionSetDown> {
  const slices = await repo.catalog.lineage.slicesByPredictionSet(set.id);
  return { ...set, slices: await Promise.all(slices.map((s) => sliceDown(repo, s))) };
}

export async function sliceDown(repo: Repository, slice: SliceRecord): Promise<SliceDown> {
  const runs = await repo.catalog.lineage.runsBySlice(slice.id);
  const later = runs.map(async (r): Promise<LaterRun> => {
    const models = await repo.catalog.lineage.modelsByRun(r.id);
    return { ...r, models: models.map(({ id, name, version }) => ({ id, name, version })) };
  });
  return { ...slice, runs: await Promise.all(later) };
}

/** The slice `run` trained on and, for a selection, the set and model that chose it. */
export async function runSliceUp(repo: Repository, run: RunRecord): Promise<SliceUp | undefined> {
  if (run.slice === null) return undefined;
  const slice = await repo.catalog.lineage.getSlice(run.slice);
  if (!slice) return undefined;
  if (slice.selection === null) return { slice };
  const set = await repo.catalog.lineage.getPredictionSet(slice.selection.predictionSet);
  const model = set && (await repo.catalog.lineage.getModel(set.model));
  if (!set || !model) return { slice };
  const strategy = slice.selection.strategy;
  return { slice, selectedBy: { predictionSet: set, model, strategy } };
}

/**
 * `verso predict import --model NAME@VERSION [--dataset REF] FILE` (layer: api): stores what a
 * registered model predicted as a prediction set (`PredictionSetRecord`, issue 17): its own
 * Prolly tree (`prediction-set-tree.ts`) and a catalog record naming the model and the root.
 * The set id is `pset-<16 hex>` of (model id, root), so importing the same predictions for the
 * same model again returns the stored set (`created: false`). With `--dataset REF` every image
 * must exist at REF and every class be in its category list. Every input is read and checked
 * before the first chunk is written: a refused input (a malformed line, a score outside
 * [0, 1], an unknown image or class, an unregistered model) writes nothing. The labels trees
 * are never read for writing nor touched.
 */
import type { PredictionSetRecord } from '../../catalog/catalog.js';
import { InvalidArgumentError } from '../../core/errors.js';
import { lineageId } from '../../influence/lineage-id.js';
import { timeOf } from '../repository/identity.js';
import { withLease } from '../repository/lease.js';
import type { Repository } from '../repository/repository.js';
import { findModel } from './model-register.js';
import { datasetCheck } from './prediction-dataset-check.js';
import { PackedPredictions } from './packed-predictions.js';
import { buildPredictionTree } from './prediction-set-tree.js';
import { readPredictionBatches, type PredictionSource } from './prediction-sources.js';

export interface PredictImportOptions extends PredictionSource {
  /** A model id or NAME@VERSION of a registered model. */
  readonly model: string;
  /** Check images and classes against this ref (and take YOLO image sizes from it). */
  readonly dataset?: string | undefined;
}

export interface PredictImportResult {
  readonly set: PredictionSetRecord;
  /** False when the same model already had exactly this set. */
  readonly created: boolean;
}

export async function importPredictions(
  repo: Repository,
  opts: PredictImportOptions,
): Promise<PredictImportResult> {
  const model = await findModel(repo, opts.model);
  if (opts.format === 'yolo' && opts.dataset === undefined)
    throw new InvalidArgumentError(
      'dataset',
      '',
      'YOLO predictions need a dataset to check against: their boxes are relative to the image sizes of its asset records',
      { option: 'dataset' },
    );
  const dataset = opts.dataset === undefined ? undefined : await datasetCheck(repo, opts.dataset);
  const packed = new PackedPredictions();
  for await (const batch of readPredictionBatches(opts, async (image) => dataset?.size(image)))
    for (const s of batch) {
      const checking = dataset?.check(s);
      if (checking) await checking;
      packed.add(s);
    }
  const order = packed.sortedOrder();
  return withLease(repo, 'writer', async () => {
    const tree = await buildPredictionTree(repo, packed, order);
    const id = lineageId('pset', [model.id, tree.root]);
    const stored = await repo.catalog.lineage.getPredictionSet(id);
    if (stored) return { set: stored, created: false };
    const set: PredictionSetRecord = {
      id,
      model: model.id,
      ...tree,
      format: opts.format,
      dataset: dataset?.commit ?? null,
      createdAt: timeOf(repo),
    };
    await repo.catalog.lineage.insertPredictionSet(set);
    return { set, created: true };
  });
}

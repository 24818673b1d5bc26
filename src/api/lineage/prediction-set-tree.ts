/**
 * A prediction set's Prolly tree (layer: api): (image, prediction) -> the prediction's content
 * (`dataset/prediction-line.ts`), in its own tree beside the dataset's, never in the labels
 * tree. The predictions are packed and sorted by key before the build (`packed-predictions.ts`),
 * so the root depends only on the set of predictions, never on the order they were read in
 * (identical predictions, identical root; two model versions' sets share every unchanged
 * subtree, as any two Prolly trees do). A key given twice with the same content counts once
 * (COCO and YOLO ids are content hashes); with different content it is an error naming both
 * lines. Checking ends before the first chunk is written, so a refused input writes nothing.
 */
import { hashToHex, type ChunkHash } from '../../core/hash.js';
import { decodeLabelKey } from '../../dataset/label-key.js';
import { TreeBuilder } from '../../tree/builder.js';
import type { Repository } from '../repository/repository.js';
import type { PackedPredictions } from './packed-predictions.js';
import { RankingBuilder, type PredictionRankings } from './prediction-rankings.js';

export interface BuiltPredictionTree {
  readonly root: ChunkHash;
  readonly predictionCount: number;
  readonly imageCount: number;
  /** The set's ranking trees (`prediction-rankings.ts`), built in the same pass. */
  readonly rankings: PredictionRankings;
}

/**
 * Builds (and makes durable) the tree of the predictions in `order` (`sortedOrder`: key order,
 * distinct), and its ranking trees.
 */
export async function buildPredictionTree(
  repo: Repository,
  packed: PackedPredictions,
  order: readonly number[],
): Promise<BuiltPredictionTree> {
  const builder = new TreeBuilder(repo.nodes);
  const ranking = new RankingBuilder();
  let images = 0;
  let lastImage: string | undefined;
  for (let n = 0; n < order.length; n++) {
    const i = order[n]!;
    const image = packed.image(i);
    builder.add(packed.key(i), packed.value(i));
    ranking.add(image, packed.prediction(i), packed.uncertainties(i), packed.category(i));
    if (image !== lastImage) [images, lastImage] = [images + 1, image];
    if (n % 8192 === 8191) await repo.chunks.ready();
  }
  const root = hashToHex(builder.finish());
  const rankings = await ranking.finish(repo);
  return { root, predictionCount: order.length, imageCount: images, rankings };
}

/** The (image, prediction) of a tree key. */
export function predictionKeyOf(key: Uint8Array): { image: string; prediction: string } {
  const k = decodeLabelKey(key);
  return { image: k.image, prediction: k.label };
}

/**
 * A prediction set's Prolly tree (layer: api): (image, prediction) -> the prediction's content
 * (`dataset/prediction-line.ts`), in its own tree beside the dataset's, never in the labels
 * tree. The predictions are sorted by key before the build, so the root depends only on the set
 * of predictions, never on the order they were read in (identical predictions, identical root;
 * two model versions' sets share every unchanged subtree, as any two Prolly trees do). A key
 * given twice with the same content counts once (COCO and YOLO ids are content hashes); with
 * different content it is an error naming both lines. Checking ends before the first chunk is
 * written, so a refused input writes nothing.
 */
import { FormatParseError } from '../../core/errors.js';
import { hashToHex, type ChunkHash } from '../../core/hash.js';
import { decodeLabelKey } from '../../dataset/label-key.js';
import { encodePredictionContent, encodePredictionKey } from '../../dataset/prediction-line.js';
import { TreeBuilder } from '../../tree/builder.js';
import { compareBytes } from '../../tree/bytes.js';
import type { Repository } from '../repository/repository.js';
import type { SourcedPrediction } from './prediction-sources.js';
import { RankingBuilder, type PredictionRankings } from './prediction-rankings.js';

export interface PredictionEntry {
  readonly key: Uint8Array;
  readonly value: Uint8Array;
  readonly from: SourcedPrediction;
}

export function predictionEntry(from: SourcedPrediction): PredictionEntry {
  return { key: encodePredictionKey(from.p), value: encodePredictionContent(from.p), from };
}

/** Sorts by key and drops exact repeats; throws for a key repeated with other content. */
export function sortedPredictions(entries: PredictionEntry[]): PredictionEntry[] {
  entries.sort((a, b) => compareBytes(a.key, b.key));
  const out: PredictionEntry[] = [];
  for (const e of entries) {
    const last = out[out.length - 1];
    if (last && compareBytes(last.key, e.key) === 0) {
      if (compareBytes(last.value, e.value) === 0) continue;
      const [first, again] = [last.from, e.from].sort((a, b) => a.p.line - b.p.line);
      throw new FormatParseError(
        again!.file,
        again!.p.line,
        'prediction',
        `prediction '${e.from.p.prediction}' of image '${e.from.p.image}' is given twice with different content (first at ${first!.file}:${first!.p.line})`,
      );
    }
    out.push(e);
  }
  return out;
}

export interface BuiltPredictionTree {
  readonly root: ChunkHash;
  readonly predictionCount: number;
  readonly imageCount: number;
  /** The set's ranking trees (`prediction-rankings.ts`), built in the same pass. */
  readonly rankings: PredictionRankings;
}

/** Builds (and makes durable) the tree of sorted, distinct entries, and its ranking trees. */
export async function buildPredictionTree(
  repo: Repository,
  sorted: readonly PredictionEntry[],
): Promise<BuiltPredictionTree> {
  const builder = new TreeBuilder(repo.nodes);
  const ranking = new RankingBuilder();
  let images = 0;
  let lastImage: string | undefined;
  for (const [i, e] of sorted.entries()) {
    builder.add(e.key, e.value);
    const p = e.from.p;
    ranking.add(p.image, p.prediction, p.record, p.category);
    if (p.image !== lastImage) [images, lastImage] = [images + 1, p.image];
    if (i % 8192 === 8191) await repo.chunks.ready();
  }
  const root = hashToHex(builder.finish());
  const rankings = await ranking.finish(repo);
  return { root, predictionCount: sorted.length, imageCount: images, rankings };
}

/** The (image, prediction) of a tree key. */
export function predictionKeyOf(key: Uint8Array): { image: string; prediction: string } {
  const k = decodeLabelKey(key);
  return { image: k.image, prediction: k.label };
}

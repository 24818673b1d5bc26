/**
 * Building and reading a prediction set's ranking trees (layer: api, issue 17; key layout in
 * `dataset/prediction-ranking.ts`). They are built with the set, from its predictions in key
 * order, so an image's deciding prediction is chosen exactly as `select`'s scan chooses it (the
 * most uncertain, the first by prediction id among equals), and they are derived from the set's
 * content only: the same predictions give the same roots. The set's catalog record names them
 * (`rankings`); gc keeps them with the set.
 */
import { hashToHex, hexToHash, type ChunkHash } from '../../core/hash.js';
import {
  encodeRankedImage,
  decodeRankedImage,
  RANKED_STRATEGIES,
  rankingKey,
  type RankedImage,
  type RankedStrategy,
} from '../../dataset/prediction-ranking.js';
import { harder } from '../../dataset/prediction-uncertainty.js';
import { TreeBuilder } from '../../tree/builder.js';
import { compareBytes } from '../../tree/bytes.js';
import { scanLeaves } from '../../tree/read.js';
import type { Repository } from '../repository/repository.js';

export type PredictionRankings = Readonly<Record<RankedStrategy, ChunkHash>>;

/** Takes a set's predictions in (image, prediction) order; `finish` writes the trees. */
export class RankingBuilder {
  private readonly done = new Map<RankedStrategy, RankedImage[]>(
    RANKED_STRATEGIES.map((s) => [s, []]),
  );
  private current = new Map<RankedStrategy, RankedImage>();
  private image: string | undefined;

  /** `values`: the prediction's `seedlessUncertainties` (computed where it was parsed). */
  add(
    image: string,
    prediction: string,
    values: readonly [number, number, number],
    category: string,
  ): void {
    if (image !== this.image) this.close(image);
    for (const [i, strategy] of RANKED_STRATEGIES.entries()) {
      const difficulty = values[i]!;
      const best = this.current.get(strategy);
      if (!best || harder(strategy, difficulty, best.difficulty))
        this.current.set(strategy, { image, difficulty, prediction, category });
    }
  }

  async finish(repo: Repository): Promise<PredictionRankings> {
    this.close(undefined);
    const roots: Partial<Record<RankedStrategy, ChunkHash>> = {};
    for (const strategy of RANKED_STRATEGIES) {
      const entries = this.done
        .get(strategy)!
        .map((r) => ({ key: rankingKey(strategy, r), r }))
        .sort((a, b) => compareBytes(a.key, b.key));
      const builder = new TreeBuilder(repo.nodes);
      for (const [i, e] of entries.entries()) {
        builder.add(e.key, encodeRankedImage(e.r));
        if (i % 8192 === 8191) await repo.chunks.ready();
      }
      roots[strategy] = hashToHex(builder.finish());
    }
    await repo.chunks.flush();
    return roots as PredictionRankings;
  }

  private close(next: string | undefined): void {
    for (const [strategy, best] of this.current) this.done.get(strategy)!.push(best);
    this.current = new Map();
    this.image = next;
  }
}

/** The images of a ranking tree in its order: hardest first, ties by image id. */
export async function* rankedImages(
  repo: Repository,
  root: ChunkHash,
): AsyncGenerator<RankedImage> {
  for await (const leaf of scanLeaves(repo.nodes, hexToHash(root)))
    for (let i = leaf.from; i < leaf.to; i++) yield decodeRankedImage(leaf.values[i]!);
}

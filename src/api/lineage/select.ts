/**
 * `verso select --dataset REF --predictions SET --strategy S --top N [--per-class N]
 * [--where EXPR] [--seed S]` (layer: api): the N images the model is least sure about, saved as
 * a slice (issue 17).
 *
 * An image's difficulty is that of its most uncertain prediction (`select-rank.ts`, which reads
 * the set's ranking tree when it can); images are ranked hardest first, ties by image id
 * ascending.
 * `--per-class N` takes at most N images whose deciding prediction has one class, going down
 * the ranking until `top` images are chosen. `--diversity embedding:FILE` chooses them among the
 * hardest 10 x top by farthest-first in embedding space (`select-diversity.ts`).
 *
 * The slice is a Prolly tree: one header entry (commit, prediction set, strategy, parameters),
 * then one entry per chosen image by rank. Its root is the slice id, so the id binds the
 * snapshot, the set, the strategy and the parameters, and selecting again gives the same id
 * (`created: false`) and changes it when any input changes. gc keeps it like any slice.
 */
import type { SliceRecord } from '../../catalog/catalog.js';
import { encodeValue } from '../../core/canonical.js';
import type { SelectStrategy } from '../../dataset/prediction-uncertainty.js';
import { hashToHex, type ChunkHash } from '../../core/hash.js';
import { TreeBuilder } from '../../tree/builder.js';
import { timeOf } from '../repository/identity.js';
import { withLease } from '../repository/lease.js';
import type { Repository } from '../repository/repository.js';
import { datasetCheck } from './prediction-dataset-check.js';
import { chooseImages, type SelectedImage } from './select-rank.js';
import {
  diversify,
  DIVERSITY_POOL_FACTOR,
  readEmbeddings,
  type DiversityVectors,
} from './select-diversity.js';
import { resolvePredictionSet } from './prediction-sets.js';

export interface SelectOptions {
  readonly dataset: string;
  /** A prediction set id, or a model (its newest set). */
  readonly predictions: string;
  readonly strategy: SelectStrategy;
  readonly top: number;
  readonly perClass?: number | undefined;
  readonly where?: string | undefined;
  /** The random strategy's seed (default ""). */
  readonly seed?: string | undefined;
  readonly name?: string | undefined;
  /** `--diversity embedding:FILE`: one embedding per image (`select-diversity.ts`). */
  readonly diversity?: DiversityVectors | undefined;
}

export type { SelectedImage } from './select-rank.js';

export interface SelectResult {
  readonly slice: SliceRecord;
  /** Hardest first. */
  readonly images: readonly SelectedImage[];
  readonly created: boolean;
}

export async function selectImages(repo: Repository, opts: SelectOptions): Promise<SelectResult> {
  const dataset = await datasetCheck(repo, opts.dataset);
  const commit = dataset.commit;
  const set = await resolvePredictionSet(repo, opts.predictions);
  const seed = opts.strategy === 'random' ? (opts.seed ?? '') : null;
  const embeddings = opts.diversity && readEmbeddings(opts.diversity);
  const pool = opts.top * DIVERSITY_POOL_FACTOR;
  // with --per-class N the pool takes at most 10 x N a class, so that other classes are in it
  const poolPerClass = opts.perClass && opts.perClass * DIVERSITY_POOL_FACTOR;
  const images = embeddings
    ? diversify(
        await chooseImages(
          repo,
          set,
          dataset,
          { ...opts, top: pool, perClass: poolPerClass },
          seed ?? '',
        ),
        embeddings,
        opts.diversity!.name,
        opts.top,
        opts.perClass,
      )
    : await chooseImages(repo, set, dataset, opts, seed ?? '');
  const params: Record<string, string | number | null> = {
    top: opts.top,
    per_class: opts.perClass ?? null,
    where: opts.where ?? null,
    ...(seed !== null ? { seed } : {}),
    ...(embeddings
      ? { diversity: 'embedding', diversity_vectors: embeddings.sha256, diversity_pool: pool }
      : {}),
  };
  const selection = { predictionSet: set.id, strategy: opts.strategy, params };
  return withLease(repo, 'writer', async () => {
    const id = await writeSliceTree(repo, commit, selection, images);
    const stored = await repo.catalog.lineage.getSlice(id);
    if (stored) return { slice: stored, images, created: false };
    const slice: SliceRecord = {
      id,
      name: opts.name ?? `select-${opts.strategy}-${opts.top}`,
      commit,
      filter: opts.where ?? null,
      schema: null,
      exampleCount: images.length,
      createdAt: timeOf(repo),
      selection,
    };
    await repo.catalog.lineage.insertSlice(slice);
    return { slice, images, created: true };
  });
}

/** The slice tree: header at key [0], the images at [1, rank (4 bytes, big-endian)]. */
async function writeSliceTree(
  repo: Repository,
  commit: ChunkHash,
  selection: NonNullable<SliceRecord['selection']>,
  images: readonly SelectedImage[],
): Promise<string> {
  const builder = new TreeBuilder(repo.nodes);
  builder.add(
    Uint8Array.of(0),
    encodeValue({
      commit,
      prediction_set: selection.predictionSet,
      strategy: selection.strategy,
      params: selection.params,
    }),
  );
  for (const [rank, img] of images.entries()) {
    const key = new Uint8Array(5);
    key[0] = 1;
    new DataView(key.buffer).setUint32(1, rank);
    builder.add(key, encodeValue({ ...img }));
  }
  const root = hashToHex(builder.finish());
  await repo.chunks.flush();
  return root;
}

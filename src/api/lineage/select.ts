/**
 * `verso select --dataset REF --predictions SET --strategy S --top N [--per-class N]
 * [--where EXPR] [--seed S]` (layer: api): the N images the model is least sure about, saved as
 * a slice (issue 17).
 *
 * An image's difficulty is that of its most uncertain prediction (`dataset/prediction-uncertainty.ts`;
 * between equally uncertain predictions of an image, the first by prediction id); images are
 * ranked hardest first, ties by image id ascending. Only images of the dataset at REF count (an
 * asset record or a label), and
 * with `--where` only predictions matching it (the filter language over the prediction's own
 * fields, `class`, `score`, `kind`, `attributes.X`, and its image's `image.*` fields).
 * `--per-class N` takes at most N images whose deciding prediction has one class, going down
 * the ranking until `top` images are chosen.
 *
 * The slice is a Prolly tree: one header entry (commit, prediction set, strategy, parameters),
 * then one entry per chosen image by rank. Its root is the slice id, so the id binds the
 * snapshot, the set, the strategy and the parameters, and selecting again gives the same id
 * (`created: false`) and changes it when any input changes. gc keeps it like any slice.
 */
import type { SliceRecord } from '../../catalog/catalog.js';
import { encodeValue, type JsonValue } from '../../core/canonical.js';
import { InvalidArgumentError } from '../../core/errors.js';
import { hashToHex, hexToHash, type ChunkHash } from '../../core/hash.js';
import { harder, uncertainty, type SelectStrategy } from '../../dataset/prediction-uncertainty.js';
import { decodeValue } from '../../core/canonical.js';
import { compileFilter, filterNeeds, type Predicate } from '../../query/evaluate.js';
import { parseFilter } from '../../query/parser.js';
import { RecordView } from '../../query/record-view.js';
import { TreeBuilder } from '../../tree/builder.js';
import { scanLeaves } from '../../tree/read.js';
import { timeOf } from '../repository/identity.js';
import { withLease } from '../repository/lease.js';
import type { Repository } from '../repository/repository.js';
import { datasetCheck, type DatasetCheck } from './prediction-dataset-check.js';
import { predictionKeyOf } from './prediction-set-tree.js';
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
}

export interface SelectedImage {
  readonly image: string;
  /** The strategy's value for the image's deciding prediction. */
  readonly difficulty: number;
  readonly prediction: string;
  readonly category: string;
}

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
  const where = opts.where === undefined ? undefined : predictionFilter(opts.where);
  const seed = opts.strategy === 'random' ? (opts.seed ?? '') : null;
  const ranked = await rankImages(repo, set.root, dataset, opts, where, seed ?? '');
  const images = choose(ranked, opts.top, opts.perClass);
  const params: Record<string, string | number | null> = {
    top: opts.top,
    per_class: opts.perClass ?? null,
    where: opts.where ?? null,
    ...(seed !== null ? { seed } : {}),
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

function predictionFilter(where: string): Predicate {
  const expr = parseFilter(where);
  const needs = filterNeeds(expr);
  if (needs.reviews || needs.splits || needs.changes.length > 0)
    throw new InvalidArgumentError(
      'where',
      where,
      "select filters predictions by their own fields (class, score, kind, attributes.X) and their image's (image.*); reviews, splits and changes are the labels'",
      { option: 'where' },
    );
  return compileFilter(expr);
}

/** Every candidate image with its deciding prediction, hardest first, ties by image id. */
async function rankImages(
  repo: Repository,
  root: ChunkHash,
  dataset: DatasetCheck,
  opts: SelectOptions,
  where: Predicate | undefined,
  seed: string,
): Promise<SelectedImage[]> {
  const out: SelectedImage[] = [];
  const view = new RecordView();
  let current:
    | { image: string; known: boolean; asset: Uint8Array | undefined; best?: SelectedImage }
    | undefined;
  const close = () => {
    if (current?.best) out.push(current.best);
  };
  for await (const leaf of scanLeaves(repo.nodes, hexToHash(root))) {
    for (let i = leaf.from; i < leaf.to; i++) {
      const key = leaf.keys[i]!;
      const value = leaf.values[i]!;
      const { image, prediction } = predictionKeyOf(key);
      if (current?.image !== image) {
        close();
        const [known, asset] = [await dataset.known(image), await dataset.assetBytes(image)];
        current = { image, known, asset };
      }
      if (!current.known) continue;
      if (where && !where(view.reset(key, value, undefined, current.asset))) continue;
      const content = decodeValue(value) as { readonly [k: string]: JsonValue };
      const difficulty = uncertainty(opts.strategy, content, image, seed);
      if (!current.best || harder(opts.strategy, difficulty, current.best.difficulty))
        current.best = { image, difficulty, prediction, category: String(content['category']) };
    }
  }
  close();
  return out.sort((a, b) =>
    harder(opts.strategy, a.difficulty, b.difficulty)
      ? -1
      : harder(opts.strategy, b.difficulty, a.difficulty)
        ? 1
        : a.image < b.image
          ? -1
          : a.image > b.image
            ? 1
            : 0,
  );
}

function choose(ranked: readonly SelectedImage[], top: number, perClass?: number): SelectedImage[] {
  if (perClass === undefined) return ranked.slice(0, top);
  const taken = new Map<string, number>();
  const out: SelectedImage[] = [];
  for (const r of ranked) {
    if (out.length >= top) break;
    const n = taken.get(r.category) ?? 0;
    if (n >= perClass) continue;
    taken.set(r.category, n + 1);
    out.push(r);
  }
  return out;
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

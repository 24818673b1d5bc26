/**
 * `select`'s ranking (layer: api): every candidate image with its deciding prediction and its
 * difficulty, hardest first, ties by image id ascending (issue 17), and the choice of the top
 * ones (`chooseImages`).
 *
 * - A set stored with ranking trees (`prediction-rankings.ts`) is read in that order for
 *   least-confidence, margin and entropy when `where` names no prediction field: the first
 *   images are taken, each checked against the dataset by point lookups, until `top` are
 *   chosen: O(top · log n), not O(predictions). Otherwise the set is scanned as below.
 *
 * Ties are broken by image id in the order of its UTF-8 bytes, the key order of the ranking
 * trees, so both paths choose alike.
 *
 * - least-confidence, margin, entropy, random: an image's difficulty is that of its most
 *   uncertain prediction (`dataset/prediction-uncertainty.ts`; between equally uncertain
 *   predictions of an image, the first by prediction id), over the prediction set's tree in one
 *   pass. Only images of the dataset at REF count (an asset record or a label).
 * - disagreement: an image's difficulty is the top score of the most confident prediction
 *   matched to one of its labels that names another class (`predict-disagreements.ts`); images
 *   where the model agrees with every label it matched are not candidates.
 *
 * `where`: for disagreement, and for any expression that names a prediction set (`pred(M)`,
 * `iou(...)`, `matched(...)`), a label filter as in `cat`: only images with a label matching it
 * are candidates (disagreement: only those labels count). Otherwise it filters the predictions
 * by their own fields (`class`, `score`, `kind`, `attributes.X`) and their image's `image.*`.
 */
import type { PredictionSetRecord } from '../../catalog/catalog.js';
import { decodeValue, type JsonValue } from '../../core/canonical.js';
import { hexToHash, type ChunkHash } from '../../core/hash.js';
import { isRankedStrategy } from '../../dataset/prediction-ranking.js';
import { decodeLabelKey, encodeImageKey, imageLabelRange } from '../../dataset/label-key.js';
import {
  harder,
  uncertainty,
  type PredictionStrategy,
  type SelectStrategy,
} from '../../dataset/prediction-uncertainty.js';
import { filterNeeds, type Predicate } from '../../query/evaluate.js';
import { parseFilter } from '../../query/parser.js';
import { RecordView } from '../../query/record-view.js';
import { getValue, scan, scanLeaves } from '../../tree/read.js';
import { treeRoot, type Snapshot } from '../../vcs/snapshot.js';
import { ForwardRangeCursor } from '../query/image-entries.js';
import { ReviewCursor } from '../read/label-review-scan.js';
import { compileLabelFilter } from '../query/query-filter.js';
import type { Repository } from '../repository/repository.js';
import type { DatasetCheck } from './prediction-dataset-check.js';
import { predictionPredicate } from './prediction-predicate.js';
import { predictionKeyOf } from './prediction-set-tree.js';
import { rankedImages } from './prediction-rankings.js';
import { disagreementsIn } from './predict-disagreements.js';

export interface SelectedImage {
  readonly image: string;
  /** The strategy's value for the image's deciding prediction. */
  readonly difficulty: number;
  readonly prediction: string;
  readonly category: string;
}

export interface RankOptions {
  readonly strategy: SelectStrategy;
  readonly where?: string | undefined;
}

export interface ChooseOptions extends RankOptions {
  readonly top: number;
  readonly perClass?: number | undefined;
}

/** The `top` hardest candidate images (at most `perClass` per deciding class), hardest first. */
export async function chooseImages(
  repo: Repository,
  set: PredictionSetRecord,
  dataset: DatasetCheck,
  opts: ChooseOptions,
  seed: string,
): Promise<SelectedImage[]> {
  const strategy = opts.strategy;
  if (strategy === 'disagreement')
    return choose(await rankByDisagreement(repo, dataset.snap, set, opts.where), opts);
  const filter =
    opts.where === undefined ? undefined : await selectFilter(repo, dataset.snap, opts.where);
  const ranking = isRankedStrategy(strategy) ? set.rankings?.[strategy] : undefined;
  if (ranking !== undefined && filter?.kind !== 'predictions')
    return choose(rankedCandidates(repo, ranking, dataset.snap, filter), opts);
  const ranked = await rankByPrediction(repo, set, dataset, strategy, filter, seed);
  return choose(sortRanked(strategy, ranked), opts);
}

/** The images of a ranking tree the dataset has (and `filter` keeps), in the tree's order. */
async function* rankedCandidates(
  repo: Repository,
  ranking: ChunkHash,
  snap: Snapshot,
  filter: Filter | undefined,
): AsyncGenerator<SelectedImage> {
  const assets = treeRoot(snap, 'assets');
  const labels = treeRoot(snap, 'labels');
  for await (const r of rankedImages(repo, ranking)) {
    const keep =
      filter?.kind === 'images'
        ? filter.images.has(r.image)
        : (await getValue(repo.nodes, assets, encodeImageKey(r.image))) !== undefined ||
          !(await scan(repo.nodes, labels, imageLabelRange(r.image)).next()).done;
    if (keep) yield r;
  }
}

/** Takes images in order until `top` are chosen, at most `perClass` per deciding class. */
async function choose(
  ranked: AsyncIterable<SelectedImage> | Iterable<SelectedImage>,
  opts: Pick<ChooseOptions, 'top' | 'perClass'>,
): Promise<SelectedImage[]> {
  const taken = new Map<string, number>();
  const out: SelectedImage[] = [];
  if (opts.top <= 0) return out;
  for await (const r of ranked) {
    const n = taken.get(r.category) ?? 0;
    if (opts.perClass !== undefined && n >= opts.perClass) continue;
    taken.set(r.category, n + 1);
    out.push(r);
    if (out.length >= opts.top) break;
  }
  return out;
}

/** Hardest first under `strategy`, ties by image id ascending. */
function sortRanked(strategy: SelectStrategy, ranked: SelectedImage[]): SelectedImage[] {
  return ranked.sort(
    (a, b) =>
      (harder(strategy, a.difficulty, b.difficulty)
        ? -1
        : harder(strategy, b.difficulty, a.difficulty)
          ? 1
          : 0) || compareUtf8(a.image, b.image),
  );
}

/**
 * Two strings in the order of their UTF-8 bytes (the order of keys, and so of the ranking
 * trees), without encoding them: UTF-16 order differs only where a surrogate meets a unit of
 * U+E000-U+FFFF, so those are moved past each other before comparing.
 */
export function compareUtf8(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const [x, y] = [a.charCodeAt(i), b.charCodeAt(i)];
    if (x !== y) return utf8Rank(x) - utf8Rank(y);
  }
  return a.length - b.length;
}

const utf8Rank = (u: number): number =>
  u >= 0xd800 && u <= 0xdfff ? u + 0x2000 : u >= 0xe000 ? u - 0x800 : u;

async function rankByDisagreement(
  repo: Repository,
  snap: Snapshot,
  set: PredictionSetRecord,
  where: string | undefined,
): Promise<SelectedImage[]> {
  const best = new Map<string, SelectedImage>();
  for await (const d of disagreementsIn(repo, snap, set, where)) {
    const known = best.get(d.image);
    if (!known || d.score > known.difficulty)
      best.set(d.image, {
        image: d.image,
        difficulty: d.score,
        prediction: d.prediction,
        category: d.predictedClass,
      });
  }
  return sortRanked('disagreement', [...best.values()]);
}

type Filter =
  | { readonly kind: 'predictions'; readonly predicate: Predicate }
  | { readonly kind: 'images'; readonly images: ReadonlySet<string> };

async function rankByPrediction(
  repo: Repository,
  set: PredictionSetRecord,
  dataset: DatasetCheck,
  strategy: PredictionStrategy,
  filter: Filter | undefined,
  seed: string,
): Promise<SelectedImage[]> {
  const facts = new ImageFacts(repo, dataset.snap);
  const out: SelectedImage[] = [];
  const view = new RecordView();
  let current:
    | { image: string; known: boolean; asset: Uint8Array | undefined; best?: SelectedImage }
    | undefined;
  const close = () => {
    if (current?.best) out.push(current.best);
  };
  for await (const leaf of scanLeaves(repo.nodes, hexToHash(set.root))) {
    for (let i = leaf.from; i < leaf.to; i++) {
      const key = leaf.keys[i]!;
      const value = leaf.values[i]!;
      const { image, prediction } = predictionKeyOf(key);
      if (current?.image !== image) {
        close();
        const asset = await facts.asset(image);
        const known =
          filter?.kind === 'images' ? filter.images.has(image) : await facts.known(image, asset);
        current = { image, known, asset };
      }
      if (!current.known) continue;
      if (
        filter?.kind === 'predictions' &&
        !filter.predicate(view.reset(key, value, undefined, current.asset))
      )
        continue;
      const content = decodeValue(value) as { readonly [k: string]: JsonValue };
      const difficulty = uncertainty(strategy, content, image, seed);
      if (!current.best || harder(strategy, difficulty, current.best.difficulty))
        current.best = { image, difficulty, prediction, category: String(content['category']) };
    }
  }
  close();
  return out;
}

/**
 * An image's asset record and whether the dataset has it (a record or a label), for images asked
 * in ascending order: the assets and labels trees walked forward with the prediction set's tree
 * (same image order), not a point lookup per image.
 */
class ImageFacts {
  private readonly assets: ReviewCursor;
  private readonly labels: ForwardRangeCursor;

  constructor(repo: Repository, snap: Snapshot) {
    this.assets = new ReviewCursor(scanLeaves(repo.nodes, treeRoot(snap, 'assets')));
    this.labels = new ForwardRangeCursor(scanLeaves(repo.nodes, treeRoot(snap, 'labels')));
  }

  async asset(image: string): Promise<Uint8Array | undefined> {
    const found = this.assets.valueAt(encodeImageKey(image));
    return found instanceof Promise ? await found : found;
  }

  async known(image: string, asset: Uint8Array | undefined): Promise<boolean> {
    return asset !== undefined || (await this.labels.entriesIn(imageLabelRange(image))).length > 0;
  }
}

/** `where` as a prediction filter, or (naming a prediction set) the images of the labels it matches. */
async function selectFilter(repo: Repository, snap: Snapshot, where: string): Promise<Filter> {
  const expr = parseFilter(where);
  const needs = filterNeeds(expr);
  if (needs.predictions.length > 0) {
    const images = new Set<string>();
    for await (const batch of (await compileLabelFilter(repo, snap, where)).batches())
      for (const e of batch) images.add(decodeLabelKey(e.key).image);
    return { kind: 'images', images };
  }
  return { kind: 'predictions', predicate: predictionPredicate(expr, where) };
}

/**
 * `--where EXPR` for the readers of a snapshot (layer: api): compiles a filter expression
 * (`query/`) against one snapshot and yields the matching labels in key order, by the plan
 * `query-plan.ts` picks: a scan, or the candidates of an index / change set looked up by key.
 *
 * `compileLabelFilter` parses once, resolves the refs of `changed_since(R)` /
 * `review_changed_since(R)` and computes each change set before any scan: the keys of
 * `diffTrees(R's tree, this snapshot's tree)` (every added, modified or removed key), so the
 * cost is proportional to the changes, not the dataset. A `LabelMatcher` then joins only what
 * the expression reads: reviews (unless the caller already has them), and the asset record and
 * split of the current image, fetched once per image as the scan moves forward (by point
 * lookups when the labels come from an index). Whatever the plan, the whole filter is evaluated
 * on every label it yields, so plans can only differ in cost, never in results.
 *
 * `pred(M)` terms: each M is resolved to a prediction set before any scan (an unknown M is a
 * `LineageRecordNotFoundError`), and the matcher joins each set's predictions of the current
 * image as the scan moves forward (`prediction-join.ts`); `--explain` lists the sets joined.
 * `annotators` / `agreement` join the image's objects and annotations the same way
 * (`annotation-join.ts`).
 */
import { decodeTuple } from '../../core/tuple.js';
import { diffTrees } from '../../tree/diff.js';
import { getValue, scanLeaves } from '../../tree/read.js';
import { encodeImageKey } from '../../dataset/label-key.js';
import { treeRoot, type Snapshot } from '../../vcs/snapshot.js';
import { accessPath } from '../../query/access-path.js';
import type { ChangeTree } from '../../query/ast.js';
import {
  changeSetName,
  compileFilter,
  filterNeeds,
  type FilterNeeds,
  type Predicate,
} from '../../query/evaluate.js';
import { parseFilter } from '../../query/parser.js';
import { keyIdOf, RecordView } from '../../query/record-view.js';
import type { PredictionSetRecord } from '../../catalog/catalog.js';
import { resolvePredictionSet } from '../repository/lineage-refs.js';
import { AnnotationJoin } from './annotation-join.js';
import { PredictionJoin } from './prediction-join.js';
import { PREDICTION_MATCH_IOU } from '../../dataset/prediction-match.js';
import { ANNOTATOR_MATCH_IOU } from '../../dataset/object-matching.js';
import { ReviewCursor, scanLabelBatches, type LabelEntry } from '../read/label-review-scan.js';
import { candidateKeys, planQuery, type QueryPlan } from './query-plan.js';
import type { Repository } from '../repository/repository.js';
import { snapshotAtRef } from '../repository/snapshot-at.js';

type ContentMapper = (content: Uint8Array) => Uint8Array;

export interface LabelFilter {
  readonly expression: string;
  readonly needs: FilterNeeds;
  /**
   * A matcher for one scan; it must be asked in ascending key order. With `start`, the first
   * label asked is at or after it, and the trees it joins (assets, splits, reviews, prediction
   * sets) are read from there, not from their first key.
   */
  matcher(start?: Uint8Array): LabelMatcher;
  /** How the matching labels are found (`--explain`); label contents read through `mapContent` when given. */
  plan(mapContent?: ContentMapper): Promise<QueryPlan>;
  /** The matching labels with their reviews, in key order, a batch at a time. */
  batches(mapContent?: ContentMapper): AsyncGenerator<LabelEntry[]>;
  /** How many labels match (from the index alone when it can). */
  count(): Promise<number>;
}

export async function compileLabelFilter(
  repo: Repository,
  snap: Snapshot,
  expression: string,
  opts: { readonly now?: number } = {},
): Promise<LabelFilter> {
  const ast = parseFilter(expression, { now: opts.now ?? repo.clock.queryNow() });
  const needs = filterNeeds(ast);
  const changeSets = new Map<string, ReadonlySet<string>>();
  for (const c of needs.changes)
    changeSets.set(changeSetName(c.tree, c.ref), await changedKeys(repo, snap, c.tree, c.ref));
  const sets = new Map<string, PredictionSetRecord>();
  for (const m of needs.predictions) sets.set(m, await resolvePredictionSet(repo, m));
  const predicate = compileFilter(ast, changeSets);
  const matcher = (lookup: Lookup = 'scan', start?: Uint8Array) =>
    new LabelMatcher(repo, snap, needs, predicate, lookup, sets, start);
  const plans = new Map<boolean, Promise<QueryPlan>>();
  const plan = (mapContent?: ContentMapper) => {
    const mapped = mapContent !== undefined;
    let p = plans.get(mapped);
    if (!p) {
      const path = accessPath(ast, { contentMapped: mapped });
      p = planQuery(repo, snap, ast, path, changeSets).then((q) =>
        withJoinSteps(q, sets, needs.annotations),
      );
      plans.set(mapped, p);
    }
    return p;
  };
  async function* batches(mapContent?: ContentMapper): AsyncGenerator<LabelEntry[]> {
    const chosen = await plan(mapContent);
    if (chosen.access === 'scan' || !chosen.path) {
      yield* matchingBatches(scanLabelBatches(repo, snap, mapContent), matcher());
      return;
    }
    const keys = await candidateKeys(repo, snap, chosen.path, changeSets);
    yield* lookedUpBatches(repo, snap, keys, matcher('point'), mapContent);
  }
  return {
    expression,
    needs,
    matcher: (start) => matcher('scan', start),
    plan,
    batches,
    async count() {
      const chosen = await plan();
      if (chosen.exactCount !== undefined) return chosen.exactCount;
      if (chosen.access === 'scan') return countByScan(repo, snap, matcher());
      let n = 0;
      for await (const b of batches()) n += b.length;
      return n;
    },
  };
}

const LOOKUP_BATCH = 1024;

/** The plan's steps preceded by one line per prediction set the filter joins (and the annotations). */
function withJoinSteps(
  plan: QueryPlan,
  sets: ReadonlyMap<string, PredictionSetRecord>,
  annotations: boolean,
): QueryPlan {
  if (sets.size === 0 && !annotations) return plan;
  const joins = [...sets].map(
    ([m, s]) =>
      `pred(${m}): prediction set ${s.id} (${s.predictionCount} predictions on ${s.imageCount} images), ` +
      `walked with the labels by image; a label's prediction is matched by class-agnostic box IoU >= ${PREDICTION_MATCH_IOU}, greedily by IoU`,
  );
  if (annotations)
    joins.push(
      `annotators, agreement: the objects and annotations trees, walked with the labels by image; ` +
        `a label is the object of its key; agreement: the share of the image's annotator pairs that agree on it ` +
        `(same class, box IoU >= ${ANNOTATOR_MATCH_IOU})`,
    );
  return { ...plan, steps: [...joins, ...plan.steps] };
}

/** Matches among all labels, joining reviews only when the filter reads them. */
async function countByScan(
  repo: Repository,
  snap: Snapshot,
  matcher: LabelMatcher,
): Promise<number> {
  let n = 0;
  for await (const run of scanLeaves(repo.nodes, treeRoot(snap, 'labels'))) {
    for (let i = run.from; i < run.to; i++) {
      const ok = matcher.test(run.keys[i]!, run.values[i]!);
      if (ok instanceof Promise ? await ok : ok) n++;
    }
  }
  return n;
}

/** The labels at `keys` (ascending) that exist and match, each with its review. */
async function* lookedUpBatches(
  repo: Repository,
  snap: Snapshot,
  keys: readonly Uint8Array[],
  matcher: LabelMatcher,
  mapContent?: ContentMapper,
): AsyncGenerator<LabelEntry[]> {
  const labels = treeRoot(snap, 'labels');
  const reviews = treeRoot(snap, 'reviews');
  let batch: LabelEntry[] = [];
  for (const key of keys) {
    const stored = await getValue(repo.nodes, labels, key);
    if (!stored) continue;
    const label = mapContent ? mapContent(stored) : stored;
    const review = await getValue(repo.nodes, reviews, key);
    const ok = matcher.test(key, label, review);
    if (!(ok instanceof Promise ? await ok : ok)) continue;
    batch.push({ key, label, review });
    if (batch.length >= LOOKUP_BATCH) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

/** Key ids (`keyIdOf`) of every entry of `tree` that differs between `ref` and `snap`. */
async function changedKeys(
  repo: Repository,
  snap: Snapshot,
  tree: ChangeTree,
  ref: string,
): Promise<Set<string>> {
  const { snap: other } = await snapshotAtRef(repo, ref);
  const keys = new Set<string>();
  for await (const c of diffTrees(repo.nodes, treeRoot(other, tree), treeRoot(snap, tree)))
    keys.add(keyIdOf(c.key));
  return keys;
}

/** Pass as `review` to let the matcher look the review up itself. */
export const LOOK_UP = Symbol('look up the review');

type Found = Uint8Array | undefined;

/** How the matcher reads joined trees: walking forward with the scan, or one lookup per key. */
type Lookup = 'scan' | 'point';

interface ValueSource {
  valueAt(key: Uint8Array): Promise<Found> | Found;
}

export class LabelMatcher {
  private readonly view = new RecordView();
  private readonly reviews: ValueSource | undefined;
  private readonly assets: ValueSource | undefined;
  private readonly splits: ValueSource | undefined;
  private readonly join: PredictionJoin | undefined;
  private readonly annotations: AnnotationJoin | undefined;
  private image: string | undefined;
  private asset: Found;
  private split: Found;

  constructor(
    repo: Repository,
    snap: Snapshot,
    needs: FilterNeeds,
    private readonly predicate: Predicate,
    lookup: Lookup = 'scan',
    sets: ReadonlyMap<string, PredictionSetRecord> = new Map(),
    /** Scans start here (the first label tested is at or after it). */
    start?: Uint8Array,
  ) {
    const source = (tree: 'reviews' | 'assets' | 'splits'): ValueSource => {
      const root = treeRoot(snap, tree);
      return lookup === 'scan'
        ? new ReviewCursor(scanLeaves(repo.nodes, root, start ? { start } : {}))
        : { valueAt: (key) => getValue(repo.nodes, root, key) };
    };
    if (needs.reviews) this.reviews = source('reviews');
    if (needs.assets) this.assets = source('assets');
    if (needs.splits) this.splits = source('splits');
    if (sets.size > 0) this.join = new PredictionJoin(repo, snap, sets, lookup, start);
    if (needs.annotations) this.annotations = new AnnotationJoin(repo, snap, lookup, start);
  }

  /** Whether the label (`key`, encoded content `label`, its `review`) matches; sync when it can be. */
  test(
    key: Uint8Array,
    label: Uint8Array,
    review: Found | typeof LOOK_UP = LOOK_UP,
  ): boolean | Promise<boolean> {
    if (review !== LOOK_UP) return this.withImage(key, label, review);
    if (!this.reviews) return this.withImage(key, label, undefined);
    const found = this.reviews.valueAt(key);
    return found instanceof Promise
      ? found.then((r) => this.withImage(key, label, r))
      : this.withImage(key, label, found);
  }

  private withImage(key: Uint8Array, label: Uint8Array, review: Found): boolean | Promise<boolean> {
    if (this.assets || this.splits || this.join || this.annotations) {
      const image = decodeTuple(key)[0]!;
      if (image !== this.image)
        return this.nextImage(image).then(() => this.match(key, label, review));
    }
    return this.match(key, label, review);
  }

  private async nextImage(image: string): Promise<void> {
    const imageKey = encodeImageKey(image);
    this.image = image;
    this.asset = await this.assets?.valueAt(imageKey);
    this.split = await this.splits?.valueAt(imageKey);
    await this.join?.loadImage(image);
    await this.annotations?.loadImage(image);
  }

  private match(key: Uint8Array, label: Uint8Array, review: Found): boolean {
    const view = this.view.reset(key, label, review, this.asset, this.split);
    if (this.join) view.withPredictions(this.join.lookupFor(key));
    if (this.annotations) view.withAnnotations(this.annotations.annotationsOf(key));
    return this.predicate(view);
  }
}

/** The batches of `batches` with only the labels `matcher` accepts (empty batches dropped). */
export async function* matchingBatches(
  batches: AsyncIterable<LabelEntry[]>,
  matcher: LabelMatcher,
): AsyncGenerator<LabelEntry[]> {
  for await (const batch of batches) {
    const kept: LabelEntry[] = [];
    for (const e of batch) {
      const ok = matcher.test(e.key, e.label, e.review);
      if (ok instanceof Promise ? await ok : ok) kept.push(e);
    }
    if (kept.length > 0) yield kept;
  }
}

/**
 * `--where EXPR` for the readers of a snapshot (layer: api): compiles a filter expression
 * (`query/`) against one snapshot and matches labels during a scan in key order.
 *
 * `compileLabelFilter` parses once, resolves the refs of `changed_since(R)` /
 * `review_changed_since(R)` and computes each change set before any scan: the keys of
 * `diffTrees(R's tree, this snapshot's tree)` (every added, modified or removed key), so the
 * cost is proportional to the changes, not the dataset. A `LabelMatcher` then joins only what
 * the expression reads: reviews (unless the caller already has them), and the asset record and
 * split of the current image, fetched once per image as the scan moves forward.
 */
import { decodeTuple } from '../core/tuple.js';
import { diffTrees } from '../tree/diff.js';
import { scanLeaves } from '../tree/read.js';
import { encodeImageKey } from '../dataset/label-key.js';
import { getCommit } from '../vcs/commit.js';
import { resolveRef } from '../vcs/resolve-ref.js';
import { getSnapshot, treeRoot, type Snapshot } from '../vcs/snapshot.js';
import type { ChangeTree } from '../query/ast.js';
import {
  changeSetName,
  compileFilter,
  filterNeeds,
  type FilterNeeds,
  type Predicate,
} from '../query/evaluate.js';
import { parseFilter } from '../query/parser.js';
import { keyIdOf, RecordView } from '../query/record-view.js';
import { ReviewCursor, type LabelEntry } from './label-review-scan.js';
import type { Repository } from './repository.js';

export interface LabelFilter {
  readonly expression: string;
  readonly needs: FilterNeeds;
  /** A matcher for one scan; it must be asked in ascending key order. */
  matcher(): LabelMatcher;
}

export async function compileLabelFilter(
  repo: Repository,
  snap: Snapshot,
  expression: string,
  opts: { readonly now?: number } = {},
): Promise<LabelFilter> {
  const ast = parseFilter(expression, opts);
  const needs = filterNeeds(ast);
  const changeSets = new Map<string, ReadonlySet<string>>();
  for (const c of needs.changes)
    changeSets.set(changeSetName(c.tree, c.ref), await changedKeys(repo, snap, c.tree, c.ref));
  const predicate = compileFilter(ast, changeSets);
  return { expression, needs, matcher: () => new LabelMatcher(repo, snap, needs, predicate) };
}

/** Key ids (`keyIdOf`) of every entry of `tree` that differs between `ref` and `snap`. */
async function changedKeys(
  repo: Repository,
  snap: Snapshot,
  tree: ChangeTree,
  ref: string,
): Promise<Set<string>> {
  const id = await resolveRef(repo.catalog, repo.chunks, ref);
  const other = await getSnapshot(repo.chunks, (await getCommit(repo.chunks, id)).snapshot);
  const keys = new Set<string>();
  for await (const c of diffTrees(repo.nodes, treeRoot(other, tree), treeRoot(snap, tree)))
    keys.add(keyIdOf(c.key));
  return keys;
}

/** Pass as `review` to let the matcher look the review up itself. */
export const LOOK_UP = Symbol('look up the review');

type Found = Uint8Array | undefined;

export class LabelMatcher {
  private readonly view = new RecordView();
  private readonly reviews: ReviewCursor | undefined;
  private readonly assets: ReviewCursor | undefined;
  private readonly splits: ReviewCursor | undefined;
  private image: string | undefined;
  private asset: Found;
  private split: Found;

  constructor(
    repo: Repository,
    snap: Snapshot,
    needs: FilterNeeds,
    private readonly predicate: Predicate,
  ) {
    const cursor = (tree: 'reviews' | 'assets' | 'splits') =>
      new ReviewCursor(scanLeaves(repo.nodes, treeRoot(snap, tree)));
    if (needs.reviews) this.reviews = cursor('reviews');
    if (needs.assets) this.assets = cursor('assets');
    if (needs.splits) this.splits = cursor('splits');
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
    if (this.assets || this.splits) {
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
  }

  private match(key: Uint8Array, label: Uint8Array, review: Found): boolean {
    return this.predicate(this.view.reset(key, label, review, this.asset, this.split));
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

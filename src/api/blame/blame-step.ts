/**
 * One blame step (layer: api): the blame tree of a commit from its first parent's blame tree
 * plus the commit's label and review changes (`blame-changes.ts`).
 *
 * The blame tree of commit C has exactly the keys of C's labels tree; each value is a
 * `BlameEntry` (`dataset/blame-entry.ts`). Rules, per changed key:
 * - label added -> introduced = changed = C; modified -> introduced kept, changed = C;
 *   removed -> the entry goes;
 * - review added or modified -> review = C; removed -> no review; unchanged -> kept;
 * - merge commits: a key whose new label (review) equals the one in another parent Q takes
 *   Q's introduced and changed (review) when Q's blame has the key. A label merged in keeps
 *   the commit that really made it, as `git blame` does.
 * A root commit is a step from the empty snapshot. Keys the commit did not touch keep their
 * entry, so the cost is O(changes x depth) lookups.
 *
 * Two ways to write the tree: from an empty base (an import onto an empty branch, or the first
 * catch-up step after one) the changes are every key in order and feed a `TreeBuilder`
 * bottom-up, streaming; otherwise edits go through `mutateTree` in bounded batches (the
 * changes arrive in key order, so each batch is sorted and later batches never revisit
 * earlier keys).
 */
import { hexToHash, type ChunkHash } from '../../core/hash.js';
import { decodeBlameEntry, encodeBlameEntry, type BlameEntry } from '../../dataset/blame-entry.js';
import { bytesEqual } from '../../tree/bytes.js';
import { TreeBuilder } from '../../tree/builder.js';
import { mutateTree, type Edit } from '../../tree/mutate.js';
import { prefetchKeys, windowsOf } from '../../tree/prefetch-paths.js';
import { countEntries, getValue } from '../../tree/read.js';
import { emptySnapshot, treeRoot, type Snapshot } from '../../vcs/snapshot.js';
import type { KeyChanges } from './blame-changes.js';
import type { Repository } from '../repository/repository.js';
import { snapshotOfCommit } from '../repository/snapshot-at.js';

/** Edits per `mutateTree` call: bounds memory on big catch-up steps. */
const EDIT_BATCH = 50_000;
/** Changes read a window at a time, their old blame entries prefetched together. */
const PREFETCH_WINDOW = 4096;
/** Entries between `ChunkStore.ready()` calls, so staged chunks stay bounded. */
const READY_EVERY = 8192;

/** Another parent of a merge commit: its blame tree and the trees to compare values with. */
interface MergeSource {
  readonly blame: Uint8Array;
  readonly labels: Uint8Array;
  readonly reviews: Uint8Array;
}

export interface BlameStep {
  /** The new commit's number (`commitNumber`). */
  readonly commit: number;
  /** The first parent's snapshot (the empty snapshot for a root commit). */
  readonly parentSnapshot: Snapshot;
  /** The first parent's blame tree (the empty tree for a root commit). */
  readonly base: Uint8Array;
  /** The new commit's snapshot. */
  readonly snapshot: Snapshot;
  readonly merged: readonly MergeSource[];
}

/**
 * The step for `commit`, or undefined when a parent has no blame root yet (the blame of this
 * commit is then left to the on-demand catch-up, `blame-catch-up.ts`).
 */
export async function prepareBlameStep(
  repo: Repository,
  commit: ChunkHash,
  parents: readonly ChunkHash[],
  snapshot: Snapshot,
): Promise<BlameStep | undefined> {
  const [first, ...others] = parents;
  let parentSnapshot: Snapshot;
  let base: Uint8Array;
  if (first === undefined) {
    parentSnapshot = emptySnapshot(repo.nodes);
    base = treeRoot(parentSnapshot, 'labels');
  } else {
    const root = await repo.catalog.derived.getBlameRoot(first);
    if (!root) return undefined;
    base = hexToHash(root);
    parentSnapshot = await snapshotOfCommit(repo, first);
  }
  const merged: MergeSource[] = [];
  for (const q of others) {
    const root = await repo.catalog.derived.getBlameRoot(q);
    if (!root) return undefined;
    const s = await snapshotOfCommit(repo, q);
    merged.push({
      blame: hexToHash(root),
      labels: treeRoot(s, 'labels'),
      reviews: treeRoot(s, 'reviews'),
    });
  }
  const n = await repo.catalog.derived.commitNumber(commit);
  return { commit: n, parentSnapshot, base, snapshot, merged };
}

/** Writes the blame tree of the step's commit and returns its root. */
export async function buildBlameTree(
  repo: Repository,
  step: BlameStep,
  changes: AsyncIterable<KeyChanges> | Iterable<KeyChanges>,
): Promise<Uint8Array> {
  const entries = new EntryRules(repo, step, (await countEntries(repo.nodes, step.base)) === 0);
  return entries.baseEmpty
    ? buildFresh(repo, entries, changes)
    : mutateBase(repo, entries, changes);
}

async function buildFresh(
  repo: Repository,
  rules: EntryRules,
  changes: AsyncIterable<KeyChanges> | Iterable<KeyChanges>,
): Promise<Uint8Array> {
  const builder = new TreeBuilder(repo.nodes);
  let n = 0;
  for await (const c of changes) {
    const value = await rules.next(c);
    if (!value) continue;
    builder.add(c.key.slice(), value); // a copy: the scanned leaf is not kept alive by the new node
    if (++n % READY_EVERY === 0) await repo.chunks.ready();
  }
  return builder.finish();
}

async function mutateBase(
  repo: Repository,
  rules: EntryRules,
  changes: AsyncIterable<KeyChanges> | Iterable<KeyChanges>,
): Promise<Uint8Array> {
  let root = rules.step.base;
  let batch: Edit[] = [];
  for await (const window of windowsOf(changes, PREFETCH_WINDOW)) {
    // The old entries `next` reads one key at a time, fetched a tree level per round trip.
    const read = window.filter((c) => c.label?.type !== 'added' && c.label?.type !== 'removed');
    await prefetchKeys(
      repo.nodes,
      rules.step.base,
      read.map((c) => c.key),
    );
    for (const c of window) {
      const value = await rules.next(c);
      if (value === undefined) continue;
      batch.push({ key: c.key, value });
      if (batch.length === EDIT_BATCH) {
        root = await mutateTree(repo.nodes, root, batch);
        batch = [];
        await repo.chunks.ready();
      }
    }
  }
  return batch.length ? mutateTree(repo.nodes, root, batch) : root;
}

/** The rules of the module header, one key at a time. */
class EntryRules {
  private readonly reviewsAfter: Uint8Array;
  private parentHadReviews: boolean | undefined;

  constructor(
    private readonly repo: Repository,
    readonly step: BlameStep,
    readonly baseEmpty: boolean,
  ) {
    this.reviewsAfter = treeRoot(step.snapshot, 'reviews');
  }

  /** The key's new entry: bytes to put, null to delete, undefined when it keeps its entry. */
  async next(c: KeyChanges): Promise<Uint8Array | null | undefined> {
    const label = c.label;
    if (label?.type === 'removed') return null;
    const old = label?.type === 'added' || this.baseEmpty ? undefined : await this.oldEntry(c.key);
    if (!label && !old) return undefined; // a review change on a key that has no label
    const from = label ? await this.mergedFrom(c.key, 'labels', label.to!) : undefined;
    const C = this.step.commit;
    const introduced = !label ? old!.introduced : (from?.introduced ?? old?.introduced ?? C);
    const changed = !label ? old!.changed : (from?.changed ?? C);
    const review = await this.reviewOf(c, old);
    return encodeBlameEntry(
      review === undefined ? { introduced, changed } : { introduced, changed, review },
    );
  }

  private async reviewOf(c: KeyChanges, old: BlameEntry | undefined): Promise<number | undefined> {
    let now = c.review?.to;
    if (!c.review) {
      if (old) return old.review;
      // A new label whose review was already there (a review kept across the label's absence).
      this.parentHadReviews ??=
        (await countEntries(this.repo.nodes, treeRoot(this.step.parentSnapshot, 'reviews'))) > 0;
      if (!this.parentHadReviews) return undefined;
      now = await getValue(this.repo.nodes, this.reviewsAfter, c.key);
      if (!now) return undefined;
    } else if (c.review.type === 'removed') return undefined;
    const from = await this.mergedFrom(c.key, 'reviews', now!);
    return from?.review ?? this.step.commit;
  }

  private async oldEntry(key: Uint8Array): Promise<BlameEntry | undefined> {
    const v = await getValue(this.repo.nodes, this.step.base, key);
    return v && decodeBlameEntry(v);
  }

  /** The blame entry of the first other parent whose `tree` holds exactly `value` at `key`. */
  private async mergedFrom(
    key: Uint8Array,
    tree: 'labels' | 'reviews',
    value: Uint8Array,
  ): Promise<BlameEntry | undefined> {
    for (const q of this.step.merged) {
      const theirs = await getValue(this.repo.nodes, q[tree], key);
      if (!theirs || !bytesEqual(theirs, value)) continue;
      const entry = await getValue(this.repo.nodes, q.blame, key);
      if (!entry) continue;
      const e = decodeBlameEntry(entry);
      if (tree === 'labels' || e.review !== undefined) return e;
    }
    return undefined;
  }
}

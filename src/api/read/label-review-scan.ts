/**
 * Every label of a snapshot with its review, in key order (layer: api): the labels and reviews
 * trees (both keyed by (image, label)) walked side by side, leaf by leaf; reviews without a
 * label are skipped. Readers of whole snapshots (cat, exports) take a leaf's worth of entries
 * per await (`scanLabelBatches`), not one.
 */
import { compareBytes } from '../../tree/bytes.js';
import { scanLeaves, type LeafRun } from '../../tree/read.js';
import { treeRoot, type Snapshot } from '../../vcs/snapshot.js';
import type { Repository } from '../repository/repository.js';

export interface LabelEntry {
  readonly key: Uint8Array;
  readonly label: Uint8Array;
  readonly review: Uint8Array | undefined;
}

/**
 * The labels of one leaf at a time, each with its review. With `mapContent`, each label's
 * content is passed through it (reading as another schema).
 */
export async function* scanLabelBatches(
  repo: Repository,
  snap: Snapshot,
  mapContent?: (content: Uint8Array) => Uint8Array,
): AsyncGenerator<LabelEntry[]> {
  const reviews = new ReviewCursor(scanLeaves(repo.nodes, treeRoot(snap, 'reviews')));
  for await (const run of scanLeaves(repo.nodes, treeRoot(snap, 'labels'))) {
    const batch: LabelEntry[] = new Array(run.to - run.from);
    for (let i = run.from; i < run.to; i++) {
      const key = run.keys[i]!;
      const label = mapContent ? mapContent(run.values[i]!) : run.values[i]!;
      const found = reviews.valueAt(key);
      const review = found instanceof Promise ? await found : found;
      batch[i - run.from] = { key, label, review };
    }
    yield batch;
  }
}

/** `scanLabelBatches`, one entry at a time. */
export async function* scanLabelsWithReviews(
  repo: Repository,
  snap: Snapshot,
  mapContent?: (content: Uint8Array) => Uint8Array,
): AsyncGenerator<LabelEntry> {
  for await (const batch of scanLabelBatches(repo, snap, mapContent)) yield* batch;
}

/** Walks a leaf-run stream forward to find values by ascending key. */
export class ReviewCursor {
  private run: LeafRun | undefined;
  private i = 0;
  private done = false;

  constructor(private readonly runs: AsyncGenerator<LeafRun>) {}

  /** The value at `key`; keys must be asked in ascending order. Resolves synchronously while the current leaf holds the answer. */
  valueAt(key: Uint8Array): Promise<Uint8Array | undefined> | Uint8Array | undefined {
    for (;;) {
      if (!this.run || this.i >= this.run.to) {
        if (this.done) return undefined;
        return this.advance().then(() => this.valueAt(key));
      }
      const cmp = compareBytes(this.run.keys[this.i]!, key);
      if (cmp > 0) return undefined;
      if (cmp === 0) return this.run.values[this.i++];
      this.i++;
    }
  }

  private async advance(): Promise<void> {
    const next = await this.runs.next();
    if (next.done) this.done = true;
    else {
      this.run = next.value;
      this.i = this.run.from;
    }
  }
}

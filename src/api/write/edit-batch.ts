/**
 * Builds the commit of an edit batch on a branch head (layer: api): the labels and reviews
 * trees after the batch's put/patch/delete ops, what it changed, and the keys it touched (so a
 * moved head can be rebased onto: `write-to-branch.ts`).
 *
 * Ops apply in order (a later op on the same label sees the earlier ones). A put replaces the
 * label's content (and its review, when given); a patch is a JSON merge patch
 * (`dataset/merge-patch.ts`) of the label's content and, in `review`, of its review; a delete
 * must name a label that exists at that point, and so must a patch. Every label a put or patch
 * writes passes the write checks (`label-write-check.ts`: structure, the branch's schema, its
 * image's asset record and size; `clip` clips). A put whose content equals the stored one leaves
 * the labels tree untouched (only its review, if given and different, changes the reviews
 * tree). Both trees are then mutated in one batched pass each. Any bad op throws, naming its
 * source and line.
 *
 * Touched keys: the label key of every op (read or written) in the labels tree, the key of
 * every review the batch sets or removes in the reviews tree; a batch that checks any label
 * content depends on the schema and category list. Asset records and the count of images it
 * reads are checked again when the batch is built on a new head, so they are no conflict.
 */
import { decodeValue, encodeValue, type JsonValue } from '../../core/canonical.js';
import { FormatParseError } from '../../core/errors.js';
import { hashToHex, hexToHash } from '../../core/hash.js';
import type { ChangeCounts } from '../../dataset/change-counts.js';
import { encodeImageKey, encodeLabelKey } from '../../dataset/label-key.js';
import {
  encodeLabelContent,
  unstorableLine,
  type LabelContent,
  type LabelOp,
  type LabelPatch,
  type LabelPut,
} from '../../dataset/label-line.js';
import { applyMergePatch } from '../../dataset/merge-patch.js';
import { problemData } from '../../schema/label-validator.js';
import { compareBytes } from '../../tree/bytes.js';
import { mutateTreeCounting, type Edit } from '../../tree/mutate.js';
import { prefetchKeysOfTrees, windowsOf } from '../../tree/prefetch-paths.js';
import { countEntries, getValue } from '../../tree/read.js';
import type { Repository } from '../repository/repository.js';
import type { BranchHead } from './branch-head.js';
import {
  imageInfoOf,
  LabelWriteCheck,
  type GeometryReport,
  type ImageInfo,
  type WritePolicy,
} from './label-write-check.js';
import { TouchedKeysCollector, type TouchedKeys } from './touched-keys.js';

export interface EditBatch {
  readonly labelsRoot: Uint8Array;
  readonly reviewsRoot: Uint8Array;
  readonly ops: number;
  readonly labels: ChangeCounts;
  readonly reviews: ChangeCounts;
  readonly geometry: GeometryReport;
  readonly touched: TouchedKeys;
}

/** The final effect of the batch's ops on one key of one tree: a value, or null (deleted). */
type Pending = Map<string, { key: Uint8Array; value: Uint8Array | null }>;

const RESERVED = new Set(['op', 'image', 'label', 'review']);

export async function buildEditBatch(
  repo: Repository,
  base: BranchHead,
  ops: AsyncIterable<LabelOp>,
  source: string,
  policy: WritePolicy | undefined,
): Promise<EditBatch> {
  const roots = {
    labels: hexToHash(base.snapshot.trees.labels),
    reviews: hexToHash(base.snapshot.trees.reviews),
    assets: hexToHash(base.snapshot.trees.assets),
  };
  const labelOps: Pending = new Map();
  const reviewOps: Pending = new Map();
  const touched = new TouchedKeysCollector();
  /** The value a key has at this point of the batch (undefined: absent). */
  const current = async (pending: Pending, root: Uint8Array, id: string, key: Uint8Array) => {
    const p = pending.get(id);
    if (p) return p.value ?? undefined;
    return getValue(repo.nodes, root, key);
  };
  const [check] = await Promise.all([
    LabelWriteCheck.open(repo, base.snapshot.schema, policy),
    // A lazily imported maintainer's code loads now, not within the first window's round trips.
    ...repo.maintainers.map((m) => m.pathsToRead?.(repo, base.head, [])),
  ]);
  /** Counted with the first window's prefetch (its root is one of the roots read then). */
  let imagesRecorded: Promise<number> | undefined;
  const images = new Map<string, ImageInfo>();
  const imageInfo = async (image: string) => {
    if (!images.has(image))
      images.set(
        image,
        imageInfoOf(await getValue(repo.nodes, roots.assets, encodeImageKey(image))),
      );
    return images.get(image);
  };
  /** The content to store after every check, or an error naming the line. */
  const checked = async (op: LabelPut | LabelPatch, content: LabelContent) => {
    touched.checksSchema();
    const problem = check.content(content);
    if (problem) throw new FormatParseError(source, op.line, problem.field, problem.why);
    const placed = check.place(op.image, op.label, content, await imageInfo(op.image));
    if (!placed.ok)
      throw new FormatParseError(source, op.line, placed.field, placed.why, problemData(placed));
    return placed.content ?? content;
  };
  const setReview = (id: string, key: Uint8Array, value: Uint8Array | null) => {
    reviewOps.set(id, { key, value });
    touched.add('reviews', key);
  };
  let count = 0;
  for await (const window of windowsOf(ops, PREFETCH_WINDOW)) {
    imagesRecorded ??= countEntries(repo.nodes, roots.assets);
    const [recorded] = await Promise.all([imagesRecorded, prefetchOpReads(repo, base, window)]);
    check.setImagesRecorded(recorded);
    for (const op of window) {
      const key = encodeLabelKey(op.image, op.label);
      const id = Buffer.from(key).toString('latin1');
      const line = op.line;
      touched.add('labels', key);
      count++;
      if (op.op !== 'put') {
        const stored = await current(labelOps, roots.labels, id, key);
        if (stored === undefined)
          throw new FormatParseError(
            source,
            line,
            'label',
            `${op.op} of a label that does not exist (image '${op.image}', label '${op.label}')`,
          );
        if (op.op === 'delete') {
          labelOps.set(id, { key, value: null });
          setReview(id, key, null);
          continue;
        }
        try {
          const patch = contentPatch(op.record);
          if (patch) {
            const merged = applyMergePatch(decodeValue(stored), patch) as LabelContent;
            labelOps.set(id, { key, value: encodeValue(await checked(op, merged)) });
          }
          if (op.review === null) setReview(id, key, null);
          else if (op.review !== undefined) {
            const old = await current(reviewOps, roots.reviews, id, key);
            setReview(id, key, encodeValue(applyMergePatch(old && decodeValue(old), op.review)));
          }
        } catch (e) {
          throw unstorableLine(e, source, line);
        }
        continue;
      }
      const content = await checked(op, op.record);
      try {
        labelOps.set(id, { key, value: encodeLabelContent({ ...op, record: content }) });
        if (op.review !== undefined) setReview(id, key, op.review ? encodeValue(op.review) : null);
      } catch (e) {
        throw unstorableLine(e, source, line);
      }
    }
  }
  // Both at once: over a remote store, the nodes a re-chunk reads on into share round trips.
  const [labels, reviews] = await Promise.all([
    mutateTreeCounting(repo.nodes, roots.labels, sortedEdits(labelOps)),
    mutateTreeCounting(repo.nodes, roots.reviews, sortedEdits(reviewOps)),
  ]);
  return {
    labelsRoot: labels.root,
    reviewsRoot: reviews.root,
    ops: count,
    labels: labels.counts,
    reviews: reviews.counts,
    geometry: check.report(),
    touched: touched.result(),
  };
}

/** The batch's trees in place of the head's. */
export function snapshotWithBatch(base: BranchHead, batch: EditBatch): BranchHead['snapshot'] {
  return {
    ...base.snapshot,
    trees: {
      ...base.snapshot.trees,
      labels: hashToHex(batch.labelsRoot),
      reviews: hashToHex(batch.reviewsRoot),
    },
  };
}

/** The content members of a patch line (undefined when it patches only the review). */
function contentPatch(record: LabelContent): { [k: string]: JsonValue } | undefined {
  let out: { [k: string]: JsonValue } | undefined;
  for (const [k, v] of Object.entries(record))
    if (!RESERVED.has(k)) {
      out ??= {};
      Object.defineProperty(out, k, {
        value: v,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
  return out;
}

/** The pending ops as tree edits in key order (no-ops are recognised during the merge). */
function sortedEdits(pending: Pending): Edit[] {
  return [...pending.values()].sort((a, b) => compareBytes(a.key, b.key));
}

/** Ops read a window at a time: the stored values they read are prefetched together. */
const PREFETCH_WINDOW = 4096;

/**
 * Loads into the node cache, a tree level per round trip, the paths the window's ops read one
 * at a time or write: the label of every op, the review of every op that may set or remove it,
 * the image of every put and patch (over a remote store, one `getValue` each would be one round
 * trip per op, and the batched mutations would fetch the written paths again after the reads);
 * and, in the same round trips, what the commit's maintainers will read for these keys (the old
 * blame entries), which would otherwise come after the batch, level by level.
 */
async function prefetchOpReads(
  repo: Repository,
  base: BranchHead,
  window: readonly LabelOp[],
): Promise<void> {
  if (!repo.nodes.canPrefetch) return;
  const trees = base.snapshot.trees;
  const labels: Uint8Array[] = [];
  const reviews: Uint8Array[] = [];
  const images = new Map<string, Uint8Array>();
  for (const op of window) {
    const key = encodeLabelKey(op.image, op.label);
    labels.push(key);
    if (op.op === 'delete' || op.review !== undefined) reviews.push(key);
    if (op.op !== 'delete' && !images.has(op.image)) images.set(op.image, encodeImageKey(op.image));
  }
  const maintainers = await Promise.all(
    repo.maintainers.map((m) => m.pathsToRead?.(repo, base.head, labels) ?? []),
  );
  await prefetchKeysOfTrees(repo.nodes, [
    { root: hexToHash(trees.labels), keys: labels },
    { root: hexToHash(trees.reviews), keys: reviews },
    { root: hexToHash(trees.assets), keys: [...images.values()] },
    ...maintainers.flat(),
  ]);
}

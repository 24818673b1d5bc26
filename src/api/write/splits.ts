/**
 * `verso split set IMAGE... --to NAME --branch B` and `verso split show REF` (layer: api).
 *
 * The `splits` tree maps an image id (key `encodeImageKey(image)`) to its split name, stored as
 * a canonical string value. Importers set it through the record sink (`--split`, or the
 * train/val/test files of a format); `setSplits` moves named images in one commit, each of which
 * must be known to the branch (an asset record or at least one label). A head that another
 * process moved meanwhile is built on again when it gave none of these images another split
 * (`write-to-branch.ts`).
 */
import { decodeValue, encodeValue } from '../../core/canonical.js';
import { InvalidArgumentError } from '../../core/errors.js';
import { hashToHex, hexToHash } from '../../core/hash.js';
import { decodeTuple } from '../../core/tuple.js';
import type { ChangeCounts } from '../../dataset/change-counts.js';
import { encodeImageKey, imageLabelRange } from '../../dataset/label-key.js';
import { compareBytes } from '../../tree/bytes.js';
import { mutateTreeCounting } from '../../tree/mutate.js';
import { getValue, scan } from '../../tree/read.js';
import { treeRoot, type Snapshot } from '../../vcs/snapshot.js';
import type { CommitResult } from './commit-to-branch.js';
import { writeToBranch } from './write-to-branch.js';
import type { Repository } from '../repository/repository.js';
import { snapshotAtRef } from '../repository/snapshot-at.js';

export interface SetSplitsOptions {
  readonly branch: string;
  readonly images: readonly string[];
  readonly split: string;
  readonly message?: string;
}

export interface SetSplitsResult extends CommitResult {
  readonly splits: ChangeCounts;
}

export async function setSplits(
  repo: Repository,
  opts: SetSplitsOptions,
): Promise<SetSplitsResult> {
  if (opts.split.trim() === '')
    throw new InvalidArgumentError('split', opts.split, 'a split name is a non-empty string');
  if (opts.images.length === 0)
    throw new InvalidArgumentError('images', '', 'name at least one image');
  return writeToBranch(repo, opts.branch, async (base) => {
    const value = encodeValue(opts.split);
    const edits = [];
    for (const image of new Set(opts.images)) {
      if (!(await imageKnown(repo, base.snapshot, image)))
        throw new InvalidArgumentError(
          'image',
          image,
          `branch '${opts.branch}' has no asset and no label for it`,
        );
      edits.push({ key: encodeImageKey(image), value });
    }
    edits.sort((a, b) => compareBytes(a.key, b.key));
    const m = await mutateTreeCounting(repo.nodes, hexToHash(base.snapshot.trees.splits), edits);
    const splits = { ...m.counts };
    return {
      snapshot: { ...base.snapshot, trees: { ...base.snapshot.trees, splits: hashToHex(m.root) } },
      message: opts.message ?? `Move ${edits.length} image(s) to split '${opts.split}'`,
      operations: { op: 'split-set', split: opts.split, images: edits.length, splits },
      // The images' asset records and labels are checked again if it is built on a new head.
      touched: { trees: { splits: edits.map((e) => e.key) }, schemaDependent: false },
      report: { splits },
    };
  });
}

async function imageKnown(repo: Repository, snap: Snapshot, image: string): Promise<boolean> {
  if (await getValue(repo.nodes, treeRoot(snap, 'assets'), encodeImageKey(image))) return true;
  const labels = scan(repo.nodes, treeRoot(snap, 'labels'), imageLabelRange(image));
  for await (const _ of labels) return true;
  return false;
}

export interface SplitsView {
  /** Images per split name, names sorted. */
  readonly counts: Readonly<Record<string, number>>;
}

/** Every (image, split) of the snapshot at `ref`, in image order. */
export async function* scanSplits(
  repo: Repository,
  ref: string,
): AsyncGenerator<{ image: string; split: string }> {
  const { snap } = await snapshotAtRef(repo, ref);
  for await (const [key, value] of scan(repo.nodes, treeRoot(snap, 'splits')))
    yield { image: decodeTuple(key)[0]!, split: decodeValue(value) as string };
}

export async function showSplits(repo: Repository, ref: string): Promise<SplitsView> {
  const counts = new Map<string, number>();
  for await (const s of scanSplits(repo, ref)) counts.set(s.split, (counts.get(s.split) ?? 0) + 1);
  return { counts: Object.fromEntries([...counts].sort(([a], [b]) => (a < b ? -1 : 1))) };
}

/**
 * `verso diff A B`: record-level changes between two snapshots (layer: api).
 *
 * Tree by tree (labels, reviews, assets, splits), each in key order; `diffDetails` then gives
 * one change per changed annotation of several annotators (`diff-annotations.ts`) and one per
 * changed video track (`diff-tracks.ts`). Cost follows the number
 * of changes, not the dataset: equal subtrees are skipped by hash, and only the values of
 * changed keys are ever decoded (`describeChange`: the changed fields and, for labels, the
 * geometry's movement, `dataset/record-change.ts`). `diffStat` counts per tree and, for labels,
 * per class (a label whose class changed counts as removed from its old class and added to its
 * new one, so added - removed is each class's net change).
 */
import { decodeValue, type JsonValue } from '../../core/canonical.js';
import { selectMembers } from '../../core/canonical-members.js';
import type { ChunkHash } from '../../core/hash.js';
import { zeroCounts, countChange, type ChangeCounts } from '../../dataset/change-counts.js';
import { decodeRecordKey, type RecordKey } from '../../dataset/label-key.js';
import {
  fieldChanges,
  geometryMovement,
  type FieldChange,
  type GeometryMovement,
} from '../../dataset/record-change.js';
import { OPTIONAL_TREE_NAMES, type NamedTrees, type TreeName } from '../../dataset/tree-names.js';
import { diffTrees, prefetchTreeDiffs, type ChangeType } from '../../tree/diff.js';
import { resolveRef } from '../../vcs/resolve-ref.js';
import { treeRoot, type Snapshot } from '../../vcs/snapshot.js';
import { categoriesOf } from './categories.js';
import { diffAnnotationSnapshots } from './diff-annotations.js';
import { diffTrackSnapshots, type TrackDiff } from './diff-tracks.js';
import type { Repository } from '../repository/repository.js';
import { snapshotOfCommit } from '../repository/snapshot-at.js';

export const DIFF_TREE_ORDER: readonly TreeName[] = ['labels', 'reviews', 'assets', 'splits'];

export interface RecordChange {
  readonly tree: TreeName;
  readonly key: RecordKey;
  readonly change: ChangeType;
  readonly from?: Uint8Array;
  readonly to?: Uint8Array;
}

/** A change with its values decoded: what `diff` prints. */
export interface ChangeDetail {
  readonly tree: TreeName;
  readonly key: RecordKey;
  readonly change: ChangeType;
  readonly before?: JsonValue;
  readonly after?: JsonValue;
  /** Modified records: the fields that differ. */
  readonly fields?: readonly FieldChange[];
  /** Modified labels whose box or keypoints moved. */
  readonly geometry?: GeometryMovement;
  /** A video track's change (tree `tracks`, key {image: video, label: track}): its frame ranges. */
  readonly track?: TrackDiff;
  /** An annotator's change (tree `annotations`, key {image, label: object}): whose labeling. */
  readonly annotator?: string;
}

export interface DiffEnds {
  readonly from: ChunkHash;
  readonly to: ChunkHash;
}

/** Counts per core tree, and per optional tree (annotations, tracks, ...) only when it changed. */
export type DiffStat = NamedTrees<ChangeCounts> & {
  /** Labels per class name (`category`, else the category list's name for `category_id`). */
  readonly classes: Record<string, ChangeCounts>;
};

async function snapshotAt(
  repo: Repository,
  refSpec: string,
): Promise<{ commit: ChunkHash; snapshot: Snapshot }> {
  const commit = await resolveRef(repo.catalog, repo.chunks, refSpec);
  return {
    commit,
    snapshot: await snapshotOfCommit(repo, commit),
  };
}

export async function* diffRefs(
  repo: Repository,
  fromSpec: string,
  toSpec: string,
): AsyncGenerator<RecordChange> {
  const [a, b] = await Promise.all([snapshotAt(repo, fromSpec), snapshotAt(repo, toSpec)]);
  yield* diffSnapshots(repo, a.snapshot, b.snapshot);
}

async function* diffSnapshots(
  repo: Repository,
  a: Snapshot,
  b: Snapshot,
): AsyncGenerator<RecordChange> {
  await prefetchTreeDiffs(
    repo.nodes,
    DIFF_TREE_ORDER.map((tree) => [treeRoot(a, tree), treeRoot(b, tree)] as const),
  );
  for (const tree of DIFF_TREE_ORDER) {
    for await (const c of diffTrees(repo.nodes, treeRoot(a, tree), treeRoot(b, tree))) {
      yield {
        tree,
        key: decodeRecordKey(c.key),
        change: c.type,
        ...(c.from ? { from: c.from } : {}),
        ...(c.to ? { to: c.to } : {}),
      };
    }
  }
}

/**
 * Every change with its values decoded, the changed fields and the geometry's movement; then
 * one change per video track that changed, with its frame ranges (`diff-tracks.ts`).
 */
export async function* diffDetails(
  repo: Repository,
  fromSpec: string,
  toSpec: string,
): AsyncGenerator<ChangeDetail> {
  const [a, b] = await Promise.all([snapshotAt(repo, fromSpec), snapshotAt(repo, toSpec)]);
  for await (const c of diffSnapshots(repo, a.snapshot, b.snapshot)) yield describeChange(c);
  yield* diffAnnotationSnapshots(repo, a.snapshot, b.snapshot);
  yield* diffTrackSnapshots(repo, a.snapshot, b.snapshot);
}

/** Decodes the change's values (only this key's) and compares them field by field. */
export function describeChange(c: RecordChange): ChangeDetail {
  const before = c.from ? decodeValue(c.from) : undefined;
  const after = c.to ? decodeValue(c.to) : undefined;
  const base = {
    tree: c.tree,
    key: c.key,
    change: c.change,
    ...(before !== undefined ? { before } : {}),
    ...(after !== undefined ? { after } : {}),
  };
  if (before === undefined || after === undefined) return base;
  const geometry = c.tree === 'labels' ? geometryMovement(before, after) : undefined;
  return { ...base, fields: fieldChanges(before, after), ...(geometry ? { geometry } : {}) };
}

export async function diffStat(
  repo: Repository,
  fromSpec: string,
  toSpec: string,
): Promise<DiffStat> {
  const a = await snapshotAt(repo, fromSpec);
  const b = await snapshotAt(repo, toSpec);
  const stat: Partial<Record<TreeName, ChangeCounts>> = {
    labels: zeroCounts(),
    reviews: zeroCounts(),
    assets: zeroCounts(),
    splits: zeroCounts(),
  };
  const classes = new Map<string, ChangeCounts>();
  const count = (name: string, type: ChangeType) => {
    let c = classes.get(name);
    if (!c) classes.set(name, (c = zeroCounts()));
    countChange(c, type);
  };
  const nameBefore = await classNamer(repo, a.snapshot);
  const nameAfter = await classNamer(repo, b.snapshot);
  for await (const c of diffSnapshots(repo, a.snapshot, b.snapshot)) {
    countChange((stat[c.tree] ??= zeroCounts()), c.change);
    if (c.tree !== 'labels') continue;
    const old = c.from && nameBefore(c.from);
    const now = c.to && nameAfter(c.to);
    if (c.change === 'added') count(now!, 'added');
    else if (c.change === 'removed') count(old!, 'removed');
    else if (old === now) count(now!, 'modified');
    else {
      count(old!, 'removed');
      count(now!, 'added');
    }
  }
  for (const tree of OPTIONAL_TREE_NAMES) {
    const [from, to] = [treeRoot(a.snapshot, tree), treeRoot(b.snapshot, tree)];
    for await (const c of diffTrees(repo.nodes, from, to))
      countChange((stat[tree] ??= zeroCounts()), c.type);
  }
  const sorted = [...classes].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0));
  return { ...(stat as NamedTrees<ChangeCounts>), classes: Object.fromEntries(sorted) };
}

const CLASS_MEMBERS = ['category', 'category_id'] as const;
export const NO_CLASS = '(no class)';

/**
 * A label's class name from its stored bytes (two members read, nothing else decoded): its
 * `category`, else the snapshot's category-list name for its `category_id`, else `id N`.
 */
async function classNamer(
  repo: Repository,
  snap: Snapshot,
): Promise<(content: Uint8Array) => string> {
  const names = new Map((await categoriesOf(repo, snap))?.map((c) => [c.id, c.name]) ?? []);
  return (content) => {
    const [name, id] = selectMembers(content, CLASS_MEMBERS);
    if (typeof name === 'string') return name;
    if (typeof id === 'number' || typeof id === 'string') return names.get(id) ?? `id ${id}`;
    return NO_CLASS;
  };
}

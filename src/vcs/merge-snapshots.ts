/**
 * Three-way merge of snapshots (layer: vcs).
 *
 * Per tree, each key theirs changed since the base is looked up in ours (`threeWayDiff`): a key
 * ours left alone takes theirs' value; a key both changed to the same value is settled; a key
 * both changed differently is a conflict (modify/modify, add/add, modify/delete,
 * delete/modify). Keys only ours changed stay as they are. The merged snapshot starts from
 * ours, so its cost is O(theirs' changes), and it holds ours' value at every conflicting key
 * until a resolution says otherwise.
 *
 * A label and its review travel together: when a label conflicts, a one-sided change of its
 * review is not applied on its own but attached to the label's conflict and decided with it.
 * The schema version and the category list are scalars: one side changed -> its value; both
 * changed differently -> a conflict (the merged snapshot holds ours'). Beyond keys: labels both
 * sides added on the same image with the same class and box IoU >= `DUPLICATE_IOU` are
 * reported as possible duplicates (the same object drawn twice). A video track one side removed
 * and the other changed is one conflict on the track (`merge-tracks.ts`).
 */
import { decodeValue, type JsonValue } from '../core/canonical.js';
import { hashToHex, hexToHash } from '../core/hash.js';
import { decodeLabelKey, imageLabelRange } from '../dataset/label-key.js';
import { sameObject } from '../dataset/label-overlap.js';
import { TREE_NAMES, type TreeName } from '../dataset/tree-names.js';
import { bytesEqual } from '../tree/bytes.js';
import type { Edit } from '../tree/mutate.js';
import { mutateTreeCounting, type MutationCounts } from '../tree/mutate.js';
import type { NodeStore } from '../tree/node-store.js';
import { getValue, scan } from '../tree/read.js';
import { threeWayDiff, type ThreeWayChange } from '../tree/three-way-diff.js';
import type { ConflictKind, KeyConflict } from './merge-conflict.js';
import { settleRemovedTracks } from './merge-tracks.js';
import type { Snapshot } from './snapshot.js';

export const DUPLICATE_IOU = 0.9;

export type { ConflictKind, KeyConflict } from './merge-conflict.js';

/** Two labels added on one image, one per side, that look like the same object. */
export interface PossibleDuplicate {
  readonly image: string;
  readonly oursLabel: string;
  readonly theirsLabel: string;
  readonly ours: Uint8Array;
  readonly theirs: Uint8Array;
}

export interface SnapshotMerge {
  /** Ours plus every non-conflicting change of theirs. */
  readonly merged: Snapshot;
  readonly conflicts: readonly KeyConflict[];
  readonly duplicates: readonly PossibleDuplicate[];
  /** Both sides set a different schema version. */
  readonly schemaConflict: boolean;
  /** Both sides changed the category list differently. */
  readonly categoriesConflict: boolean;
  /** What applying theirs' changes did to ours, per tree. */
  readonly applied: Readonly<Record<TreeName, MutationCounts>>;
}

interface TreeMerge {
  readonly edits: Edit[];
  readonly conflicts: KeyConflict[];
  /** Keys theirs added that ours did not touch. */
  readonly theirsAdded: ThreeWayChange[];
}

export async function mergeSnapshots(
  nodes: NodeStore,
  base: Snapshot,
  ours: Snapshot,
  theirs: Snapshot,
): Promise<SnapshotMerge> {
  const perTree = {} as Record<TreeName, TreeMerge>;
  for (const name of TREE_NAMES) perTree[name] = await mergeTree(nodes, name, base, ours, theirs);
  await linkReviewsToLabelConflicts(nodes, perTree, ours, theirs);
  await settleRemovedTracks(nodes, perTree.tracks, perTree.keyframes, { base, ours, theirs });
  const trees = { ...ours.trees };
  const applied = {} as Record<TreeName, MutationCounts>;
  for (const name of TREE_NAMES) {
    const r = await mutateTreeCounting(nodes, hexToHash(ours.trees[name]), perTree[name].edits);
    trees[name] = hashToHex(r.root);
    applied[name] = r.counts;
  }
  const schema = mergeScalar(base.schema, ours.schema, theirs.schema);
  const categories = mergeScalar(base.categories, ours.categories, theirs.categories);
  return {
    merged: { trees, schema: schema.value, categories: categories.value },
    conflicts: TREE_NAMES.flatMap((n) => perTree[n].conflicts),
    duplicates: await findDuplicates(nodes, perTree.labels.theirsAdded, base, ours),
    schemaConflict: schema.conflict,
    categoriesConflict: categories.conflict,
    applied,
  };
}

async function mergeTree(
  nodes: NodeStore,
  tree: TreeName,
  base: Snapshot,
  ours: Snapshot,
  theirs: Snapshot,
): Promise<TreeMerge> {
  const out: TreeMerge = { edits: [], conflicts: [], theirsAdded: [] };
  const changes = threeWayDiff(
    nodes,
    hexToHash(base.trees[tree]),
    hexToHash(ours.trees[tree]),
    hexToHash(theirs.trees[tree]),
  );
  for await (const c of changes) {
    if (!c.oursChanged) {
      out.edits.push({ key: c.key, value: c.theirs ?? null });
      if (c.base === undefined) out.theirsAdded.push(c);
      continue;
    }
    if (sameValue(c.ours, c.theirs)) continue;
    out.conflicts.push({
      tree,
      key: c.key,
      kind: conflictKind(c),
      base: c.base,
      ours: c.ours,
      theirs: c.theirs,
    });
  }
  return out;
}

function conflictKind(c: ThreeWayChange): ConflictKind {
  if (c.base === undefined) return 'add/add';
  if (c.ours === undefined) return 'delete/modify';
  if (c.theirs === undefined) return 'modify/delete';
  return 'modify/modify';
}

/**
 * At a key whose label conflicts, the review goes with the label's resolution: a one-sided
 * review change there is held back (the merged tree keeps ours' review) and both reviews are
 * attached to the label's conflict. A review both sides changed differently stays a conflict of
 * its own.
 */
async function linkReviewsToLabelConflicts(
  nodes: NodeStore,
  perTree: Record<TreeName, TreeMerge>,
  ours: Snapshot,
  theirs: Snapshot,
): Promise<void> {
  const labelConflicts = perTree.labels.conflicts;
  if (labelConflicts.length === 0) return;
  const reviewConflicts = new Set(perTree.reviews.conflicts.map((c) => keyId(c.key)));
  const linked = new Set<string>();
  for (let i = 0; i < labelConflicts.length; i++) {
    const c = labelConflicts[i]!;
    if (reviewConflicts.has(keyId(c.key))) continue;
    const o = await getValue(nodes, hexToHash(ours.trees.reviews), c.key);
    const t = await getValue(nodes, hexToHash(theirs.trees.reviews), c.key);
    linked.add(keyId(c.key));
    if (!sameValue(o, t)) labelConflicts[i] = { ...c, review: { ours: o, theirs: t } };
  }
  const kept = perTree.reviews.edits.filter((e) => !linked.has(keyId(e.key)));
  perTree.reviews.edits.length = 0;
  perTree.reviews.edits.push(...kept);
}

/**
 * Labels theirs added, compared with the labels ours added on the same images (the keys of
 * ours' image range that the base lacks): same class and box IoU >= DUPLICATE_IOU.
 */
async function findDuplicates(
  nodes: NodeStore,
  theirsAdded: readonly ThreeWayChange[],
  base: Snapshot,
  ours: Snapshot,
): Promise<PossibleDuplicate[]> {
  const out: PossibleDuplicate[] = [];
  const oursAddedOn = new Map<string, { label: string; value: Uint8Array }[]>();
  for (const c of theirsAdded) {
    const k = decodeLabelKey(c.key);
    let candidates = oursAddedOn.get(k.image);
    if (!candidates) {
      candidates = await labelsAddedOn(nodes, k.image, base, ours);
      oursAddedOn.set(k.image, candidates);
    }
    if (candidates.length === 0) continue;
    const theirsContent = asObject(decodeValue(c.theirs!));
    for (const o of candidates) {
      if (o.label === k.label) continue;
      if (sameObject(asObject(decodeValue(o.value)), theirsContent, DUPLICATE_IOU)) {
        out.push({
          image: k.image,
          oursLabel: o.label,
          theirsLabel: k.label,
          ours: o.value,
          theirs: c.theirs!,
        });
      }
    }
  }
  return out;
}

async function labelsAddedOn(
  nodes: NodeStore,
  image: string,
  base: Snapshot,
  ours: Snapshot,
): Promise<{ label: string; value: Uint8Array }[]> {
  const range = imageLabelRange(image);
  const inBase = new Set<string>();
  for await (const [key] of scan(nodes, hexToHash(base.trees.labels), range))
    inBase.add(keyId(key));
  const added: { label: string; value: Uint8Array }[] = [];
  for await (const [key, value] of scan(nodes, hexToHash(ours.trees.labels), range)) {
    if (!inBase.has(keyId(key))) added.push({ label: decodeLabelKey(key).label, value });
  }
  return added;
}

function mergeScalar<T>(base: T, ours: T, theirs: T): { value: T; conflict: boolean } {
  if (ours === theirs || theirs === base) return { value: ours, conflict: false };
  if (ours === base) return { value: theirs, conflict: false };
  return { value: ours, conflict: true };
}

function sameValue(a: Uint8Array | undefined, b: Uint8Array | undefined): boolean {
  return a === undefined || b === undefined ? a === b : bytesEqual(a, b);
}

function asObject(v: JsonValue): { readonly [k: string]: JsonValue } {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? v : {};
}

function keyId(key: Uint8Array): string {
  return Buffer.from(key).toString('latin1');
}

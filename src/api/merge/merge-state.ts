/**
 * The pending merge of a branch: what `verso merge` stored when it stopped, and the decisions
 * made since (layer: api).
 *
 * Stored as JSON in the catalog (one per destination branch, replaced by version
 * compare-and-swap so two resolvers never lose each other's decision). Values are kept as the
 * hex of their stored bytes, so a resolution writes back exactly what a side had.
 *
 * Conflict ids, as `merge status` prints them and `merge resolve` takes them:
 * `labels/IMAGE/LABEL`, `reviews/IMAGE/LABEL`, `assets/IMAGE`, `splits/IMAGE`,
 * `tracks/VIDEO/TRACK` (a track removed on one side and changed on the other carries the
 * keyframes of the track that resolving to theirs writes), `keyframes/VIDEO/TRACK/FRAME`,
 * `duplicate/IMAGE/OURS_LABEL+THEIRS_LABEL`, `schema`, `categories` (the two category-list
 * chunks, decided with --ours/--theirs like the schema).
 */
import { decodeValue, type JsonValue } from '../../core/canonical.js';
import { NoPendingMergeError } from './merge-errors.js';
import type { ChunkHash } from '../../core/hash.js';
import { decodeRecordKey } from '../../dataset/label-key.js';
import { decodeKeyframeKey } from '../../dataset/track-key.js';
import type { TreeName } from '../../dataset/tree-names.js';
import type { MutationCounts } from '../../tree/mutate.js';
import type { Snapshot } from '../../vcs/snapshot.js';
import type { Repository } from '../repository/repository.js';

export type Choice = 'ours' | 'theirs' | 'both' | 'value';

export interface Resolution {
  readonly choice: Choice;
  /** For `value`: hex of the encoded value, or null to delete. */
  readonly value?: string | null;
  /** For `value` on a label: the review to store with it (hex, or null), when the file gave one. */
  readonly review?: string | null;
  readonly by: string;
  readonly at: string;
}

type Hex = string | null;

export interface StoredConflict {
  readonly id: string;
  readonly type: 'key' | 'duplicate' | 'schema' | 'categories';
  readonly kind: string;
  readonly tree?: TreeName;
  /** Hex of the record key (key conflicts), or of ours' label key (duplicates). */
  readonly key?: string;
  readonly base?: Hex;
  readonly ours?: Hex | string;
  readonly theirs?: Hex | string;
  readonly review?: { readonly ours: Hex; readonly theirs: Hex };
  /** A track one side removed and the other changed: keyframe edits (hex) resolving to theirs applies. */
  readonly keyframes?: readonly { readonly key: string; readonly value: Hex }[];
  /** Duplicates: hex key of theirs' label. */
  readonly theirsKey?: string;
  readonly resolution?: Resolution;
}

export interface PendingMerge {
  readonly format: 1;
  readonly into: string;
  readonly source: string;
  readonly ours: ChunkHash;
  readonly theirs: ChunkHash;
  readonly bases: readonly ChunkHash[];
  readonly merged: Snapshot;
  readonly theirsSchema: string | null;
  /** Theirs' category-list chunk (absent in merges stored before snapshots had one). */
  readonly theirsCategories?: ChunkHash | null;
  readonly applied: Readonly<Record<TreeName, MutationCounts>>;
  readonly message: string;
  readonly allowDuplicates: boolean;
  readonly startedBy: string;
  readonly startedAt: string;
  readonly conflicts: readonly StoredConflict[];
}

export interface LoadedMerge {
  readonly state: PendingMerge;
  readonly version: number;
}

export async function loadPendingMerge(repo: Repository, into: string): Promise<LoadedMerge> {
  const rec = await repo.catalog.getPendingMerge(into);
  if (!rec) throw new NoPendingMergeError(into);
  return { state: JSON.parse(rec.state) as PendingMerge, version: rec.version };
}

export async function savePendingMerge(
  repo: Repository,
  state: PendingMerge,
  expectedVersion: number | null,
): Promise<number> {
  return repo.catalog.putPendingMerge(state.into, JSON.stringify(state), expectedVersion);
}

export function toHex(bytes: Uint8Array | undefined): Hex {
  return bytes === undefined ? null : Buffer.from(bytes).toString('hex');
}

export function fromHex(hex: Hex | undefined): Uint8Array | null {
  return hex === null || hex === undefined ? null : Buffer.from(hex, 'hex');
}

/**
 * The id of a key conflict: `TREE/IMAGE[/LABEL]`; a video track's `tracks/VIDEO/TRACK`, one of
 * its keyframes `keyframes/VIDEO/TRACK/FRAME` (the frame number unpadded).
 */
export function keyConflictId(tree: TreeName, key: Uint8Array): string {
  if (tree === 'keyframes') {
    const k = decodeKeyframeKey(key);
    return `${tree}/${k.video}/${k.track}/${k.frame}`;
  }
  const k = decodeRecordKey(key);
  return k.label === undefined ? `${tree}/${k.image}` : `${tree}/${k.image}/${k.label}`;
}

/** A stored value as JSON for people (`undefined` when absent). */
export function displayValue(hex: Hex | undefined): JsonValue | undefined {
  const bytes = fromHex(hex);
  return bytes === null ? undefined : decodeValue(bytes);
}

/**
 * The merge commit of `state` when it already landed on the branch: a process that died between
 * moving the branch and deleting the pending record leaves such a record behind. Walks the
 * branch's first parents down to the generation of the head the merge started at, looking for
 * a commit with parents (ours, theirs).
 */
export async function landedMerge(
  repo: Repository,
  state: PendingMerge,
): Promise<ChunkHash | null> {
  const ref = await repo.catalog.getRef(state.into);
  const start = await repo.catalog.getCommit(state.ours);
  if (!ref || !start || ref.target === state.ours) return null;
  for (let id: ChunkHash | undefined = ref.target; id !== undefined;) {
    const entry = await repo.catalog.getCommit(id);
    if (!entry || entry.generation <= start.generation) return null;
    if (entry.parents[0] === state.ours && entry.parents[1] === state.theirs) return id;
    id = entry.parents[0];
  }
  return null;
}

export function isDecided(c: StoredConflict): boolean {
  return c.resolution !== undefined;
}

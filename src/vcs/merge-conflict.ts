/**
 * A conflict of the three-way merge at one record key (layer: vcs): `merge-snapshots.ts` finds
 * them, `merge-tracks.ts` turns a track removed on one side into one.
 */
import type { TreeName } from '../dataset/tree-names.js';
import type { Edit } from '../tree/mutate.js';

export type ConflictKind = 'modify/modify' | 'add/add' | 'modify/delete' | 'delete/modify';

/** Values are stored bytes; `undefined` = absent on that side. */
export interface KeyConflict {
  readonly tree: TreeName;
  readonly key: Uint8Array;
  readonly kind: ConflictKind;
  readonly base: Uint8Array | undefined;
  readonly ours: Uint8Array | undefined;
  readonly theirs: Uint8Array | undefined;
  /** For a labels conflict: the review of the same key, when it differs between the sides. */
  readonly review?: {
    readonly ours: Uint8Array | undefined;
    readonly theirs: Uint8Array | undefined;
  };
  /**
   * For a track one side removed and the other changed (`merge-tracks.ts`): the keyframes
   * edits that turn ours' keyframes of the track into theirs'.
   */
  readonly keyframes?: readonly Edit[];
}

/**
 * The keys a write read or wrote, per tree (layer: api): what a writer whose commit is "the
 * branch head plus these key edits" reports beside its snapshot, so that `write-to-branch.ts`
 * can rebase it onto a head that moved while it ran (`write-conflicts.ts` decides whether it
 * may). A writer that reports none is never rebased.
 *
 * `TouchedKeysCollector` gathers them while the writer builds; keys are kept once each, by
 * their bytes.
 */
import type { TreeName } from '../../dataset/tree-names.js';

export interface TouchedKeys {
  /** Per tree, the keys the write read or wrote (a tree not named was not touched). */
  readonly trees: Readonly<Partial<Record<TreeName, readonly Uint8Array[]>>>;
  /**
   * The write checked label contents against the snapshot's schema and category list, so a
   * change of either between two heads changes what the write means.
   */
  readonly schemaDependent: boolean;
}

export class TouchedKeysCollector {
  private readonly keys = new Map<TreeName, Map<string, Uint8Array>>();
  private dependsOnSchema = false;

  add(tree: TreeName, key: Uint8Array): void {
    let set = this.keys.get(tree);
    if (!set) this.keys.set(tree, (set = new Map()));
    set.set(Buffer.from(key.buffer, key.byteOffset, key.byteLength).toString('latin1'), key);
  }

  /** The write checks label contents against the schema and the category list. */
  checksSchema(): void {
    this.dependsOnSchema = true;
  }

  result(): TouchedKeys {
    const trees: Partial<Record<TreeName, readonly Uint8Array[]>> = {};
    for (const [tree, set] of this.keys) trees[tree] = [...set.values()];
    return { trees, schemaDependent: this.dependsOnSchema };
  }
}

/**
 * A pending merge for viewing (layer: ui/merge): its conflicts by image (a conflict id is
 * `TREE/IMAGE/LABEL`), and each image's overlay: the base version dashed grey, ours blue, theirs
 * orange, so both sides' edits can be compared on the pixels.
 */
import type { Conflict } from '../api/types.js';
import type { OverlayItem } from '../overlays/LabelOverlay.js';

export const MERGE_COLORS = { base: '#6b7280', ours: '#2563eb', theirs: '#ea580c' } as const;

export interface ConflictKey {
  readonly tree: string;
  readonly image: string;
  readonly label: string;
}

export function conflictKey(id: string): ConflictKey {
  const first = id.indexOf('/');
  const last = id.lastIndexOf('/');
  if (first < 0 || last <= first) return { tree: '', image: id, label: '' };
  return { tree: id.slice(0, first), image: id.slice(first + 1, last), label: id.slice(last + 1) };
}

export function conflictsByImage(conflicts: readonly Conflict[]): [string, Conflict[]][] {
  const by = new Map<string, Conflict[]>();
  for (const c of conflicts) {
    const { image } = conflictKey(c.id);
    by.set(image, [...(by.get(image) ?? []), c]);
  }
  return [...by];
}

export function mergeOverlay(conflicts: readonly Conflict[]): OverlayItem[] {
  const items: OverlayItem[] = [];
  for (const c of conflicts) {
    const { tree, label } = conflictKey(c.id);
    if (tree !== 'labels') continue;
    for (const side of ['base', 'ours', 'theirs'] as const) {
      const value = c[side];
      if (value)
        items.push({
          key: `${label}:${side}`,
          labelId: label,
          label: value,
          color: MERGE_COLORS[side],
          change: side,
          ...(side === 'base' ? { dashed: true } : {}),
          title: `${side} (${label})`,
        });
    }
  }
  return items;
}

/** The decision recorded on a conflict, as text (`theirs`), or undefined while undecided. */
export function decisionOf(c: Conflict): string | undefined {
  const r = c.resolution;
  if (!r) return undefined;
  const choice = r['choice'];
  return typeof choice === 'string' ? choice : 'decided';
}

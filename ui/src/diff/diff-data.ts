/**
 * A diff grouped for viewing (layer: ui/diff): the record-level changes between two refs
 * (`GET /diff`, as `verso diff --json`) by image, each image's label changes (labels tree) and
 * review changes (reviews tree), in the server's key order; and the overlay of an image: added
 * labels green (their new geometry), removed red (their old), changed yellow (new solid, old
 * dashed); side by side, the before image gets the removed and old versions, the after image the
 * added and new ones.
 */
import type { Change } from '../api/types.js';
import { DIFF_COLORS } from '../overlays/class-colors.js';
import type { OverlayItem } from '../overlays/LabelOverlay.js';

export interface ChangedImage {
  readonly image: string;
  readonly labels: readonly Change[];
  readonly reviews: readonly Change[];
  readonly asset: readonly Change[];
}

export function changedImages(changes: readonly Change[]): ChangedImage[] {
  const byImage = new Map<string, { labels: Change[]; reviews: Change[]; asset: Change[] }>();
  for (const c of changes) {
    // Splits, annotators' labelings and video tracks are not drawn on an image's labels.
    if (c.tree !== 'labels' && c.tree !== 'reviews' && c.tree !== 'assets') continue;
    let entry = byImage.get(c.key.image);
    if (!entry) byImage.set(c.key.image, (entry = { labels: [], reviews: [], asset: [] }));
    (c.tree === 'labels' ? entry.labels : c.tree === 'reviews' ? entry.reviews : entry.asset).push(
      c,
    );
  }
  return [...byImage].map(([image, e]) => ({ image, ...e }));
}

/** Which versions an overlay draws: both (overlaid), or one side of a side-by-side view. */
export type DiffSide = 'both' | 'before' | 'after';

export function diffOverlay(changes: readonly Change[], side: DiffSide = 'both'): OverlayItem[] {
  return overlaid(changes).filter(
    (item) =>
      side === 'both' ||
      (side === 'before'
        ? item.change === 'removed' || item.change === 'before'
        : item.change === 'added' || item.change === 'after'),
  );
}

function overlaid(changes: readonly Change[]): OverlayItem[] {
  const items: OverlayItem[] = [];
  for (const c of changes) {
    const labelId = c.key.label ?? '';
    if (c.change === 'added' && c.after)
      items.push({
        key: `${labelId}+`,
        labelId,
        label: c.after,
        color: DIFF_COLORS.added,
        change: 'added',
      });
    else if (c.change === 'removed' && c.before)
      items.push({
        key: `${labelId}-`,
        labelId,
        label: c.before,
        color: DIFF_COLORS.removed,
        change: 'removed',
      });
    else if (c.change === 'modified' && c.before && c.after) {
      items.push({
        key: `${labelId}<`,
        labelId,
        label: c.before,
        color: DIFF_COLORS.modified,
        dashed: true,
        change: 'before',
      });
      items.push({
        key: `${labelId}>`,
        labelId,
        label: c.after,
        color: DIFF_COLORS.modified,
        change: 'after',
      });
    }
  }
  return items;
}

/** A changed field as text: `bbox: [1,2,3,4] → [1,2,3,5]`. */
export function fieldChangeText(f: { field: string; before?: unknown; after?: unknown }): string {
  const show = (v: unknown) => (v === undefined ? '(absent)' : JSON.stringify(v));
  return `${f.field}: ${show(f.before)} → ${show(f.after)}`;
}

/**
 * The record kinds of a snapshot, one Prolly tree each (layer: dataset).
 *
 * - assets:  (image)        -> blob hash, media type, size, source, metadata
 * - labels:  (image, label) -> label content: class, geometry, attributes, annotator, time
 * - reviews: (image, label) -> review state: status, reviewer, reviewed_at, comment
 * - splits:  (image)        -> split name
 * Reviews live apart from labels because they change at another rhythm and reviewer identity
 * is audit data, never part of the label content.
 */
export const TREE_NAMES = ['assets', 'labels', 'reviews', 'splits'] as const;
export type TreeName = (typeof TREE_NAMES)[number];

/**
 * The record kinds of a snapshot, one Prolly tree each (layer: dataset).
 *
 * - assets:  (image)        -> blob hash, media type, size, source, metadata
 * - labels:  (image, label) -> label content: class, geometry, attributes, annotator, time
 * - reviews: (image, label) -> review state: status, reviewer, reviewed_at, comment
 * - splits:  (image)        -> split name
 * Reviews live apart from labels because they change at another rhythm and reviewer identity
 * is audit data, never part of the label content.
 *
 * Optional trees (issue 18), named by a snapshot only when they hold records, so every snapshot
 * written without them keeps its id:
 * - objects:     (image, object)            -> the object's reference content (several annotators)
 * - annotations: (image, object, annotator) -> one annotator's labeling of the object, as a patch
 *                                              on the reference (empty when they agree)
 * - tracks:      (video, track)             -> a video track: class, attributes, annotator
 * - keyframes:   (video, track, frame)      -> a track's geometry at a keyframe, outside/occluded
 */
export const CORE_TREE_NAMES = ['assets', 'labels', 'reviews', 'splits'] as const;
export const OPTIONAL_TREE_NAMES = ['objects', 'annotations', 'tracks', 'keyframes'] as const;
export const TREE_NAMES = [...CORE_TREE_NAMES, ...OPTIONAL_TREE_NAMES] as const;
export type TreeName = (typeof TREE_NAMES)[number];
export type CoreTreeName = (typeof CORE_TREE_NAMES)[number];
export type OptionalTreeName = (typeof OPTIONAL_TREE_NAMES)[number];

export function isOptionalTree(name: TreeName): name is OptionalTreeName {
  return (OPTIONAL_TREE_NAMES as readonly string[]).includes(name);
}

/** A value per core tree, and per optional tree that holds records (what `show` and diff stats list). */
export type NamedTrees<T> = Readonly<Record<CoreTreeName, T>> &
  Readonly<Partial<Record<OptionalTreeName, T>>>;

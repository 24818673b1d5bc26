/**
 * The static string dictionary of the canonical encoding, format 1 (layer: core).
 *
 * Object member names and string values found here are stored as a 1-2 byte index instead of
 * their UTF-8 bytes: label records repeat the same dozen field names millions of times, and a
 * static dictionary (as brotli has) removes that without a per-chunk compressor. It holds the
 * field names and enum values of the native interchange, COCO, CVAT and Label Studio, and the
 * 80 COCO category names (the lingua franca of detection taxonomies).
 *
 * Invariant: this list is part of the on-disk format. Entries may never be removed or
 * reordered; appending changes the encoding of values that use the new entries, so it needs a
 * new format version. The golden-hash test pins it.
 */
export const CANONICAL_DICTIONARY: readonly string[] = [
  // label fields (native interchange, COCO)
  'annotated_at', 'annotator', 'area', 'attributes', 'bbox', 'category', 'category_id', 'iscrowd',
  'segmentation', 'keypoints', 'num_keypoints', 'score', 'track_id', 'occluded', 'truncated',
  'difficult', 'kind', 'class', 'mask', 'polygon', 'points', 'counts', 'size', 'confidence',
  'group_id', 'z_order', 'rotation', 'source', 'id', 'image_id', 'label', 'image', 'name',
  'supercategory', 'skeleton', 'width', 'height', 'file_name', 'sha256', 'media_type', 'uri',
  'metadata', 'split', 'type', 'value', 'x', 'y', 'w', 'h', 'outside', 'keyframe', 'frame',
  'from_name', 'to_name', 'choices', 'rectanglelabels', 'polygonlabels', 'brushlabels',
  'created_at', 'updated_at', 'schema', 'version',
  // review fields and values
  'review', 'status', 'reviewer', 'reviewed_at', 'comment', 'approved', 'rejected', 'pending',
  'needs_review',
  // enum values
  'train', 'val', 'test', 'box', 'tag', 'rle', 'image/jpeg', 'image/png', 'true', 'false',
  // COCO categories ('train' is above)
  'person', 'bicycle', 'car', 'motorcycle', 'airplane', 'bus', 'truck', 'boat',
  'traffic light', 'fire hydrant', 'stop sign', 'parking meter', 'bench', 'bird', 'cat', 'dog',
  'horse', 'sheep', 'cow', 'elephant', 'bear', 'zebra', 'giraffe', 'backpack', 'umbrella',
  'handbag', 'tie', 'suitcase', 'frisbee', 'skis', 'snowboard', 'sports ball', 'kite',
  'baseball bat', 'baseball glove', 'skateboard', 'surfboard', 'tennis racket', 'bottle',
  'wine glass', 'cup', 'fork', 'knife', 'spoon', 'bowl', 'banana', 'apple', 'sandwich', 'orange',
  'broccoli', 'carrot', 'hot dog', 'pizza', 'donut', 'cake', 'chair', 'couch', 'potted plant',
  'bed', 'dining table', 'toilet', 'tv', 'laptop', 'mouse', 'remote', 'keyboard', 'cell phone',
  'microwave', 'oven', 'toaster', 'sink', 'refrigerator', 'book', 'clock', 'vase', 'scissors',
  'teddy bear', 'hair drier', 'toothbrush',
];

const INDEX = new Map<string, number>(CANONICAL_DICTIONARY.map((s, i) => [s, i]));

/** The dictionary index of `s`, or -1. */
export function dictionaryIndex(s: string): number {
  return INDEX.get(s) ?? -1;
}

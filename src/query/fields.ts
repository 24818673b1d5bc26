/**
 * The fields a filter can name and where each lives (layer: query).
 *
 * - key: `image`, `label` (ids);
 * - label content: `class` (`category`), `class_id` (`category_id`), `kind` (derived:
 *   keypoints > mask > polygon > box > tag, `dataset/label-geometry.ts`), `area`, `iscrowd`,
 *   `num_keypoints`, `annotator`, `annotated_at`, `attributes.X` (any X, nested with dots);
 * - review: `review.status`, `review.reviewer`, `review.at` (`reviewed_at`), `review.comment`;
 * - asset record: `image.width`, `image.height`, ... (`ASSET_FIELDS`);
 * - `split`: the image's split name;
 * - prediction (`pred(M).X`, `iou(pred(M), label)`): the label's matched prediction in the
 *   prediction set M (`dataset/prediction-match.ts`): `score`, `class`, `class_id`,
 *   `prediction` (its id), `margin`, `entropy` (`dataset/prediction-uncertainty.ts`),
 *   `attributes.X`; `iou` is the label's IoU with it (see `PRED_FIELDS`);
 * - several annotators (`annotations`): `annotators`, how many annotators labeled the object the
 *   label is (its key names an object of the `objects` tree, as `consensus` labels do; 0 for
 *   any other label), and `agreement`, the share of its image's annotator pairs that agree on
 *   it (`dataset/agreement-stats.ts` `objectAgreement`; missing below two annotators).
 * `date` marks fields whose values are ISO instants (named periods apply to them).
 */
export type FieldSource =
  | 'key'
  | 'label'
  | 'kind'
  | 'review'
  | 'asset'
  | 'split'
  | 'pred'
  | 'annotations'
  /** A track's summary (`resolveTrackField`): `length`, `keyframes`, `first`, `last`, `frame`. */
  | 'track';

/** Fields of the object a label is, from the annotations of its annotators. */
const ANNOTATION_FIELDS = ['annotators', 'agreement'] as const;

export interface FieldRef {
  /** As written in the expression. */
  readonly name: string;
  readonly source: FieldSource;
  /** Member path inside the source's object (`['attributes', 'occluded']`); key: `['image']`. */
  readonly path: readonly string[];
  readonly date: boolean;
  /** `pred` only: the prediction set as written (a set id or a model's NAME@VERSION). */
  readonly model?: string;
}

const LABEL_FIELDS: Readonly<Record<string, string>> = {
  class: 'category',
  class_id: 'category_id',
  area: 'area',
  iscrowd: 'iscrowd',
  num_keypoints: 'num_keypoints',
  annotator: 'annotator',
  annotated_at: 'annotated_at',
  score: 'score',
};

const REVIEW_FIELDS: Readonly<Record<string, string>> = {
  'review.status': 'status',
  'review.reviewer': 'reviewer',
  'review.at': 'reviewed_at',
  'review.comment': 'comment',
};

const ASSET_FIELDS = [
  'width',
  'height',
  'media_type',
  'file_name',
  'sha256',
  'size',
  'storage',
  'uri',
  'source_id',
  'coco_url',
  'flickr_url',
  'license',
  'date_captured',
] as const;

const DATE_FIELDS = new Set(['annotated_at', 'review.at']);

/** Every field name (and pattern) a filter accepts, for error messages and docs. */
export const FIELD_NAMES: readonly string[] = [
  'image',
  'label',
  ...Object.keys(LABEL_FIELDS),
  'kind',
  'attributes.X',
  ...Object.keys(REVIEW_FIELDS),
  ...ASSET_FIELDS.map((f) => `image.${f}`),
  'split',
  ...ANNOTATION_FIELDS,
];

/** The field `name` names, or undefined when it names none. */
export function resolveField(name: string): FieldRef | undefined {
  const date = DATE_FIELDS.has(name);
  if (name === 'image' || name === 'label') return { name, source: 'key', path: [name], date };
  if (name === 'kind') return { name, source: 'kind', path: [], date };
  if (name === 'split') return { name, source: 'split', path: [], date };
  if ((ANNOTATION_FIELDS as readonly string[]).includes(name))
    return { name, source: 'annotations', path: [name], date };
  const label = LABEL_FIELDS[name];
  if (label !== undefined) return { name, source: 'label', path: [label], date };
  const review = REVIEW_FIELDS[name];
  if (review !== undefined) return { name, source: 'review', path: [review], date };
  if (name.startsWith('image.') && (ASSET_FIELDS as readonly string[]).includes(name.slice(6)))
    return { name, source: 'asset', path: [name.slice(6)], date };
  const parts = name.split('.');
  if (parts[0] === 'attributes' && parts.length >= 2 && parts.every((p) => /^[\w-]+$/.test(p)))
    return { name, source: 'label', path: parts, date };
  return undefined;
}

/**
 * Fields of a label's matched prediction, `pred(M).X`: stored members (`score`, `category`,
 * `category_id`), the prediction id, and the derived `margin` and `entropy`. `iou` is reached as
 * `iou(pred(M), label)`.
 */
export const PRED_FIELDS: Readonly<Record<string, string>> = {
  score: 'score',
  class: 'category',
  class_id: 'category_id',
  prediction: 'prediction',
  margin: 'margin',
  entropy: 'entropy',
};

/** `pred(model).name`, or undefined when `name` is no prediction field. */
export function resolvePredField(model: string, name: string): FieldRef | undefined {
  const written = `pred(${model}).${name}`;
  const member = PRED_FIELDS[name];
  if (member !== undefined)
    return { name: written, source: 'pred', path: [member], date: false, model };
  const parts = name.split('.');
  if (parts[0] === 'attributes' && parts.length >= 2 && parts.every((p) => /^[\w-]+$/.test(p)))
    return { name: written, source: 'pred', path: parts, date: false, model };
  return undefined;
}

/** `iou(pred(model), label)`. */
export function predIouField(model: string): FieldRef {
  return { name: `iou(pred(${model}), label)`, source: 'pred', path: ['iou'], date: false, model };
}

/**
 * The fields of a track filter (`verso tracks --where`): `video` and `track` (the key's ids),
 * `track.class`, `track.annotator`, `track.attributes.X` (the track record), `track.length`
 * (frames where it is visible), `track.keyframes`, `track.first` and `track.last` (its first and
 * last visible frame), and `frame`, only as `frame in A..B` (visible at some frame of A..B).
 */
export const TRACK_FIELD_NAMES: readonly string[] = [
  'video',
  'track',
  'track.class',
  'track.annotator',
  'track.attributes.X',
  'track.length',
  'track.keyframes',
  'track.first',
  'track.last',
  'frame',
];

const TRACK_SUMMARY = new Set(['length', 'keyframes', 'first', 'last']);

/** The track field `name` names, or undefined when it names none. */
export function resolveTrackField(name: string): FieldRef | undefined {
  const field = (source: FieldSource, path: readonly string[]): FieldRef => ({
    name,
    source,
    path,
    date: false,
  });
  if (name === 'video') return field('key', ['image']);
  if (name === 'track') return field('key', ['label']);
  if (name === 'frame') return field('track', ['frame']);
  if (!name.startsWith('track.')) return undefined;
  const rest = name.slice('track.'.length);
  if (TRACK_SUMMARY.has(rest)) return field('track', [rest]);
  if (rest === 'class') return field('label', ['category']);
  if (rest === 'annotator') return field('label', ['annotator']);
  const parts = rest.split('.');
  if (parts[0] === 'attributes' && parts.length >= 2 && parts.every((p) => /^[\w-]+$/.test(p)))
    return field('label', parts);
  return undefined;
}

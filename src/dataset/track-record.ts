/**
 * Track and keyframe records: the values of the `tracks` and `keyframes` trees (layer: dataset).
 *
 * A track record (key (video, track)) holds what does not change from frame to frame:
 * `category` (class name, required), `category_id` (a format's class number, e.g. MOT's),
 * `shape` (the geometry kind of its keyframes), `attributes`, `annotator`, `source`,
 * `annotated_at`, `group_id`. A keyframe record (key (video, track, frame)) holds the geometry
 * at that frame in the label interchange's fields (exactly one of `bbox` [x, y, w, h],
 * `keypoints` [x, y, v, ...], `segmentation` [[x, y, ...]], `polyline` [x, y, ...]) and what
 * may change per frame: `outside` and `occluded` (stored only when true), `attributes`,
 * `z_order`, `confidence`, `visibility` and `world` (MOT's columns), and `keyframe: false` when the
 * source marked the shape as interpolated but interpolation did not reproduce it (so exports
 * can mark it the same way). Values are canonical objects, checked on encode and decode.
 */
import { decodeValue, encodeValue, type JsonValue } from '../core/canonical.js';
import { CorruptionError, InvalidArgumentError } from '../core/errors.js';

export const TRACK_SHAPES = ['box', 'points', 'polygon', 'polyline', 'skeleton'] as const;
export type TrackShape = (typeof TRACK_SHAPES)[number];

/** The geometry field of each shape's keyframes. */
export const SHAPE_FIELD: Readonly<Record<TrackShape, GeometryField>> = {
  box: 'bbox',
  points: 'keypoints',
  skeleton: 'keypoints',
  polygon: 'segmentation',
  polyline: 'polyline',
};
export type GeometryField = 'bbox' | 'keypoints' | 'segmentation' | 'polyline';
const GEOMETRY_FIELDS: readonly GeometryField[] = ['bbox', 'keypoints', 'segmentation', 'polyline'];

type JsonObject = { readonly [k: string]: JsonValue };

export interface TrackRecord {
  readonly category: string;
  readonly shape: TrackShape;
  readonly category_id?: number;
  readonly attributes?: JsonObject;
  readonly annotator?: string;
  readonly source?: string;
  readonly annotated_at?: string;
  readonly group_id?: number;
}

export interface KeyframeRecord {
  readonly bbox?: readonly number[];
  readonly keypoints?: readonly number[];
  readonly segmentation?: readonly (readonly number[])[];
  readonly polyline?: readonly number[];
  readonly outside?: true;
  readonly occluded?: true;
  readonly keyframe?: false;
  readonly attributes?: JsonObject;
  readonly z_order?: number;
  readonly confidence?: number;
  readonly visibility?: number;
  /** MOT15's world coordinates [x, y, z]. */
  readonly world?: readonly number[];
}

export interface RecordProblem {
  readonly field: string;
  readonly why: string;
}

const TRACK_FIELDS = new Set([
  'category',
  'shape',
  'category_id',
  'attributes',
  'annotator',
  'source',
  'annotated_at',
  'group_id',
]);
const KEYFRAME_FIELDS = new Set<string>([
  ...GEOMETRY_FIELDS,
  'outside',
  'occluded',
  'keyframe',
  'attributes',
  'z_order',
  'confidence',
  'visibility',
  'world',
]);

const isObject = (v: unknown): v is JsonObject =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const finite = (v: unknown) => typeof v === 'number' && Number.isFinite(v);
const numbers = (v: unknown) => Array.isArray(v) && v.every(finite);

function unknownField(r: object, known: Set<string>): RecordProblem | undefined {
  const extra = Object.keys(r).find((k) => !known.has(k));
  return extra === undefined ? undefined : { field: extra, why: 'not a field of this record' };
}

export function trackRecordProblem(r: TrackRecord): RecordProblem | undefined {
  const bad = (field: string, why: string) => ({ field, why });
  if (typeof r.category !== 'string' || r.category === '')
    return bad('category', 'expected a non-empty class name');
  if (!(TRACK_SHAPES as readonly string[]).includes(r.shape))
    return bad('shape', `expected one of ${TRACK_SHAPES.join(', ')}`);
  if (r.category_id !== undefined && !finite(r.category_id))
    return bad('category_id', 'expected a number');
  if (r.group_id !== undefined && !finite(r.group_id)) return bad('group_id', 'expected a number');
  if (r.attributes !== undefined && !isObject(r.attributes))
    return bad('attributes', 'expected an object');
  for (const k of ['annotator', 'source', 'annotated_at'] as const)
    if (r[k] !== undefined && typeof r[k] !== 'string') return bad(k, 'expected a string');
  return unknownField(r, TRACK_FIELDS);
}

/** The first problem of a keyframe of a track of `shape`, or undefined. */
export function keyframeRecordProblem(
  r: KeyframeRecord,
  shape: TrackShape,
): RecordProblem | undefined {
  const bad = (field: string, why: string) => ({ field, why });
  const field = SHAPE_FIELD[shape];
  for (const g of GEOMETRY_FIELDS)
    if (g !== field && r[g] !== undefined)
      return bad(g, `a ${shape} track's keyframes hold ${field}`);
  const geometry = r[field];
  if (geometry === undefined) return bad(field, 'missing');
  if (field === 'bbox' && !(numbers(geometry) && (geometry as number[]).length === 4))
    return bad('bbox', 'expected [x, y, width, height] of finite numbers');
  if (field === 'bbox' && ((geometry as number[])[2]! < 0 || (geometry as number[])[3]! < 0))
    return bad('bbox', 'width and height must be >= 0');
  if (field === 'keypoints' && !(numbers(geometry) && (geometry as number[]).length % 3 === 0))
    return bad('keypoints', 'expected [x, y, v, ...] of finite numbers');
  if (field === 'polyline' && !(numbers(geometry) && (geometry as number[]).length % 2 === 0))
    return bad('polyline', 'expected [x, y, ...] of finite numbers');
  if (field === 'segmentation' && !(Array.isArray(geometry) && geometry.every(numbers)))
    return bad('segmentation', 'expected polygon rings [[x, y, ...], ...]');
  if (r.outside !== undefined && r.outside !== true) return bad('outside', 'stored only as true');
  if (r.occluded !== undefined && r.occluded !== true)
    return bad('occluded', 'stored only as true');
  if (r.keyframe !== undefined && r.keyframe !== false)
    return bad('keyframe', 'stored only as false');
  if (r.attributes !== undefined && !isObject(r.attributes))
    return bad('attributes', 'expected an object');
  for (const k of ['z_order', 'confidence', 'visibility'] as const)
    if (r[k] !== undefined && !finite(r[k])) return bad(k, 'expected a number');
  if (r.world !== undefined && !numbers(r.world)) return bad('world', 'expected [x, y, z]');
  return unknownField(r, KEYFRAME_FIELDS);
}

export function encodeTrackRecord(r: TrackRecord): Uint8Array {
  const problem = trackRecordProblem(r);
  if (problem) throw new InvalidArgumentError(`track field '${problem.field}'`, '', problem.why);
  return encodeValue(r);
}

export function encodeKeyframeRecord(r: KeyframeRecord, shape: TrackShape): Uint8Array {
  const problem = keyframeRecordProblem(r, shape);
  if (problem) throw new InvalidArgumentError(`keyframe field '${problem.field}'`, '', problem.why);
  return encodeValue(r);
}

export function decodeTrackRecord(bytes: Uint8Array): TrackRecord {
  const v = decodeValue(bytes);
  const problem = isObject(v) ? trackRecordProblem(v as unknown as TrackRecord) : notObject;
  if (problem) throw new CorruptionError(`track record field '${problem.field}': ${problem.why}`);
  return v as unknown as TrackRecord;
}

/** A stored keyframe; its shape is checked by the reader that knows the track. */
export function decodeKeyframeRecord(bytes: Uint8Array): KeyframeRecord {
  const v = decodeValue(bytes);
  if (!isObject(v)) throw new CorruptionError('keyframe record is not an object');
  return v as unknown as KeyframeRecord;
}

const notObject: RecordProblem = { field: '(record)', why: 'not an object' };

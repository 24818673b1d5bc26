/**
 * The asset record: the value of one image in the `assets` tree (layer: dataset).
 *
 * This module is the one place that knows its fields; every writer (`add images`, format
 * importers such as COCO's `images`) goes through `encodeAssetRecord`, every reader through
 * `decodeAssetRecord`. The stored value is a canonical object (docs/formats.md, "Image assets"):
 * the known fields below plus any extra source fields (COCO `coco_url`, `license`, `source_id`,
 * ...) flattened in under their own names. `extra` may not reuse a known field name.
 *
 * Invariants checked on encode and decode:
 * - a video (issue 18) has `frame_count` (positive integer), and may have `frame_rate`
 *   (positive), `start_frame` (>= 0) and `frame_step` (positive integer);
 * - `file_name` is a non-empty string; `width`/`height` are both present (positive integers) or
 *   both absent; `size` is a non-negative integer; `sha256` is 64 lowercase hex chars;
 *   `orientation` is an EXIF orientation 1..8; `media_type` looks like `type/subtype`.
 * - `storage: 'blob'` needs `sha256` (the BlobStore key); `storage: 'reference'` needs `sha256`
 *   (the hash Verso verified) and `uri`; no `storage` means metadata only.
 * `width`/`height` are the dimensions as stored in the file (before any EXIF rotation).
 */
import { decodeValue, encodeValue, type JsonValue } from '../core/canonical.js';
import { CorruptionError, InvalidArgumentError } from '../core/errors.js';

export type AssetStorage = 'blob' | 'reference';

export interface AssetRecord {
  /** The path as the source gave it (relative to the folder that was added, or a base name). */
  readonly file_name: string;
  readonly width?: number;
  readonly height?: number;
  /** e.g. `image/jpeg`. */
  readonly media_type?: string;
  /** Hex SHA-256 of the bytes, when Verso verified them. */
  readonly sha256?: string;
  /** Size of the bytes. */
  readonly size?: number;
  /** Where the bytes are: the BlobStore, a reference at `uri`, or nowhere (metadata only). */
  readonly storage?: AssetStorage;
  /** Reference mode: an absolute path or a `file:` URI. Other sources may keep their URL here. */
  readonly uri?: string;
  /** EXIF orientation (2..8) when the file has one other than "normal"; width/height are as stored. */
  readonly orientation?: number;
  /** A video (or frame sequence): frames 0 .. frame_count - 1 by number (issue 18). */
  readonly frame_count?: number;
  /** A video's frames per second. */
  readonly frame_rate?: number;
  /** A video whose annotated frames start later than 0 (CVAT start_frame). */
  readonly start_frame?: number;
  /** A video annotated every N-th frame (CVAT frame_filter step=N). */
  readonly frame_step?: number;
  /** Other source fields, kept verbatim under their own names. */
  readonly extra?: Readonly<Record<string, JsonValue>>;
}

/** Which field of a record is wrong and why. */
export interface AssetRecordProblem {
  readonly field: string;
  readonly why: string;
}

const KNOWN_FIELDS = [
  'file_name',
  'width',
  'height',
  'media_type',
  'sha256',
  'size',
  'storage',
  'uri',
  'orientation',
  'frame_count',
  'frame_rate',
  'start_frame',
  'frame_step',
] as const;
const KNOWN = new Set<string>(KNOWN_FIELDS);
const SHA256_HEX = /^[0-9a-f]{64}$/;
const MEDIA_TYPE = /^[a-z]+\/[a-z0-9.+-]+$/;

const isPositiveInt = (x: unknown) => Number.isSafeInteger(x) && (x as number) > 0;

/** The first problem of a record, or undefined when it can be stored. */
export function assetRecordProblem(r: AssetRecord): AssetRecordProblem | undefined {
  const bad = (field: string, why: string) => ({ field, why });
  if (typeof r.file_name !== 'string' || r.file_name === '')
    return bad('file_name', 'expected a non-empty string');
  if ((r.width === undefined) !== (r.height === undefined))
    return bad(r.width === undefined ? 'width' : 'height', 'width and height go together');
  if (r.width !== undefined && !isPositiveInt(r.width))
    return bad('width', 'expected a positive integer');
  if (r.height !== undefined && !isPositiveInt(r.height))
    return bad('height', 'expected a positive integer');
  if (r.media_type !== undefined && !MEDIA_TYPE.test(r.media_type))
    return bad('media_type', 'expected a media type such as image/jpeg');
  if (r.sha256 !== undefined && !SHA256_HEX.test(r.sha256))
    return bad('sha256', 'expected 64 lowercase hex chars');
  if (r.size !== undefined && !(Number.isSafeInteger(r.size) && r.size >= 0))
    return bad('size', 'expected a non-negative integer');
  if (r.orientation !== undefined && !(isPositiveInt(r.orientation) && r.orientation <= 8))
    return bad('orientation', 'expected an EXIF orientation 1..8');
  if (r.frame_count !== undefined && !isPositiveInt(r.frame_count))
    return bad('frame_count', 'expected a positive integer');
  if (r.frame_rate !== undefined && !(Number.isFinite(r.frame_rate) && r.frame_rate > 0))
    return bad('frame_rate', 'expected a positive number');
  if (r.start_frame !== undefined && !(Number.isSafeInteger(r.start_frame) && r.start_frame >= 0))
    return bad('start_frame', 'expected a non-negative integer');
  if (r.frame_step !== undefined && !isPositiveInt(r.frame_step))
    return bad('frame_step', 'expected a positive integer');
  if (r.uri !== undefined && (typeof r.uri !== 'string' || r.uri === ''))
    return bad('uri', 'expected a non-empty string');
  if (r.storage !== undefined) {
    if (r.storage !== 'blob' && r.storage !== 'reference')
      return bad('storage', 'expected "blob" or "reference"');
    if (r.sha256 === undefined) return bad('sha256', `required with storage "${r.storage}"`);
    if (r.storage === 'reference' && r.uri === undefined)
      return bad('uri', 'required with storage "reference"');
  }
  for (const name of Object.keys(r.extra ?? {}))
    if (KNOWN.has(name)) return bad(name, 'an extra field may not reuse a known field name');
  return undefined;
}

/** The canonical bytes of a record; throws `InvalidArgumentError` naming the bad field. */
export function encodeAssetRecord(r: AssetRecord): Uint8Array {
  return encodeValue(assetRecordJson(r));
}

/** A stored record; throws `CorruptionError` (data: `field`, `why`) when it is not a valid record. */
export function decodeAssetRecord(bytes: Uint8Array): AssetRecord {
  const v = decodeValue(bytes);
  if (v === null || typeof v !== 'object' || Array.isArray(v))
    throw new CorruptionError('asset record is not an object');
  const record = assetRecordFromJson(v);
  const problem = assetRecordProblem(record);
  if (problem)
    throw new CorruptionError(`asset record field '${problem.field}': ${problem.why}`, {
      ...problem,
    });
  return record;
}

/**
 * A flat object (the stored shape, e.g. a COCO image) split into known fields and `extra`,
 * unchecked: pass it to `assetRecordProblem` before storing it.
 */
export function assetRecordFromJson(flat: { readonly [k: string]: JsonValue }): AssetRecord {
  const entries = Object.entries(flat);
  const known = Object.fromEntries(entries.filter(([k]) => KNOWN.has(k)));
  const extra = Object.fromEntries(entries.filter(([k]) => !KNOWN.has(k)));
  return {
    ...known,
    ...(entries.length > Object.keys(known).length ? { extra } : {}),
  } as unknown as AssetRecord;
}

/** A record as one flat JSON object (the stored shape); throws like `encodeAssetRecord`. */
export function assetRecordJson(r: AssetRecord): Record<string, JsonValue> {
  const problem = assetRecordProblem(r);
  if (problem) {
    const value =
      (r as unknown as Record<string, unknown>)[problem.field] ?? r.extra?.[problem.field];
    throw new InvalidArgumentError(`asset record field '${problem.field}'`, value, problem.why);
  }
  const out: Record<string, JsonValue> = { ...r.extra };
  for (const name of KNOWN_FIELDS) {
    const v = r[name];
    if (v !== undefined) out[name] = v;
  }
  return out;
}

/** The fields Verso measured from an image's bytes (`add images`, `import coco --images`). */
const MEASURED_FIELDS = [
  'sha256',
  'size',
  'storage',
  'uri',
  'media_type',
  'orientation',
  'width',
  'height',
] as const;

/**
 * The record an import puts over a stored one: the import's fields, but when the stored record
 * points at bytes Verso verified (`storage`) and the import brings none of its own, the fields
 * measured from them stay (an annotation file cannot know them better); a size the import gives
 * that differs from the measured one is a problem (the annotations were drawn on another image).
 */
export function keepVerifiedBytes(
  stored: AssetRecord,
  incoming: { readonly [k: string]: JsonValue },
): { readonly record: { readonly [k: string]: JsonValue } } | AssetRecordProblem {
  if (stored.storage === undefined || incoming['storage'] !== undefined)
    return { record: incoming };
  const [w, h] = [incoming['width'], incoming['height']];
  if ((w !== undefined && w !== stored.width) || (h !== undefined && h !== stored.height))
    return {
      field: w !== stored.width ? 'width' : 'height',
      why: `the file says ${String(w)}x${String(h)} but the stored image (verified bytes, ${stored.storage}) is ${String(stored.width)}x${String(stored.height)}`,
    };
  const out: { [k: string]: JsonValue } = { ...incoming };
  for (const name of MEASURED_FIELDS) {
    const v = stored[name];
    if (v !== undefined) out[name] = v;
    else delete out[name];
  }
  return { record: out };
}

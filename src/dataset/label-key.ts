/**
 * Tree keys for dataset records (layer: dataset).
 *
 * Labels and reviews are keyed by the tuple (image, label); assets and splits by (image). With
 * the order-preserving tuple encoding all labels of an image are one contiguous key range.
 *
 * Ids are bounded: at most MAX_ID_BYTES (1 KiB) of UTF-8 each, so a label key is at most ~2 KiB
 * and a leaf or internal node holds several keys (chunks target 4 KiB, max 16 KiB). Unbounded
 * ids made nodes of one key each (issue 10 item 7). Every key encoder checks the bound
 * (`IdTooLongError`), so no write path can store a longer id; parsers that know the file and
 * line check first with `idTooLong` and name them.
 */
import { decodeTuple, encodeTuple, tuplePrefixRange } from '../core/tuple.js';
import { CorruptionError, VersoError } from '../core/errors.js';

/** The longest image or label id, in bytes of UTF-8 (documented in docs/formats.md). */
export const MAX_ID_BYTES = 1024;

/** An image or label id longer than MAX_ID_BYTES. */
export class IdTooLongError extends VersoError {
  constructor(field: 'image' | 'label', id: string) {
    super('InvalidInput', 'ID_TOO_LONG', `${field} id ${idTooLong(id) ?? 'is too long'}`, {
      field,
      bytes: Buffer.byteLength(id, 'utf8'),
      limit: MAX_ID_BYTES,
      start: id.slice(0, 40),
    });
  }
}

/** Why `id` is too long to be an image or label id, or undefined if it fits. */
export function idTooLong(id: string): string | undefined {
  // A UTF-16 code unit is at most 3 bytes of UTF-8: short ids need no byte count.
  if (id.length * 3 <= MAX_ID_BYTES) return undefined;
  const bytes = Buffer.byteLength(id, 'utf8');
  if (bytes <= MAX_ID_BYTES) return undefined;
  return `'${id.slice(0, 40)}...' is ${bytes} bytes long; ids are limited to ${MAX_ID_BYTES} bytes (UTF-8)`;
}

function checkId(field: 'image' | 'label', id: string): void {
  if (id.length * 3 > MAX_ID_BYTES && idTooLong(id) !== undefined)
    throw new IdTooLongError(field, id);
}

export interface LabelKey {
  readonly image: string;
  readonly label: string;
}

export interface RecordKey {
  readonly image: string;
  readonly label?: string;
}

export function encodeLabelKey(image: string, label: string): Uint8Array {
  checkId('image', image);
  checkId('label', label);
  return encodeTuple([image, label]);
}

/** The key of an image's record in the assets and splits trees. */
export function encodeImageKey(image: string): Uint8Array {
  checkId('image', image);
  return encodeTuple([image]);
}

/** The key range holding every label (or review) of one image: [start, end). */
export function imageLabelRange(image: string): { start: Uint8Array; end: Uint8Array } {
  return tuplePrefixRange([image]);
}

export function decodeRecordKey(key: Uint8Array): RecordKey {
  const parts = decodeTuple(key);
  if (parts.length === 1) return { image: parts[0]! };
  if (parts.length === 2) return { image: parts[0]!, label: parts[1]! };
  throw new CorruptionError(`record key has ${parts.length} elements`);
}

export function decodeLabelKey(key: Uint8Array): LabelKey {
  const k = decodeRecordKey(key);
  if (k.label === undefined) throw new CorruptionError('expected an (image, label) key');
  return { image: k.image, label: k.label };
}

/**
 * The image key (`encodeImageKey(image)`) that a label key starts with, as a view of its bytes:
 * the first tuple element and its terminator (a 0x00 not followed by the escape byte 0xFF).
 */
export function imageKeyOf(labelKey: Uint8Array): Uint8Array {
  for (let i = 1; i < labelKey.length; i++)
    if (labelKey[i] === 0 && labelKey[i + 1] !== 0xff) return labelKey.subarray(0, i + 1);
  throw new CorruptionError('expected an (image, label) key');
}

/**
 * Tree keys for dataset records (layer: dataset).
 *
 * Labels and reviews are keyed by the tuple (image, label); assets and splits by (image). With
 * the order-preserving tuple encoding all labels of an image are one contiguous key range.
 */
import { decodeTuple, encodeTuple, tuplePrefixRange } from '../core/tuple.js';
import { CorruptionError } from '../core/errors.js';

export interface LabelKey {
  readonly image: string;
  readonly label: string;
}

export interface RecordKey {
  readonly image: string;
  readonly label?: string;
}

export function encodeLabelKey(image: string, label: string): Uint8Array {
  return encodeTuple([image, label]);
}

/** The key of an image's record in the assets and splits trees. */
export function encodeImageKey(image: string): Uint8Array {
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

/**
 * Tree keys of video tracks (layer: dataset).
 *
 * - `tracks`:    (video, track)        -> the track record (`track-record.ts`)
 * - `keyframes`: (video, track, frame) -> the geometry at one keyframe
 * The tuple encoding (`core/tuple.ts`) holds strings only, so a frame number is written as a
 * fixed-width zero-padded decimal of FRAME_DIGITS digits: bytewise key order is then frame
 * order, and the keyframes of one track are one contiguous key range (`trackKeyframeRange`),
 * as are all tracks and keyframes of one video (`videoRange`). Ten digits hold any frame of
 * any real video (10^10 frames are ten years at 30 fps); a numeric tuple element type would
 * save a few bytes a key but change the core encoding every other tree relies on, so a padded
 * string it is. Video and track ids are bounded like image ids (MAX_ID_BYTES).
 */
import { CorruptionError, InvalidArgumentError } from '../core/errors.js';
import { decodeTuple, encodeTuple, tuplePrefixRange } from '../core/tuple.js';
import { idTooLong } from './label-key.js';

/** Digits of a frame number in a keyframe key. */
export const FRAME_DIGITS = 10;
/** One more than the largest frame number a key can hold. */
export const FRAME_LIMIT = 10 ** FRAME_DIGITS;

export interface TrackKey {
  readonly video: string;
  readonly track: string;
}

export interface KeyframeKey extends TrackKey {
  readonly frame: number;
}

/** Why `frame` is not a frame number, or undefined. */
export function frameProblem(frame: number): string | undefined {
  if (!Number.isSafeInteger(frame) || frame < 0)
    return `expected a frame number >= 0, got ${frame}`;
  if (frame >= FRAME_LIMIT) return `frame ${frame} is beyond the largest frame ${FRAME_LIMIT - 1}`;
  return undefined;
}

/** Why `id` cannot be a video or track id, or undefined. */
export function trackIdProblem(id: string): string | undefined {
  if (typeof id !== 'string' || id === '') return 'expected a non-empty id';
  return idTooLong(id);
}

function checkIds(video: string, track?: string): void {
  const v = trackIdProblem(video);
  if (v) throw new InvalidArgumentError('video id', video, v);
  if (track === undefined) return;
  const t = trackIdProblem(track);
  if (t) throw new InvalidArgumentError('track id', track, t);
}

/** The frame as its key element: FRAME_DIGITS decimal digits. */
export function frameElement(frame: number): string {
  const problem = frameProblem(frame);
  if (problem) throw new InvalidArgumentError('frame', frame, problem);
  return String(frame).padStart(FRAME_DIGITS, '0');
}

export function encodeTrackKey(video: string, track: string): Uint8Array {
  checkIds(video, track);
  return encodeTuple([video, track]);
}

export function encodeKeyframeKey(video: string, track: string, frame: number): Uint8Array {
  checkIds(video, track);
  return encodeTuple([video, track, frameElement(frame)]);
}

export function decodeTrackKey(key: Uint8Array): TrackKey {
  const parts = decodeTuple(key);
  if (parts.length !== 2) throw new CorruptionError(`track key has ${parts.length} elements`);
  return { video: parts[0]!, track: parts[1]! };
}

export function decodeKeyframeKey(key: Uint8Array): KeyframeKey {
  const parts = decodeTuple(key);
  const digits = parts[2];
  if (parts.length !== 3 || digits === undefined || !/^\d+$/.test(digits))
    throw new CorruptionError('expected a (video, track, frame) key');
  if (digits.length !== FRAME_DIGITS)
    throw new CorruptionError(`keyframe key frame '${digits}' is not ${FRAME_DIGITS} digits`);
  return { video: parts[0]!, track: parts[1]!, frame: Number(digits) };
}

/** [start, end): every track (or keyframe) of one video. */
export function videoRange(video: string): { start: Uint8Array; end: Uint8Array } {
  checkIds(video);
  return tuplePrefixRange([video]);
}

/** [start, end): every keyframe of one track. */
export function trackKeyframeRange(
  video: string,
  track: string,
): { start: Uint8Array; end: Uint8Array } {
  checkIds(video, track);
  return tuplePrefixRange([video, track]);
}

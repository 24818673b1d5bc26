/**
 * A prediction set's ranking trees (layer: dataset, issue 17): for each strategy that does not
 * depend on a seed, one entry per image, keyed so that key order is `select`'s order (hardest
 * first, ties by image id ascending) and valued with the image's deciding prediction. `select
 * --top N` then reads the first entries instead of scoring every prediction of the set.
 *
 * Key: the image's hardness as 8 order-preserving bytes (the IEEE 754 bits with the sign bit
 * flipped, or every bit for negatives; hardness is the difficulty for margin, where smaller is
 * harder, and its negation otherwise; -0 is +0), then the image id as a tuple (ascending).
 */
import { decodeValue, encodeValue } from '../core/canonical.js';
import { CorruptionError } from '../core/errors.js';
import { encodeTuple } from '../core/tuple.js';
import type { PredictionStrategy } from './prediction-uncertainty.js';

/** The strategies a set is ranked by when it is stored (random depends on its seed). */
export const RANKED_STRATEGIES = ['least-confidence', 'margin', 'entropy'] as const;
export type RankedStrategy = (typeof RANKED_STRATEGIES)[number];

export function isRankedStrategy(s: string): s is RankedStrategy {
  return (RANKED_STRATEGIES as readonly string[]).includes(s);
}

/** An image with its deciding prediction under one strategy. */
export interface RankedImage {
  readonly image: string;
  readonly difficulty: number;
  readonly prediction: string;
  readonly category: string;
}

export function rankingKey(strategy: PredictionStrategy, r: RankedImage): Uint8Array {
  const hardness = strategy === 'margin' ? r.difficulty : -r.difficulty;
  const image = encodeTuple([r.image]);
  const key = new Uint8Array(8 + image.length);
  new DataView(key.buffer).setFloat64(0, hardness === 0 ? 0 : hardness);
  if (key[0]! & 0x80) for (let i = 0; i < 8; i++) key[i] = key[i]! ^ 0xff;
  else key[0] = key[0]! ^ 0x80;
  key.set(image, 8);
  return key;
}

export function encodeRankedImage(r: RankedImage): Uint8Array {
  return encodeValue({ ...r });
}

export function decodeRankedImage(bytes: Uint8Array): RankedImage {
  const v = decodeValue(bytes) as Partial<RankedImage> | null;
  if (
    !v ||
    typeof v.image !== 'string' ||
    typeof v.difficulty !== 'number' ||
    typeof v.prediction !== 'string' ||
    typeof v.category !== 'string'
  )
    throw new CorruptionError('a prediction ranking entry is malformed');
  return v as RankedImage;
}

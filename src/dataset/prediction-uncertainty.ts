/**
 * How uncertain a model is about one prediction, per active-learning strategy (layer: dataset,
 * pure). The probabilities P of a prediction are its `scores` values when it has them, with
 * top = max(P) and second = the next largest (0 when there is none). Without `scores`, top is
 * `score` (the top score, by definition) and the rest of the mass is one alternative:
 * P = [score, 1 - score], second = 1 - score (so margin is 2 score - 1, negative below 0.5).
 * Then, in float64:
 * - least-confidence: 1 - top                     (larger is harder)
 * - margin:           top - second                (smaller is harder)
 * - entropy:          -sum(q ln q), q = P / sum(P), over q > 0 (larger is harder; without
 *                     `scores` the two-way entropy of the top score)
 * - random:           a uniform number in [0, 1) from SHA-256 of (seed, image) (larger first),
 *                     the same for every prediction of the image, so a seed fixes the order.
 * An image's difficulty is that of its most uncertain prediction (`harder` picks it).
 * `disagreement` is not a property of one prediction but of a prediction and the label it is
 * matched to (the predicted class differs; its value is the prediction's top score, larger is
 * harder): `api/lineage/predict-disagreements.ts` computes it.
 */
import type { JsonValue } from '../core/canonical.js';
import { sha256Hex } from '../core/hash.js';

/** Strategies that rate one prediction on its own. */
export const PREDICTION_STRATEGIES = ['least-confidence', 'margin', 'entropy', 'random'] as const;
export type PredictionStrategy = (typeof PREDICTION_STRATEGIES)[number];
export const SELECT_STRATEGIES = [...PREDICTION_STRATEGIES, 'disagreement'] as const;
export type SelectStrategy = (typeof SELECT_STRATEGIES)[number];

type Content = { readonly [field: string]: JsonValue };

/** P of a stored prediction content (see the header). */
export function probabilitiesOf(content: Content): number[] {
  const scores = content['scores'];
  if (scores && typeof scores === 'object' && !Array.isArray(scores))
    return Object.values(scores).filter((v): v is number => typeof v === 'number');
  const score = typeof content['score'] === 'number' ? content['score'] : 0;
  return [score, 1 - score];
}

/** [top, second] of a stored prediction content (see the header). */
export function topTwoOf(content: Content): [number, number] {
  if (content['scores'] === undefined) {
    const score = typeof content['score'] === 'number' ? content['score'] : 0;
    return [score, 1 - score];
  }
  const [top = 0, second = 0] = probabilitiesOf(content).sort((a, b) => b - a);
  return [top, second];
}

/** The strategy's uncertainty value of one prediction (random: of its image). */
export function uncertainty(
  strategy: PredictionStrategy,
  content: Content,
  image: string,
  seed: string,
): number {
  switch (strategy) {
    case 'least-confidence':
      return 1 - topTwoOf(content)[0];
    case 'margin': {
      const [top, second] = topTwoOf(content);
      return top - second;
    }
    case 'entropy':
      return entropyOf(probabilitiesOf(content));
    case 'random':
      return (
        parseInt(sha256Hex(new TextEncoder().encode(`${seed}\u0000${image}`)).slice(0, 13), 16) /
        2 ** 52
      );
  }
}

/**
 * least-confidence, margin and entropy of one prediction at once (one read of its
 * probabilities), each exactly `uncertainty`'s value: the same float64 operations in the same
 * order (top and second are the same numbers whether sorted or found in one pass).
 */
export function seedlessUncertainties(content: Content): [number, number, number] {
  if (content['scores'] === undefined) {
    const score = typeof content['score'] === 'number' ? content['score'] : 0;
    return [1 - score, score - (1 - score), entropyOf([score, 1 - score])];
  }
  const p = probabilitiesOf(content);
  let top = 0;
  let second = 0;
  if (p.length > 0) {
    [top, second] = [p[0]!, p.length > 1 ? -Infinity : 0];
    for (let i = 1; i < p.length; i++) {
      const x = p[i]!;
      if (x > top) [top, second] = [x, top];
      else if (x > second) second = x;
    }
  }
  return [1 - top, top - second, entropyOf(p)];
}

function entropyOf(p: readonly number[]): number {
  const sum = p.reduce((a, b) => a + b, 0);
  let h = 0;
  for (const x of p) if (x > 0) h -= (x / sum) * Math.log(x / sum);
  return h;
}

/** True when value `a` is harder than `b` under `strategy` (margin: smaller is harder). */
export function harder(strategy: SelectStrategy, a: number, b: number): boolean {
  return strategy === 'margin' ? a < b : a > b;
}

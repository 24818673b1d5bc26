/**
 * `matchPredictions` against the matching as documented, computed the slow way: repeatedly the
 * remaining (label, prediction) pair of highest IoU >= 0.5, the first label and then the first
 * prediction winning a tie (fast-check, boxes on a small grid so that ties and exact repeats
 * happen).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Box } from './label-overlap.js';
import { boxIoU } from './label-overlap.js';
import { matchPredictions } from './prediction-match.js';

const boxArb: fc.Arbitrary<Box | undefined> = fc.option(
  fc.tuple(
    fc.integer({ min: 0, max: 6 }),
    fc.integer({ min: 0, max: 6 }),
    fc.integer({ min: 1, max: 4 }),
    fc.integer({ min: 1, max: 4 }),
  ),
  { nil: undefined, freq: 8 },
);

function slowMatch(labels: readonly (Box | undefined)[], preds: readonly (Box | undefined)[]) {
  const taken = new Map<number, number>();
  const used = new Set<number>();
  for (;;) {
    let best: [number, number, number] | undefined;
    labels.forEach((l, i) =>
      preds.forEach((p, j) => {
        if (!l || !p || taken.has(i) || used.has(j)) return;
        const v = boxIoU(l, p);
        if (v >= 0.5 && (!best || v > best[0])) best = [v, i, j];
      }),
    );
    if (!best) break;
    taken.set(best[1], best[2]);
    used.add(best[2]);
  }
  return labels.map((l, i) => {
    const j = taken.get(i);
    const all = preds.map((p) => (l && p ? boxIoU(l, p) : 0));
    return { prediction: j, iou: j === undefined ? Math.max(0, ...all) : all[j]! };
  });
}

describe('matchPredictions', () => {
  it('equals the slow greedy matching, each label and prediction used once', () => {
    fc.assert(
      fc.property(
        fc.array(boxArb, { maxLength: 8 }),
        fc.array(boxArb, { maxLength: 8 }),
        (labels, preds) => {
          const got = matchPredictions(labels, preds);
          expect(got).toEqual(slowMatch(labels, preds));
          const used = got.flatMap((m) => (m.prediction === undefined ? [] : [m.prediction]));
          expect(new Set(used).size).toBe(used.length);
        },
      ),
      { seed: 20261207, numRuns: 500 },
    );
  });
});

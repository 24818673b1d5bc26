/**
 * Which prediction of an image is which label's (layer: dataset, pure): the matching the filter
 * language's `pred(M)` terms read (docs/formats.md, "Filter language").
 *
 * Class-agnostic box IoU (`label-overlap.ts`: a label's box is its `bbox`, else its polygon's
 * extent; without either it never matches), greedy: every (label, prediction) pair with IoU >=
 * `PREDICTION_MATCH_IOU` is taken in order of IoU descending (ties: the label first in key
 * order, then the prediction first in key order), skipping pairs whose label or prediction is
 * already taken, so each label gets at most one prediction and each prediction at most one
 * label. Scores play no part (filter on `pred(M).score` to restrict). Greedy rather than
 * Hungarian: it is what detection evaluation (COCO, VOC) does, it is O(n m log nm) per image,
 * and a pair above 0.5 IoU leaves little room for a different optimum.
 *
 * Each label also gets `iou`: the IoU with its matched prediction, or, unmatched, its largest IoU
 * with any prediction of the image (0 when there is none), so `iou(pred(M), label) < 0.5` finds
 * the labels the model did not localise.
 */
import type { Box } from './label-overlap.js';
import { boxIoU } from './label-overlap.js';

/** IoU from which a prediction is a label's (the PASCAL VOC / COCO AP50 threshold). */
export const PREDICTION_MATCH_IOU = 0.5;

export interface LabelPredictionMatch {
  /** Index of the matched prediction, or undefined. */
  readonly prediction: number | undefined;
  readonly iou: number;
}

/** One match per label (same order); labels and predictions each in key order. */
export function matchPredictions(
  labels: readonly (Box | undefined)[],
  predictions: readonly (Box | undefined)[],
  threshold = PREDICTION_MATCH_IOU,
): LabelPredictionMatch[] {
  const best = labels.map(() => 0);
  const pairs: { iou: number; l: number; p: number }[] = [];
  labels.forEach((lb, l) => {
    if (!lb) return;
    predictions.forEach((pb, p) => {
      if (!pb) return;
      const iou = boxIoU(lb, pb);
      if (iou > best[l]!) best[l] = iou;
      if (iou >= threshold) pairs.push({ iou, l, p });
    });
  });
  pairs.sort((a, b) => b.iou - a.iou || a.l - b.l || a.p - b.p);
  const out: { prediction: number | undefined; iou: number }[] = best.map((iou) => ({
    prediction: undefined,
    iou,
  }));
  const taken = new Set<number>();
  for (const { iou, l, p } of pairs) {
    if (out[l]!.prediction !== undefined || taken.has(p)) continue;
    taken.add(p);
    out[l] = { prediction: p, iou };
  }
  return out;
}

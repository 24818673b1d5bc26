/**
 * Which object of an image each label of one annotator is (layer: dataset; pure).
 * docs/architecture.md, "Several annotators".
 *
 * 1. by id: a label whose id is the id of an object of the image (not yet taken by this
 *    annotator) is that object;
 * 2. by overlap: the remaining labels and objects whose boxes (`labelBox`) overlap with IoU >=
 *    `minIoU` are paired by a minimum-cost assignment (`assignment.ts`, cost 1 - IoU, plus
 *    `CLASS_PENALTY` when the classes (`labelClass`) differ), so one object never takes two
 *    labels of one annotator and the pairing is the best overall, not greedy. Class is a
 *    preference, not a gate: an annotator who drew the same box with another class labelled the
 *    same object and disagrees on its class, which is what consensus votes on and kappa measures;
 * 3. a label left over is a new object.
 * Objects are compared by their reference content.
 */
import type { LabelContent } from './label-line.js';
import { boxIoU, labelBox, labelClass } from './label-overlap.js';
import { assign } from './assignment.js';

/** IoU from which two labels drawn by two annotators are one object. */
export const ANNOTATOR_MATCH_IOU = 0.5;
/** Added to a pair's cost when the classes differ: larger than any IoU difference (at most 1). */
export const CLASS_PENALTY = 1;

export interface ImageObject {
  readonly object: string;
  readonly reference: LabelContent;
}

export interface IncomingLabel {
  readonly label: string;
  readonly content: LabelContent;
}

/** Per incoming label, the index of its object in `objects`, or -1 (a new object). */
export function matchToObjects(
  objects: readonly ImageObject[],
  labels: readonly IncomingLabel[],
  minIoU = ANNOTATOR_MATCH_IOU,
): number[] {
  const out = labels.map(() => -1);
  const byId = new Map(objects.map((o, i) => [o.object, i]));
  const taken = new Set<number>();
  labels.forEach((l, i) => {
    const j = byId.get(l.label);
    if (j !== undefined && !taken.has(j)) {
      out[i] = j;
      taken.add(j);
    }
  });
  const rows = labels.flatMap((l, i) => (out[i] === -1 && labelBox(l.content) ? [i] : []));
  const cols = objects.flatMap((o, j) => (!taken.has(j) && labelBox(o.reference) ? [j] : []));
  if (rows.length === 0 || cols.length === 0) return out;
  const cost = rows.map((i) => {
    const l = labels[i]!.content;
    const box = labelBox(l)!;
    const cls = labelClass(l);
    return cols.map((j) => {
      const ref = objects[j]!.reference;
      const iou = boxIoU(box, labelBox(ref)!);
      if (iou < minIoU) return Infinity;
      return 1 - iou + (labelClass(ref) === cls ? 0 : CLASS_PENALTY);
    });
  });
  assign(cost).forEach((c, r) => {
    if (c >= 0) out[rows[r]!] = cols[c]!;
  });
  return out;
}

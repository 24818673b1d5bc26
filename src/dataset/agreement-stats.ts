/**
 * Inter-annotator agreement (layer: dataset; pure). docs/architecture.md, "Several annotators".
 *
 * Fed one image at a time with its objects and, per object, each annotator's class and box
 * (object identity was decided at import: `object-matching.ts`). For a pair of annotators, only
 * images both labeled count. A pair's match on an object: both labeled it, same class, box IoU
 * >= `ANNOTATOR_MATCH_IOU` (or no box on either side).
 * - F1 of a pair: 2 * matches / (labels of a + labels of b), over the images both labeled;
 * - mean IoU: over the matches with boxes;
 * - Cohen's kappa of a pair over the objects both labeled: (po - pe) / (1 - pe), po the share
 *   with the same class, pe = sum over classes of the product of the two annotators' class shares;
 *   null when undefined (no shared object, or pe = 1);
 * - Fleiss' kappa over the objects with at least two raters, the form for varying rater counts:
 *   P_i = (sum_j n_ij^2 - n_i) / (n_i (n_i - 1)), P = mean P_i, p_j = n_j / sum n_i,
 *   Pe = sum p_j^2, kappa = (P - Pe) / (1 - Pe).
 * Per class: F1 and mean IoU with matches and labels counted per class; per image: F1 over the
 * image's pairs; per annotator: their labels and the mean of their pairs' F1, kappa and IoU.
 * One object's agreement (the filter's `agreement`, `objectAgreement`): the share of the
 * image's annotator pairs that match on it, so an object one of three annotators drew is 0.
 */
import { boxIoU, type Box } from './label-overlap.js';
import { ANNOTATOR_MATCH_IOU } from './object-matching.js';

export interface Vote {
  readonly annotator: string;
  readonly cls: string;
  readonly box: Box | undefined;
}

interface Pair extends F1Tally {
  shared: number;
  same: number;
  classesA: Map<string, number>;
  classesB: Map<string, number>;
}

interface F1Tally {
  matches: number;
  labels: number;
  iouSum: number;
  iouN: number;
}

export interface PairAgreement {
  readonly a: string;
  readonly b: string;
  readonly f1: number | null;
  readonly kappa: number | null;
  readonly mean_iou: number | null;
  readonly matches: number;
}

export interface GroupAgreement {
  readonly key: string;
  readonly labels: number;
  readonly f1: number | null;
  readonly kappa?: number | null;
  readonly mean_iou: number | null;
}

export interface AgreementReport {
  readonly annotators: readonly string[];
  readonly objects: number;
  readonly labels: number;
  readonly fleiss_kappa: number | null;
  readonly mean_iou: number | null;
  readonly f1: number | null;
  readonly pairs: readonly PairAgreement[];
}

const [LABEL, MATCH] = [0, 1];
const tally = (): F1Tally => ({ matches: 0, labels: 0, iouSum: 0, iouN: 0 });
const ratio = (a: number, b: number) => (b > 0 ? a / b : null);
const f1Of = (t: F1Tally) => ratio(2 * t.matches, t.labels);

/** Two votes on one object match: same class, and IoU >= the threshold when both have a box. */
function votesMatch(a: Vote, b: Vote): { readonly iou?: number } | undefined {
  if (a.cls !== b.cls) return undefined;
  if (!a.box || !b.box) return {};
  const iou = boxIoU(a.box, b.box);
  return iou >= ANNOTATOR_MATCH_IOU ? { iou } : undefined;
}

/**
 * One object's agreement: of the pairs among the `imageAnnotators` annotators who labeled its
 * image, the share that match on it (both labeled it, and `votesMatch`); null when fewer than
 * two annotators labeled the image (no pair to agree).
 */
export function objectAgreement(votes: readonly Vote[], imageAnnotators: number): number | null {
  if (imageAnnotators < 2) return null;
  let matching = 0;
  for (let i = 0; i < votes.length; i++)
    for (let j = i + 1; j < votes.length; j++) if (votesMatch(votes[i]!, votes[j]!)) matching++;
  return matching / ((imageAnnotators * (imageAnnotators - 1)) / 2);
}

export class AgreementAccumulator {
  private readonly pairs = new Map<string, Pair>();
  private readonly labelsBy = new Map<string, number>();
  readonly byClass = new Map<string, F1Tally>();
  readonly byImage = new Map<string, F1Tally>();
  private objects = 0;
  private labels = 0;
  private fleissP = 0;
  private fleissItems = 0;
  private readonly classRatings = new Map<string, number>();
  private ratings = 0;

  constructor(private readonly perImage = false) {}

  /** One image: its objects, each with the votes of the annotators who labeled it. */
  addImage(image: string, objects: readonly (readonly Vote[])[]): void {
    const present = [...new Set(objects.flatMap((o) => o.map((v) => v.annotator)))].sort();
    const img = tally();
    for (const votes of objects) this.addObject(votes);
    for (let i = 0; i < present.length; i++)
      for (let j = i + 1; j < present.length; j++)
        this.addPair(present[i]!, present[j]!, objects, img);
    if (this.perImage) this.byImage.set(image, img);
  }

  private addObject(votes: readonly Vote[]): void {
    this.objects++;
    this.labels += votes.length;
    for (const v of votes)
      this.labelsBy.set(v.annotator, (this.labelsBy.get(v.annotator) ?? 0) + 1);
    const n = votes.length;
    if (n < 2) return;
    const counts = new Map<string, number>();
    for (const v of votes) counts.set(v.cls, (counts.get(v.cls) ?? 0) + 1);
    let sq = 0;
    for (const [cls, c] of counts) {
      sq += c * c;
      this.classRatings.set(cls, (this.classRatings.get(cls) ?? 0) + c);
    }
    this.ratings += n;
    this.fleissP += (sq - n) / (n * (n - 1));
    this.fleissItems++;
  }

  private addPair(a: string, b: string, objects: readonly (readonly Vote[])[], img: F1Tally) {
    const key = `${a}\u0000${b}`;
    let p = this.pairs.get(key);
    if (!p) {
      p = { ...tally(), shared: 0, same: 0, classesA: new Map(), classesB: new Map() };
      this.pairs.set(key, p);
    }
    for (const votes of objects) {
      const va = votes.find((v) => v.annotator === a);
      const vb = votes.find((v) => v.annotator === b);
      if (va) this.count(va.cls, LABEL, img, p);
      if (vb) this.count(vb.cls, LABEL, img, p);
      if (!va || !vb) continue;
      p.shared++;
      bump(p.classesA, va.cls);
      bump(p.classesB, vb.cls);
      if (va.cls !== vb.cls) continue;
      p.same++;
      const match = votesMatch(va, vb);
      if (match) this.count(va.cls, MATCH, img, p, match.iou);
    }
  }

  /** Counts a label (`LABEL`) or a match with its IoU (`MATCH`) per class, image and pair. */
  private count(cls: string, what: number, img: F1Tally, pair: Pair, iou?: number): void {
    let c = this.byClass.get(cls);
    if (!c) this.byClass.set(cls, (c = tally()));
    for (const t of [c, img, pair]) {
      if (what === LABEL) t.labels++;
      else {
        t.matches++;
        if (iou !== undefined) {
          t.iouSum += iou;
          t.iouN++;
        }
      }
    }
  }

  report(): AgreementReport {
    const all = tally();
    const pairs = [...this.pairs.entries()].map(([key, p]): PairAgreement => {
      const [a, b] = key.split('\u0000') as [string, string];
      all.matches += p.matches;
      all.iouSum += p.iouSum;
      all.iouN += p.iouN;
      all.labels += p.labels;
      const [kappa, meanIou] = [cohenKappa(p), ratio(p.iouSum, p.iouN)];
      return { a, b, f1: f1Of(p), kappa, mean_iou: meanIou, matches: p.matches };
    });
    return {
      annotators: [...this.labelsBy.keys()].sort(),
      objects: this.objects,
      labels: this.labels,
      fleiss_kappa: this.fleiss(),
      mean_iou: ratio(all.iouSum, all.iouN),
      f1: f1Of(all),
      pairs: pairs.sort((x, y) => (x.a === y.a ? (x.b < y.b ? -1 : 1) : x.a < y.a ? -1 : 1)),
    };
  }

  /** Per annotator: their labels and the mean of their pairs' F1, kappa and IoU. */
  byAnnotator(report: AgreementReport): GroupAgreement[] {
    return report.annotators.map((name) => {
      const mine = report.pairs.filter((p) => p.a === name || p.b === name);
      return {
        key: name,
        labels: this.labelsBy.get(name) ?? 0,
        f1: mean(mine.map((p) => p.f1)),
        kappa: mean(mine.map((p) => p.kappa)),
        mean_iou: mean(mine.map((p) => p.mean_iou)),
      };
    });
  }

  groups(by: 'class' | 'image'): GroupAgreement[] {
    const source = by === 'class' ? this.byClass : this.byImage;
    return [...source.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, t]) => ({
        key,
        labels: t.labels,
        f1: f1Of(t),
        mean_iou: ratio(t.iouSum, t.iouN),
      }));
  }

  private fleiss(): number | null {
    if (this.fleissItems === 0) return null;
    const p = this.fleissP / this.fleissItems;
    let pe = 0;
    for (const c of this.classRatings.values()) pe += (c / this.ratings) ** 2;
    return pe === 1 ? null : (p - pe) / (1 - pe);
  }
}

function bump(m: Map<string, number>, k: string): void {
  m.set(k, (m.get(k) ?? 0) + 1);
}

function cohenKappa(p: Pair): number | null {
  if (p.shared === 0) return null;
  const po = p.same / p.shared;
  let pe = 0;
  for (const [cls, n] of p.classesA) pe += (n / p.shared) * ((p.classesB.get(cls) ?? 0) / p.shared);
  return pe === 1 ? null : (po - pe) / (1 - pe);
}

function mean(xs: readonly (number | null)[]): number | null {
  const v = xs.filter((x): x is number => x !== null);
  return v.length > 0 ? v.reduce((s, x) => s + x, 0) / v.length : null;
}

/**
 * Fusing several annotators' labelings of one object into one label (layer: dataset; pure).
 * docs/architecture.md, "Several annotators".
 *
 * - class: the class (`labelClass`) with the largest total weight of votes, ties to the class
 *   with more votes, then to the smaller class key; `support` counts its voters;
 * - box: weighted box fusion of the supporters' boxes (corner coordinates averaged with the
 *   weights, as WBF fuses one cluster), rounded to 1e-4; `area` follows a fused box;
 * - attributes: per name, the value with the largest weight among the supporters (absence is a
 *   value, so a name most of them leave out is left out), ties to the smaller canonical text;
 * - every other member: from the heaviest supporter (ties: smaller annotator name).
 * Weights by strategy: `majority`: 1 each; `weighted`: the annotator's weight (their agreement
 * with the others, `agreement-stats.ts`); `wbf`: class by plain majority, boxes weighted by the
 * annotator's weight times the label's `score` when it has one. Every sum runs over the
 * labelings sorted by annotator name, so the result never depends on their order (tested).
 */
import { encodeValue, type JsonValue } from '../core/canonical.js';
import type { LabelContent } from './label-line.js';
import { labelBox, labelClass } from './label-overlap.js';
import { isObject } from './merge-patch.js';

export type ConsensusStrategy = 'majority' | 'weighted' | 'wbf';
export const CONSENSUS_STRATEGIES: readonly ConsensusStrategy[] = ['majority', 'weighted', 'wbf'];

export interface Labeling {
  readonly annotator: string;
  readonly content: LabelContent;
}

export interface FusedObject {
  readonly content: LabelContent;
  /** Annotators whose class won, sorted. */
  readonly supporters: readonly string[];
  /** How many annotators labeled the object. */
  readonly of: number;
}

type Weights = ReadonlyMap<string, number>;

export function fuseObject(
  labelings: readonly Labeling[],
  strategy: ConsensusStrategy,
  weights: Weights = new Map(),
): FusedObject | undefined {
  if (labelings.length === 0) return undefined;
  const sorted = [...labelings].sort((a, b) => cmp(a.annotator, b.annotator));
  const w = (a: string) => (strategy === 'majority' ? 1 : (weights.get(a) ?? 1));
  const classWeight = strategy === 'weighted' ? w : () => 1;
  const cls = winner(sorted.map((l) => [classKey(l.content), classWeight(l.annotator)]));
  const support = sorted.filter((l) => classKey(l.content) === cls);
  const base = support.reduce((best, l) =>
    classWeight(l.annotator) > classWeight(best.annotator) ? l : best,
  );
  const out: { [k: string]: JsonValue } = { ...base.content };
  const box = fuseBoxes(support, (l) => w(l.annotator) * (strategy === 'wbf' ? score(l) : 1));
  if (box) {
    out['bbox'] = box;
    if (typeof out['area'] === 'number') out['area'] = round(box[2] * box[3]);
  }
  const attributes = fuseAttributes(support, (l) => classWeight(l.annotator));
  if (attributes === undefined) delete out['attributes'];
  else out['attributes'] = attributes;
  return { content: out, supporters: support.map((l) => l.annotator), of: sorted.length };
}

const classKey = (c: LabelContent) => labelClass(c) ?? '';
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const round = (x: number) => Math.round(x * 1e4) / 1e4;

function score(l: Labeling): number {
  const s = l.content['score'];
  return typeof s === 'number' && s > 0 ? s : 1;
}

/** The key with the largest weight, ties to more votes, then the smaller key. */
function winner(votes: readonly (readonly [string, number])[]): string {
  const tally = new Map<string, { w: number; n: number }>();
  for (const [k, w] of votes) {
    const t = tally.get(k) ?? { w: 0, n: 0 };
    t.w += w;
    t.n++;
    tally.set(k, t);
  }
  let best: [string, { w: number; n: number }] | undefined;
  for (const e of tally)
    if (
      !best ||
      e[1].w > best[1].w ||
      (e[1].w === best[1].w && (e[1].n > best[1].n || (e[1].n === best[1].n && e[0] < best[0])))
    )
      best = e;
  return best![0];
}

/** Weighted box fusion of one cluster: corners averaged by weight. */
function fuseBoxes(
  support: readonly Labeling[],
  weight: (l: Labeling) => number,
): [number, number, number, number] | undefined {
  let sw = 0;
  const c: [number, number, number, number] = [0, 0, 0, 0];
  for (const l of support) {
    const b = labelBox(l.content);
    if (!b || l.content['bbox'] === undefined) continue;
    const w = weight(l);
    sw += w;
    c[0] += w * b[0];
    c[1] += w * b[1];
    c[2] += w * (b[0] + b[2]);
    c[3] += w * (b[1] + b[3]);
  }
  if (sw === 0) return undefined;
  const [x0, y0, x1, y1] = [c[0] / sw, c[1] / sw, c[2] / sw, c[3] / sw];
  return [round(x0), round(y0), round(x1 - x0), round(y1 - y0)];
}

function fuseAttributes(
  support: readonly Labeling[],
  weight: (l: Labeling) => number,
): JsonValue | undefined {
  const names = new Set<string>();
  for (const l of support) {
    const a = l.content['attributes'];
    if (isObject(a)) for (const k of Object.keys(a)) names.add(k);
  }
  if (names.size === 0) return undefined;
  const out: { [k: string]: JsonValue } = {};
  for (const name of [...names].sort(cmp)) {
    const values = new Map<string, JsonValue>();
    const votes = support.map((l): [string, number] => {
      const a = l.content['attributes'];
      const v = isObject(a) ? a[name] : undefined;
      if (v === undefined) return ['', weight(l)];
      const text = `=${Buffer.from(encodeValue(v)).toString('latin1')}`;
      values.set(text, v);
      return [text, weight(l)];
    });
    const best = winner(votes);
    if (best !== '') out[name] = values.get(best)!;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

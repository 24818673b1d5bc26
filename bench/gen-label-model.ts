/**
 * The statistical model of one label (layer: bench): labels per image, category, bbox, optional
 * polygon, attributes, annotator and review, each drawn from the caller's `Rng` in a fixed order.
 *
 * Invariants: the order of draws is part of the output format (changing it changes every byte
 * after it). Bboxes lie inside the image, polygons inside their bbox, `area` is the polygon's
 * area when there is one and `w * h` otherwise, and a review is at least 60 s after annotation,
 * at most `REVIEW_LAG_MAX` later, and never after `TIME_MAX`.
 */
import { floor2, r2 } from './gen-format.js';
import { CATEGORIES, DAY, TIME_MAX, TIME_MIN, type Label, type ReviewStatus } from './gen-spec.js';
import type { Rng } from './rng.js';

const REVIEW_LAG_MAX = 14 * DAY;

/** Labels on a non-dense image; bucket weights renormalised over the other 99.9%. */
export function regularLabelCount(rng: Rng): number {
  const u = rng.float() * 0.999;
  if (u < 0.55) return rng.chance(0.85) ? 1 : 2; // mean 1.15
  if (u < 0.9) {
    const v = rng.float(); // 70/20/7/3 -> mean 3.43
    return v < 0.7 ? 3 : v < 0.9 ? 4 : v < 0.97 ? 5 : 6;
  }
  let k = 7; // 7 + geometric(0.43) capped at 30 -> mean ≈ 7.75
  while (k < 30 && rng.chance(0.43)) k++;
  return k;
}

/** 300-1,500 labels skewed low (mean ≈ 600): most dense images are crowds, few are extreme. */
export const denseLabelCount = (rng: Rng): number => 300 + Math.floor(1201 * rng.float() ** 3);

/** 'person' is heavier, as in COCO. */
export const pickCategory = (rng: Rng): number =>
  rng.chance(0.2) ? 1 : rng.int(1, CATEGORIES.length);

export function reviewTime(rng: Rng, annotatedAt: number): number {
  return annotatedAt + 60 + rng.int(0, Math.min(REVIEW_LAG_MAX, TIME_MAX - annotatedAt - 60));
}

function polygonArea(p: readonly number[]): number {
  const n = p.length / 2;
  let s = 0;
  for (let i = 0; i < n; i++) {
    const j = (i + 1) % n;
    s += (p[2 * i] ?? 0) * (p[2 * j + 1] ?? 0) - (p[2 * j] ?? 0) * (p[2 * i + 1] ?? 0);
  }
  return r2(Math.abs(s) / 2);
}

export const labelArea = (L: Label): number => (L.seg ? polygonArea(L.seg) : r2(L.w * L.h));

export function newLabel(rng: Rng, id: number, image: number, W: number, H: number): Label {
  const cat = pickCategory(rng);
  const w = r2(Math.max(2, W * (0.02 + 0.6 * rng.float() * rng.float())));
  const h = r2(Math.max(2, H * (0.02 + 0.6 * rng.float() * rng.float())));
  const x = floor2(rng.float() * (W - w));
  const y = floor2(rng.float() * (H - h));
  let seg: number[] | null = null;
  if (rng.chance(0.05)) {
    // a star-shaped polygon around the bbox centre; radius < 1 keeps every point inside the bbox
    const n = rng.int(8, 40);
    seg = new Array<number>(2 * n);
    for (let i = 0; i < n; i++) {
      const a = (2 * Math.PI * (i + 0.8 * rng.float())) / n;
      const rad = 0.5 + 0.48 * rng.float();
      seg[2 * i] = r2(x + (w / 2) * (1 + rad * Math.cos(a)));
      seg[2 * i + 1] = r2(y + (h / 2) * (1 + rad * Math.sin(a)));
    }
  }
  const annotatedAt = rng.int(TIME_MIN, TIME_MAX - DAY);
  const s = rng.float();
  const status: ReviewStatus = s < 0.8 ? 'approved' : s < 0.85 ? 'rejected' : 'pending';
  const L: Label = {
    image,
    id,
    cat,
    x,
    y,
    w,
    h,
    seg,
    area: 0,
    occluded: rng.chance(0.3),
    truncated: rng.chance(0.15),
    annotator: rng.int(0, 199),
    annotatedAt,
    status,
    reviewer: rng.int(0, 29),
    reviewedAt: null,
  };
  if (status !== 'pending') L.reviewedAt = reviewTime(rng, annotatedAt);
  L.area = labelArea(L);
  return L;
}

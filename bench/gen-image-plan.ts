/**
 * Pass 1 of the generator (layer: bench): how many labels each image gets and at which
 * resolution, kept as two typed arrays (O(images) bytes) so pass 2 can stream the labels.
 *
 * Invariants: the plan holds exactly `target` labels (the last image is truncated); exactly one
 * image per block of `DENSE_BLOCK` is dense, at a random position, so small datasets keep the
 * ≈3.2 labels-per-image mean; image ids are 1-based and fit in 8 digits.
 */
import { denseLabelCount, regularLabelCount } from './gen-label-model.js';
import { IMAGE_SIZES, STREAM_PLAN } from './gen-spec.js';
import { Rng } from './rng.js';

const DENSE_BLOCK = 1000; // one dense image per 1,000 = 0.1%
const MAX_IMAGES = 99_999_999; // image ids are 8 digits

export interface ImagePlan {
  readonly images: number;
  readonly labels: number;
  /** Index `i - 1` holds image `i`. */
  readonly labelCounts: Uint16Array;
  readonly sizeIndex: Uint8Array;
}

export function planImages(seed: number, target: number): ImagePlan {
  const rng = new Rng(seed, STREAM_PLAN);
  let counts = new Uint16Array(Math.ceil(target / 3) + 1024);
  let sizes = new Uint8Array(counts.length);
  let n = 0;
  let total = 0;
  let densePos = 0;
  while (total < target) {
    if (n === counts.length) {
      const c = new Uint16Array(n * 2);
      c.set(counts);
      counts = c;
      const s = new Uint8Array(n * 2);
      s.set(sizes);
      sizes = s;
    }
    if (n % DENSE_BLOCK === 0) densePos = rng.int(0, DENSE_BLOCK - 1);
    const want = n % DENSE_BLOCK === densePos ? denseLabelCount(rng) : regularLabelCount(rng);
    const count = Math.min(want, target - total);
    counts[n] = count;
    sizes[n] = rng.int(0, IMAGE_SIZES.length - 1);
    total += count;
    n++;
  }
  if (n > MAX_IMAGES) throw new RangeError(`too many images (${n}) for 8-digit image ids`);
  return { images: n, labels: total, labelCounts: counts, sizeIndex: sizes };
}

export function imageSize(plan: ImagePlan, image: number): readonly [number, number] {
  return IMAGE_SIZES[plan.sizeIndex[image - 1] ?? 0] ?? [640, 480];
}

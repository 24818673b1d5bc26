/**
 * Deterministic synthetic CV label dataset for benchmarks (layer: bench).
 *
 * Writes `labels.jsonl` (one label per line, grouped by image, ids ascending) and one
 * `edits-K.jsonl` per requested batch size K, in the same shape as the shared generator
 * (`/work/shared/tools/gen-dataset.mjs`) but with its own PRNG and code, so the project can build
 * its benchmark data without the shared folder. Output is a pure function of
 * `(labels, seed, editSizes)`: same options, byte-identical files.
 *
 * How it streams. Pass 1 plans the images (label count and resolution per image, two typed arrays,
 * O(images) bytes) until the label target is reached, truncating the last image. The edit
 * targets are then drawn as label ids, so pass 2 can write every label exactly once and keep only
 * the targeted labels (O(edits)). Each image's labels come from their own generator
 * `Rng(seed, LABELS, image)`. All output goes through a 1 MiB write buffer.
 *
 * Statistics (the benchmark spec): ≈3.2 labels per image; 55% of images have 1-2 labels, 35% 3-6,
 * 9.9% 7-30 and 0.1% are dense with 300-1,500. Within-bucket shapes are skewed low so the mean
 * lands on 3.2 (uniform buckets would give ≈5). Dense images are stratified, exactly one per block
 * of 1,000 images, so that small datasets do not swing their mean by ±0.3 on the luck of the
 * draw. 5% of labels carry an 8-40 point polygon inside their bbox; reviews are 80% approved,
 * 5% rejected, 15% pending (`reviewed_at: null`); timestamps lie in 2025-11-01..2026-10-31 UTC.
 *
 * Edit batches: 60% modify (half bbox jitter with the polygon following, half category change),
 * 15% delete, 15% add (ids above every existing label), 10% review-only (status always changes).
 * No existing label is touched by two batches, so cumulative diffs are exactly predictable.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Rng } from './rng.js';

export interface GenerateOptions {
  readonly labels: number;
  readonly seed: number;
  readonly outDir: string;
  readonly editSizes: readonly number[];
}

export interface EditCounts {
  readonly modify: number;
  readonly delete: number;
  readonly add: number;
  readonly review: number;
}

export interface EditFileInfo {
  readonly size: number;
  readonly file: string;
  readonly bytes: number;
  readonly counts: EditCounts;
}

export interface GeneratedDataset {
  readonly images: number;
  readonly labels: number;
  readonly labelsFile: string;
  readonly labelsBytes: number;
  readonly editFiles: readonly EditFileInfo[];
}

// prettier-ignore
export const CATEGORIES: readonly string[] = [
  'person', 'bicycle', 'car', 'motorcycle', 'airplane', 'bus', 'train', 'truck', 'boat',
  'traffic light', 'fire hydrant', 'stop sign', 'parking meter', 'bench', 'bird', 'cat', 'dog',
  'horse', 'sheep', 'cow', 'elephant', 'bear', 'zebra', 'giraffe', 'backpack', 'umbrella',
  'handbag', 'tie', 'suitcase', 'frisbee', 'skis', 'snowboard', 'sports ball', 'kite',
  'baseball bat', 'baseball glove', 'skateboard', 'surfboard', 'tennis racket', 'bottle',
  'wine glass', 'cup', 'fork', 'knife', 'spoon', 'bowl', 'banana', 'apple', 'sandwich', 'orange',
  'broccoli', 'carrot', 'hot dog', 'pizza', 'donut', 'cake', 'chair', 'couch', 'potted plant',
  'bed', 'dining table', 'toilet', 'tv', 'laptop', 'mouse', 'remote', 'keyboard', 'cell phone',
  'microwave', 'oven', 'toaster', 'sink', 'refrigerator', 'book', 'clock', 'vase', 'scissors',
  'teddy bear', 'hair drier', 'toothbrush',
];

/** Common camera / dataset resolutions, [width, height]. */
// prettier-ignore
export const IMAGE_SIZES: readonly (readonly [number, number])[] = [
  [640, 480], [1280, 720], [1920, 1080], [1024, 768], [800, 600], [3840, 2160], [1280, 960],
  [2048, 1536], [640, 640], [512, 512],
];

export const LABELS_FILE = 'labels.jsonl';
export const editsFileName = (size: number): string => `edits-${size}.jsonl`;

/** Timestamp window, seconds since the epoch: 2025-11-01T00:00:00Z .. 2026-10-31T23:59:59Z. */
export const TIME_MIN = Date.UTC(2025, 10, 1) / 1000;
export const TIME_MAX = Date.UTC(2026, 9, 31, 23, 59, 59) / 1000;

// Independent PRNG streams, one per concern.
const STREAM_PLAN = 1;
const STREAM_LABELS = 2;
const STREAM_TARGETS = 3;
const STREAM_EDITS = 4;

const DENSE_BLOCK = 1000; // one dense image per 1,000 = 0.1%
const MAX_IMAGES = 99_999_999; // image ids are 8 digits
const MAX_EDIT_SHARE = 0.5; // targets are drawn by rejection; keep the hit rate high
const DAY = 86_400;
const REVIEW_LAG_MAX = 14 * DAY;

type ReviewStatus = 'approved' | 'rejected' | 'pending';

interface Label {
  readonly image: number;
  readonly id: number;
  cat: number;
  x: number;
  y: number;
  w: number;
  h: number;
  seg: number[] | null;
  area: number;
  readonly occluded: boolean;
  readonly truncated: boolean;
  readonly annotator: number;
  readonly annotatedAt: number;
  status: ReviewStatus;
  reviewer: number;
  reviewedAt: number | null;
}

// ------------------------------------------------------------------ formatting

const r2 = (v: number): number => Math.round(v * 100) / 100;
const floor2 = (v: number): number => Math.floor(v * 100) / 100;
const pad8 = (n: number): string => String(n).padStart(8, '0');
const PAD2 = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0'));

/**
 * `String(r2(v))` without the shortest-round-trip double printer, which dominated the profile:
 * prints the integer part and up to two decimals from integer cents (identical output).
 */
function fmt2(v: number): string {
  const cents = Math.round(Math.abs(v) * 100);
  const whole = Math.floor(cents / 100);
  const frac = cents - whole * 100;
  const sign = v < 0 && cents !== 0 ? '-' : '';
  if (frac === 0) return `${sign}${whole}`;
  return frac % 10 === 0 ? `${sign}${whole}.${frac / 10}` : `${sign}${whole}.${PAD2[frac]}`;
}

function fmtList(vs: readonly number[]): string {
  let s = fmt2(vs[0] ?? 0);
  for (let i = 1; i < vs.length; i++) s += `,${fmt2(vs[i] ?? 0)}`;
  return s;
}
const dayPrefixes: string[] = []; // memo: "YYYY-MM-DDT" per day since TIME_MIN (≤ 366 entries)

/** ISO-8601 UTC with second precision; `Date#toISOString` per label is measurably slow at 10M. */
function iso(t: number): string {
  const rel = t - TIME_MIN;
  const day = Math.floor(rel / DAY);
  let sec = rel - day * DAY;
  const prefix = (dayPrefixes[day] ??= new Date((TIME_MIN + day * DAY) * 1000)
    .toISOString()
    .slice(0, 11));
  const hh = Math.floor(sec / 3600);
  sec -= hh * 3600;
  const mm = Math.floor(sec / 60);
  return `${prefix}${PAD2[hh]}:${PAD2[mm]}:${PAD2[sec - mm * 60]}Z`;
}

/** The label's JSON members in the fixed output order, without the surrounding braces. */
function labelBody(L: Label): string {
  let s = `"image":"${pad8(L.image)}","label":"${L.id}","category_id":${L.cat},"category":"${CATEGORIES[L.cat - 1]}"`;
  s += `,"bbox":[${fmt2(L.x)},${fmt2(L.y)},${fmt2(L.w)},${fmt2(L.h)}],"area":${fmt2(L.area)},"iscrowd":0`;
  if (L.seg) s += `,"segmentation":[[${fmtList(L.seg)}]]`;
  s += `,"attributes":{"occluded":${L.occluded},"truncated":${L.truncated}}`;
  s += `,"annotator":"ann_${L.annotator}","annotated_at":"${iso(L.annotatedAt)}"`;
  const at = L.reviewedAt === null ? 'null' : `"${iso(L.reviewedAt)}"`;
  s += `,"review":{"status":"${L.status}","reviewer":"rev_${L.reviewer}","reviewed_at":${at}}`;
  return s;
}

/** Append-only file behind a 1 MiB buffer; all output is ASCII so latin1 is exact. */
class BufferedFile {
  private readonly fd: number;
  private readonly buf = Buffer.allocUnsafe(1 << 20);
  private pos = 0;
  bytes = 0;

  constructor(readonly file: string) {
    this.fd = fs.openSync(file, 'w');
  }

  write(s: string): void {
    if (s.length > this.buf.length - this.pos) {
      this.flush();
      if (s.length > this.buf.length) return this.writeOut(Buffer.from(s, 'latin1'));
    }
    this.pos += this.buf.write(s, this.pos, 'latin1');
  }

  close(): void {
    this.flush();
    fs.closeSync(this.fd);
  }

  private flush(): void {
    this.writeOut(this.buf.subarray(0, this.pos));
    this.pos = 0;
  }

  private writeOut(b: Buffer): void {
    for (let off = 0; off < b.length;) off += fs.writeSync(this.fd, b, off);
    this.bytes += b.length;
  }
}

// ------------------------------------------------------------------ label model

/** Labels on a non-dense image; bucket weights renormalised over the other 99.9%. */
function regularLabelCount(rng: Rng): number {
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
const denseLabelCount = (rng: Rng): number => 300 + Math.floor(1201 * rng.float() ** 3);

/** 'person' is heavier, as in COCO. */
const pickCategory = (rng: Rng): number => (rng.chance(0.2) ? 1 : rng.int(1, CATEGORIES.length));

function reviewTime(rng: Rng, annotatedAt: number): number {
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

const labelArea = (L: Label): number => (L.seg ? polygonArea(L.seg) : r2(L.w * L.h));

function newLabel(rng: Rng, id: number, image: number, W: number, H: number): Label {
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

// ------------------------------------------------------------------ pass 1: image plan

interface ImagePlan {
  readonly images: number;
  readonly labels: number;
  /** Index `i - 1` holds image `i`. */
  readonly labelCounts: Uint16Array;
  readonly sizeIndex: Uint8Array;
}

function planImages(seed: number, target: number): ImagePlan {
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

function imageSize(plan: ImagePlan, image: number): readonly [number, number] {
  return IMAGE_SIZES[plan.sizeIndex[image - 1] ?? 0] ?? [640, 480];
}

// ------------------------------------------------------------------ edit plan

type EditKind = 'jitter' | 'recategorize' | 'delete' | 'add' | 'review';

interface EditOp {
  readonly kind: EditKind;
  readonly id: number;
  /** Image of an added label; existing targets learn theirs from `original`. */
  readonly image: number;
  /** The label as written to labels.jsonl, filled in by pass 2 (null for adds). */
  original: Label | null;
}

interface EditBatch {
  readonly size: number;
  readonly ops: readonly EditOp[];
}

function batchKinds(size: number): EditKind[] {
  const modify = Math.round(size * 0.6);
  const del = Math.round(size * 0.15);
  const add = Math.round(size * 0.15);
  const review = size - modify - del - add;
  const jitter = Math.floor(modify / 2);
  const kinds: EditKind[] = [];
  const push = (k: EditKind, n: number): void => {
    for (let i = 0; i < n; i++) kinds.push(k);
  };
  push('jitter', jitter);
  push('recategorize', modify - jitter);
  push('delete', del);
  push('add', add);
  push('review', review);
  return kinds;
}

function planEdits(
  seed: number,
  plan: ImagePlan,
  sizes: readonly number[],
): { batches: EditBatch[]; targets: Map<number, EditOp> } {
  const rng = new Rng(seed, STREAM_TARGETS);
  const targets = new Map<number, EditOp>();
  let nextId = plan.labels + 1;
  const batches = sizes.map((size) => {
    const ops = rng.shuffle(batchKinds(size)).map((kind): EditOp => {
      if (kind === 'add')
        return { kind, id: nextId++, image: rng.int(1, plan.images), original: null };
      let id: number;
      do id = rng.int(1, plan.labels);
      while (targets.has(id));
      const op: EditOp = { kind, id, image: 0, original: null };
      targets.set(id, op);
      return op;
    });
    return { size, ops };
  });
  return { batches, targets };
}

// ------------------------------------------------------------------ edits

function jitter(rng: Rng, o: Label, W: number, H: number): Label | null {
  const sign = (): number => (rng.chance(0.5) ? -1 : 1);
  const w = r2(Math.min(W, Math.max(2, o.w * (0.9 + 0.2 * rng.float()))));
  const h = r2(Math.min(H, Math.max(2, o.h * (0.9 + 0.2 * rng.float()))));
  const x = floor2(Math.min(W - w, Math.max(0, o.x + sign() * (0.01 + 0.09 * rng.float()) * o.w)));
  const y = floor2(Math.min(H - h, Math.max(0, o.y + sign() * (0.01 + 0.09 * rng.float()) * o.h)));
  if (x === o.x && y === o.y && w === o.w && h === o.h) return null; // clamped back: no change
  const seg = o.seg?.map((v, i) =>
    i % 2 === 0 ? r2(x + ((v - o.x) * w) / o.w) : r2(y + ((v - o.y) * h) / o.h),
  );
  const L: Label = { ...o, x, y, w, h, seg: seg ?? null };
  L.area = labelArea(L);
  return L;
}

function recategorize(rng: Rng, o: Label): Label {
  let cat: number;
  do cat = pickCategory(rng);
  while (cat === o.cat);
  return { ...o, cat };
}

function rereview(rng: Rng, o: Label): Label {
  const others = (['approved', 'rejected', 'pending'] as const).filter((s) => s !== o.status);
  const status = others[rng.int(0, 1)] ?? 'approved';
  let reviewer: number;
  do reviewer = rng.int(0, 29);
  while (reviewer === o.reviewer);
  const reviewedAt = status === 'pending' ? null : reviewTime(rng, o.annotatedAt);
  return { ...o, status, reviewer, reviewedAt };
}

function writeEdits(
  seed: number,
  plan: ImagePlan,
  batch: EditBatch,
  index: number,
  file: string,
): EditFileInfo {
  const rng = new Rng(seed, STREAM_EDITS, index);
  const out = new BufferedFile(file);
  const counts = { modify: 0, delete: 0, add: 0, review: 0 };
  for (const op of batch.ops) {
    const o = op.original;
    let L: Label;
    if (op.kind === 'add') {
      const [W, H] = imageSize(plan, op.image);
      L = newLabel(rng, op.id, op.image, W, H);
      counts.add++;
    } else if (o === null) {
      throw new Error(`internal: edit target ${op.id} was never generated`);
    } else if (op.kind === 'delete') {
      out.write(`{"op":"delete","image":"${pad8(o.image)}","label":"${o.id}"}\n`);
      counts.delete++;
      continue;
    } else if (op.kind === 'review') {
      L = rereview(rng, o);
      counts.review++;
    } else {
      const [W, H] = imageSize(plan, o.image);
      L = (op.kind === 'jitter' ? jitter(rng, o, W, H) : null) ?? recategorize(rng, o);
      counts.modify++;
    }
    out.write(`{"op":"put",${labelBody(L)}}\n`);
  }
  out.close();
  return { size: batch.size, file, bytes: out.bytes, counts };
}

// ------------------------------------------------------------------ entry points

function validate(opts: GenerateOptions): void {
  if (!Number.isSafeInteger(opts.labels) || opts.labels < 1)
    throw new RangeError('labels must be a positive integer');
  if (!Number.isSafeInteger(opts.seed)) throw new RangeError('seed must be an integer');
  const sizes = opts.editSizes;
  if (sizes.some((k) => !Number.isSafeInteger(k) || k < 1))
    throw new RangeError('edit sizes must be positive integers');
  if (new Set(sizes).size !== sizes.length) throw new RangeError('edit sizes must be distinct');
  const touched = sizes.reduce((s, k) => s + k - Math.round(k * 0.15), 0);
  if (touched > opts.labels * MAX_EDIT_SHARE) {
    throw new RangeError(
      `edit batches touch ${touched} labels; at most half of ${opts.labels} allowed`,
    );
  }
}

export async function generateDataset(opts: GenerateOptions): Promise<GeneratedDataset> {
  validate(opts);
  const seed = opts.seed >>> 0;
  fs.mkdirSync(opts.outDir, { recursive: true });
  const plan = planImages(seed, opts.labels);
  const { batches, targets } = planEdits(seed, plan, opts.editSizes);

  const labelsFile = path.join(opts.outDir, LABELS_FILE);
  const out = new BufferedFile(labelsFile);
  let id = 0;
  for (let image = 1; image <= plan.images; image++) {
    const rng = new Rng(seed, STREAM_LABELS, image);
    const [W, H] = imageSize(plan, image);
    for (let k = plan.labelCounts[image - 1] ?? 0; k > 0; k--) {
      const L = newLabel(rng, ++id, image, W, H);
      out.write(`{${labelBody(L)}}\n`);
      const op = targets.get(id);
      if (op) op.original = L;
    }
  }
  out.close();

  const editFiles = batches.map((b, i) =>
    writeEdits(seed, plan, b, i, path.join(opts.outDir, editsFileName(b.size))),
  );
  return {
    images: plan.images,
    labels: plan.labels,
    labelsFile,
    labelsBytes: out.bytes,
    editFiles,
  };
}

// ------------------------------------------------------------------ cache

const MANIFEST_FILE = 'manifest.json';
/** Bump whenever the output bytes change, so cached datasets are regenerated. */
const GENERATOR_VERSION = 1;

interface Manifest {
  readonly generator: number;
  readonly labels: number;
  readonly seed: number;
  readonly editSizes: readonly number[];
  readonly images: number;
  readonly labelsBytes: number;
  readonly editFiles: readonly Omit<EditFileInfo, 'file'>[];
}

const fileBytes = (file: string): number => {
  try {
    return fs.statSync(file).size;
  } catch {
    return -1;
  }
};

function readCached(opts: GenerateOptions): GeneratedDataset | null {
  let m: Manifest;
  try {
    m = JSON.parse(fs.readFileSync(path.join(opts.outDir, MANIFEST_FILE), 'utf8')) as Manifest;
  } catch {
    return null;
  }
  const sameKey =
    m.generator === GENERATOR_VERSION &&
    m.labels === opts.labels &&
    m.seed === opts.seed &&
    m.editSizes.join(',') === opts.editSizes.join(',');
  if (!sameKey) return null;
  const labelsFile = path.join(opts.outDir, LABELS_FILE);
  if (fileBytes(labelsFile) !== m.labelsBytes) return null;
  const editFiles = m.editFiles.map((e) => ({
    ...e,
    file: path.join(opts.outDir, editsFileName(e.size)),
  }));
  if (editFiles.some((e) => fileBytes(e.file) !== e.bytes)) return null;
  return { images: m.images, labels: m.labels, labelsFile, labelsBytes: m.labelsBytes, editFiles };
}

/**
 * The dataset for `opts`, generated into `opts.outDir` only if `manifest.json` there does not
 * match `(labels, seed, editSizes)` and the generator version, or a file it lists has the wrong
 * size. The manifest is removed before and written (atomically) after generating, so an
 * interrupted run is never mistaken for a complete one.
 */
export async function ensureDataset(opts: GenerateOptions): Promise<GeneratedDataset> {
  const cached = readCached(opts);
  if (cached) return cached;
  const manifestPath = path.join(opts.outDir, MANIFEST_FILE);
  fs.rmSync(manifestPath, { force: true });
  const ds = await generateDataset(opts);
  const m: Manifest = {
    generator: GENERATOR_VERSION,
    labels: opts.labels,
    seed: opts.seed,
    editSizes: opts.editSizes,
    images: ds.images,
    labelsBytes: ds.labelsBytes,
    editFiles: ds.editFiles.map(({ size, bytes, counts }) => ({ size, bytes, counts })),
  };
  fs.writeFileSync(`${manifestPath}.tmp`, JSON.stringify(m, null, 2) + '\n');
  fs.renameSync(`${manifestPath}.tmp`, manifestPath);
  return ds;
}

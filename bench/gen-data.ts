/**
 * Deterministic synthetic CV label dataset for benchmarks (layer: bench): the entry point.
 *
 * Writes `labels.jsonl` (one label per line, grouped by image, ids ascending) and one
 * `edits-K.jsonl` per requested batch size K, in the same shape as the shared generator
 * (`/work/shared/tools/gen-dataset.mjs`) but with its own PRNG and code, so the project can build
 * its benchmark data without the shared folder. Output is a pure function of
 * `(labels, seed, editSizes)`: same options, byte-identical files.
 *
 * This module owns option validation, the two passes and the on-disk cache (`ensureDataset`);
 * it re-exports the public types and tables so callers import only from here. The parts:
 * `gen-spec` (types, tables, stream ids), `gen-image-plan` (pass 1), `gen-label-model` (one
 * label's statistics), `gen-edits` (edit plan and writers), `gen-format` (bytes on disk).
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
import { planEdits, writeEdits } from './gen-edits.js';
import { BufferedFile, labelBody } from './gen-format.js';
import { imageSize, planImages } from './gen-image-plan.js';
import { newLabel } from './gen-label-model.js';
import {
  LABELS_FILE,
  STREAM_LABELS,
  editsFileName,
  type EditFileInfo,
  type GenerateOptions,
  type GeneratedDataset,
} from './gen-spec.js';
import { Rng } from './rng.js';

export {
  CATEGORIES,
  IMAGE_SIZES,
  LABELS_FILE,
  TIME_MAX,
  TIME_MIN,
  editsFileName,
  type EditCounts,
  type EditFileInfo,
  type GenerateOptions,
  type GeneratedDataset,
} from './gen-spec.js';

const MAX_EDIT_SHARE = 0.5; // targets are drawn by rejection; keep the hit rate high

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

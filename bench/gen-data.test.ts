/**
 * Tests for the synthetic dataset generator: determinism, the spec's statistics, line shapes,
 * and the edit batches' op mix, targets and disjointness. Runs at 20,000 labels (~6,250 images,
 * about six dense images) where every tolerance below is several standard deviations wide.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GeneratedDataset } from './gen-data.js';
import { CATEGORIES, TIME_MAX, TIME_MIN, ensureDataset, generateDataset } from './gen-data.js';

interface LabelLine {
  image: string;
  label: string;
  category_id: number;
  category: string;
  bbox: number[];
  area: number;
  iscrowd: number;
  segmentation?: number[][];
  attributes: { occluded: boolean; truncated: boolean };
  annotator: string;
  annotated_at: string;
  review: { status: string; reviewer: string; reviewed_at: string | null };
}
type EditLine = ({ op: 'put' } & LabelLine) | { op: 'delete'; image: string; label: string };

const LABELS = 20_000;
const EDIT_SIZES = [500, 1000];
const KEYS = ['image', 'label', 'category_id', 'category', 'bbox', 'area', 'iscrowd'];
const KEYS_TAIL = ['attributes', 'annotator', 'annotated_at', 'review'];

const readLines = (file: string): string[] => readFileSync(file, 'latin1').split('\n').slice(0, -1);
const is2dp = (v: number): boolean => typeof v === 'number' && Math.round(v * 100) / 100 === v;
const withoutReview = (l: LabelLine): string => JSON.stringify({ ...l, review: null });
const expectNear = (actual: number, target: number, tolerance: number): void => {
  expect(Math.abs(actual - target), `${actual} vs ${target}`).toBeLessThanOrEqual(tolerance);
};
const isoSeconds = (s: string): number =>
  /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(s) ? Date.parse(s) / 1000 : NaN;

let dir: string;
let ds: GeneratedDataset;
let labels: LabelLine[];
let byId: Map<string, LabelLine>;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'verso-gen-'));
  ds = await generateDataset({
    labels: LABELS,
    seed: 42,
    outDir: join(dir, 'a'),
    editSizes: EDIT_SIZES,
  });
  labels = readLines(ds.labelsFile).map((l) => JSON.parse(l) as LabelLine);
  byId = new Map(labels.map((l) => [l.label, l]));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('generateDataset', () => {
  it('is deterministic and reports what it wrote', async () => {
    const again = await generateDataset({
      labels: LABELS,
      seed: 42,
      outDir: join(dir, 'b'),
      editSizes: EDIT_SIZES,
    });
    expect(readFileSync(again.labelsFile).equals(readFileSync(ds.labelsFile))).toBe(true);
    for (const [i, e] of ds.editFiles.entries()) {
      expect(readFileSync(again.editFiles[i]?.file ?? '').equals(readFileSync(e.file))).toBe(true);
      expect(statSync(e.file).size).toBe(e.bytes);
    }
    expect(statSync(ds.labelsFile).size).toBe(ds.labelsBytes);
    expect(ds.labels).toBe(LABELS);
    expect(labels).toHaveLength(LABELS);
    expect(new Set(labels.map((l) => l.image)).size).toBe(ds.images);

    const other = await generateDataset({
      labels: LABELS,
      seed: 43,
      outDir: join(dir, 'c'),
      editSizes: [],
    });
    expect(readFileSync(other.labelsFile).equals(readFileSync(ds.labelsFile))).toBe(false);
  });

  it('writes well-formed label lines with contiguous images and unique ascending ids', () => {
    const problems: string[] = [];
    let prevImage = 0;
    labels.forEach((l, i) => {
      const bad = (what: string): number => problems.push(`line ${i + 1}: ${what}`);
      const keys = [...KEYS, ...(l.segmentation ? ['segmentation'] : []), ...KEYS_TAIL];
      if (Object.keys(l).join() !== keys.join()) bad(`keys ${Object.keys(l).join()}`);
      if (l.label !== String(i + 1)) bad(`label id ${l.label}`);
      const img = Number(l.image);
      if (!/^\d{8}$/.test(l.image) || (img !== prevImage && img !== prevImage + 1)) bad('image id');
      prevImage = img;
      if (l.category !== CATEGORIES[l.category_id - 1]) bad('category');
      const [x = -1, y = -1, w = 0, h = 0] = l.bbox;
      if (l.bbox.length !== 4 || ![...l.bbox, l.area].every(is2dp)) bad('bbox/area rounding');
      if (Math.min(x, y) < 0 || Math.min(w, h) < 2) bad('bbox range');
      if (l.iscrowd !== 0) bad('iscrowd');
      if (l.segmentation) {
        const pts = l.segmentation[0] ?? [];
        if (l.segmentation.length !== 1 || pts.length % 2 || pts.length < 16 || pts.length > 80) {
          bad('polygon size');
        }
        const inside = (v: number, j: number): boolean => {
          const [lo, size] = j % 2 === 0 ? [x, w] : [y, h];
          return is2dp(v) && v >= lo - 0.01 && v <= lo + size + 0.01;
        };
        if (!pts.every(inside)) bad('polygon outside bbox');
      }
      const { occluded, truncated } = l.attributes;
      if (typeof occluded !== 'boolean' || typeof truncated !== 'boolean') bad('attributes');
      if (!/^ann_\d+$/.test(l.annotator) || !/^rev_\d+$/.test(l.review.reviewer)) bad('people');
      const at = isoSeconds(l.annotated_at);
      if (!(at >= TIME_MIN && at <= TIME_MAX)) bad('annotated_at');
      if (!['approved', 'rejected', 'pending'].includes(l.review.status)) bad('status');
      if ((l.review.reviewed_at === null) !== (l.review.status === 'pending')) bad('pending');
      const rt = l.review.reviewed_at === null ? null : isoSeconds(l.review.reviewed_at);
      if (rt !== null && !(rt > at && rt <= TIME_MAX)) bad('reviewed_at');
    });
    expect(problems.slice(0, 10)).toEqual([]);
  });

  it('matches the spec statistics', () => {
    const perImage = new Map<string, number>();
    for (const l of labels) perImage.set(l.image, (perImage.get(l.image) ?? 0) + 1);
    const counts = [...perImage.values()].slice(0, -1); // the last image may be truncated
    const share = (pred: (n: number) => boolean): number =>
      counts.filter(pred).length / counts.length;
    const mean = LABELS / perImage.size;
    expect(mean).toBeGreaterThan(2.9);
    expect(mean).toBeLessThan(3.5);
    expectNear(
      share((n) => n <= 2),
      0.55,
      0.03,
    );
    expectNear(
      share((n) => n >= 3 && n <= 6),
      0.35,
      0.03,
    );
    expectNear(
      share((n) => n >= 7 && n <= 30),
      0.099,
      0.02,
    );
    expect(share((n) => n > 30 && n < 300)).toBe(0);
    expect(share((n) => n > 1500)).toBe(0);
    const dense = counts.filter((n) => n >= 300).length;
    expect(dense).toBeGreaterThanOrEqual(Math.floor(counts.length / 1000) - 1);
    expect(dense).toBeLessThanOrEqual(Math.ceil(counts.length / 1000));

    const labelShare = (pred: (l: LabelLine) => boolean): number =>
      labels.filter(pred).length / LABELS;
    const poly = labelShare((l) => l.segmentation !== undefined);
    expect(poly).toBeGreaterThan(0.04);
    expect(poly).toBeLessThan(0.06);
    expectNear(
      labelShare((l) => l.review.status === 'approved'),
      0.8,
      0.02,
    );
    expectNear(
      labelShare((l) => l.review.status === 'rejected'),
      0.05,
      0.01,
    );
    expectNear(
      labelShare((l) => l.review.status === 'pending'),
      0.15,
      0.02,
    );
    expect(new Set(labels.map((l) => l.category)).size).toBe(80);
  });

  it('writes edit batches with the exact op mix, valid targets and no overlap', () => {
    const maxExisting = LABELS;
    const touchedExisting = new Set<string>();
    const added = new Set<string>();
    const images = new Set(labels.map((l) => l.image));
    for (const e of ds.editFiles) {
      const edits = readLines(e.file).map((l) => JSON.parse(l) as EditLine);
      expect(edits).toHaveLength(e.size);
      const counts = { modify: 0, delete: 0, add: 0, review: 0 };
      const inBatch = new Set<string>();
      for (const ed of edits) {
        expect(inBatch.has(ed.label)).toBe(false);
        inBatch.add(ed.label);
        const orig = byId.get(ed.label);
        if (ed.op === 'delete') {
          expect(Object.keys(ed)).toEqual(['op', 'image', 'label']);
          expect(orig?.image).toBe(ed.image);
          counts.delete++;
        } else if (orig === undefined) {
          expect(Number(ed.label)).toBeGreaterThan(maxExisting);
          expect(added.has(ed.label)).toBe(false);
          added.add(ed.label);
          expect(images.has(ed.image)).toBe(true);
          counts.add++;
        } else {
          const { op, ...put } = ed;
          expect(op).toBe('put');
          expect(Object.keys(ed)[0]).toBe('op');
          expect(put.image).toBe(orig.image);
          if (withoutReview(put) === withoutReview(orig)) {
            expect(put.review.status).not.toBe(orig.review.status);
            expect(put.review.reviewed_at === null).toBe(put.review.status === 'pending');
            counts.review++;
          } else {
            expect(put.review).toEqual(orig.review);
            const recat = put.category_id !== orig.category_id;
            const moved = JSON.stringify(put.bbox) !== JSON.stringify(orig.bbox);
            expect(recat !== moved).toBe(true); // exactly one kind of modification
            if (moved) expect(put.segmentation === undefined).toBe(orig.segmentation === undefined);
            counts.modify++;
          }
        }
        if (orig) {
          expect(touchedExisting.has(ed.label)).toBe(false);
          touchedExisting.add(ed.label);
        }
      }
      const expected = {
        modify: e.size * 0.6,
        delete: e.size * 0.15,
        add: e.size * 0.15,
        review: e.size * 0.1,
      };
      expect(counts).toEqual(expected);
      expect(e.counts).toEqual(expected);
    }
  });
});

describe('ensureDataset', () => {
  it('reuses a matching cache and regenerates when the key changes', async () => {
    const outDir = join(dir, 'cache');
    const opts = { labels: 2000, seed: 1, outDir, editSizes: [100] };
    const first = await ensureDataset(opts);
    const mtime = statSync(first.labelsFile).mtimeMs;
    const second = await ensureDataset(opts);
    expect(second).toEqual(first);
    expect(statSync(second.labelsFile).mtimeMs).toBe(mtime);
    const reseeded = await ensureDataset({ ...opts, seed: 2 });
    expect(reseeded.labelsBytes === first.labelsBytes && reseeded.images === first.images).toBe(
      false,
    );
    const fresh = await generateDataset({ ...opts, seed: 2, outDir: join(dir, 'fresh') });
    expect(readFileSync(reseeded.labelsFile).equals(readFileSync(fresh.labelsFile))).toBe(true);
  });
});

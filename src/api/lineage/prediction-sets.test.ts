/**
 * Prediction sets and selection (issue 17) on a real embedded repository holding the real
 * Pascal VOC 2012 ground truth (100 images, 273 boxes, COCO encoding from
 * `../shared/data/real/coco/review_object_detection_metrics`):
 * - COCO detection results made from that ground truth by a deterministic perturbation of the
 *   boxes and scores import as a set of 273 predictions on 100 images; the labels root and
 *   every chunk of the labels tree are byte-identical before and after.
 * - A set's root does not depend on the order of the input lines (fast-check), and a second
 *   version of a model's set that changes 1% of the predictions shares most nodes with the first.
 * - Bad inputs (score outside [0, 1], unknown image, unknown class, malformed line, an
 *   unregistered model) fail naming file and line, and store no set.
 * - `selectImages` equals a brute-force float64 ranking computed from the raw JSON objects
 *   (fast-check), is reproducible (same slice id) and changes its id when an input changes.
 * - YOLO txt with confidences imports with sizes from the dataset's asset records.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LineageRecordNotFoundError } from '../../catalog/catalog-errors.js';
import { FormatParseError, VersoError } from '../../core/errors.js';
import { hashToHex, hexToHash } from '../../core/hash.js';
import { importCoco } from '../interchange/import-coco.js';
import { collectGarbage } from '../maintenance/gc.js';
import { encodeVectorFile } from '../../influence/vector-file.js';
import { initRepository } from '../repository/init-repository.js';
import { openRepository } from '../repository/compose.js';
import type { Repository } from '../repository/repository.js';
import { snapshotAtRef } from '../repository/snapshot-at.js';
import { registerModel } from './model-register.js';
import { importPredictions } from './predict-import.js';
import { startRun } from './run-start.js';
import { selectImages } from './select.js';
import { showPredictionSet } from './prediction-sets.js';

const GT = join(
  import.meta.dirname,
  '../../../../shared/data/real/coco/review_object_detection_metrics/data/database/gts/coco_format_v1/instances_default.json',
);

interface CocoGt {
  images: { id: number; file_name: string; width: number; height: number }[];
  categories: { id: number; name: string }[];
  annotations: { id: number; image_id: number; category_id: number; bbox: number[] }[];
}

let dir: string;
let repo: Repository;
let gt: CocoGt;
let imageIds: string[];
let classNames: string[];
let models = 0;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'verso-pred-'));
  await initRepository(join(dir, 'repo'), { identity: { author: 'ann' } });
  repo = await openRepository(join(dir, 'repo'), { identity: { author: 'ann' } });
  await importCoco(repo, { file: GT, branch: 'main' });
  gt = JSON.parse(readFileSync(GT, 'utf8')) as CocoGt;
  imageIds = gt.images.map((i) => i.file_name.replace(/\.jpg$/, '')).sort();
  classNames = gt.categories.map((c) => c.name);
});
afterAll(async () => {
  await repo.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A fresh registered model, NAME@VERSION. */
async function newModel(version = '1'): Promise<string> {
  const name = `det${++models}`;
  const { run } = await startRun(repo, { dataset: 'main' });
  await registerModel(repo, { run: run.id, name, version });
  return `${name}@${version}`;
}

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const jsonl = (rows: readonly object[]) => rows.map((r) => JSON.stringify(r)).join('\n') + '\n';

/** COCO results from the ground truth: boxes moved by a few pixels, scores spread in [0.3, 1). */
function perturbedResults(): object[] {
  return gt.annotations.map((a) => {
    const [x, y, w, h] = a.bbox as [number, number, number, number];
    return {
      image_id: a.image_id,
      category_id: a.category_id,
      bbox: [x + (a.id % 5) - 2, y + (a.id % 3) - 1, w * (1 + ((a.id % 7) - 3) / 50), h],
      score: Math.round((0.3 + ((a.id * 37) % 70) / 100) * 100) / 100,
    };
  });
}

/** Every node hash (hex) reachable from `root`, with its stored bytes. */
async function treeChunks(root: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const walk = async (hash: Uint8Array): Promise<void> => {
    const hex = hashToHex(hash);
    if (out.has(hex)) return;
    out.set(hex, Buffer.from((await repo.chunks.get(hash))!).toString('hex'));
    const node = await repo.nodes.load(hash);
    if (node.level > 0) for (const child of node.values) await walk(child);
  };
  await walk(hexToHash(root as never));
  return out;
}

async function failure(p: Promise<unknown>): Promise<VersoError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(VersoError);
  return e as VersoError;
}

describe('prediction sets from real COCO detection results (Pascal VOC 2012)', () => {
  it('imports the perturbed ground truth as 273 predictions on 100 images, labels untouched', async () => {
    const before = await snapshotAtRef(repo, 'main');
    const labelChunks = await treeChunks(before.snap.trees.labels);
    const model = await newModel();
    const results = file('results.json', JSON.stringify(perturbedResults(), null, 1));
    const r = await importPredictions(repo, {
      model,
      dataset: 'main',
      format: 'coco',
      path: results,
      cocoFile: GT,
    });
    expect(r.created).toBe(true);
    expect(r.set).toMatchObject({ predictionCount: 273, imageCount: 100, format: 'coco' });
    expect(r.set.dataset).toBe(before.commit);
    const after = await snapshotAtRef(repo, 'main');
    expect(after.commit).toBe(before.commit);
    expect(after.snap.trees.labels).toBe(before.snap.trees.labels);
    expect(await treeChunks(after.snap.trees.labels)).toEqual(labelChunks);
    const show = await showPredictionSet(repo, model);
    expect(show.set.id).toBe(r.set.id);
    const perClass = new Map<string, number>();
    for (const a of gt.annotations) {
      const name = gt.categories.find((c) => c.id === a.category_id)!.name;
      perClass.set(name, (perClass.get(name) ?? 0) + 1);
    }
    expect(new Map(show.classes.map((c) => [c.category, c.predictions]))).toEqual(perClass);
    const again = await importPredictions(repo, {
      model,
      format: 'coco',
      path: results,
      cocoFile: GT,
    });
    expect(again).toMatchObject({ created: false, set: { id: r.set.id } });
  });

  it('refuses a result of an unknown class or image, naming file and line, storing nothing', async () => {
    const model = await newModel();
    const rows = perturbedResults();
    const bad = [...rows.slice(0, 3), { ...rows[3], category_id: 999 }];
    const text = JSON.stringify(bad, null, 1);
    const path = file('bad-class.json', text);
    const starts = text.split('\n').flatMap((l, i) => (l === ' {' ? [i + 1] : []));
    const e = await failure(importPredictions(repo, { model, format: 'coco', path, cocoFile: GT }));
    expect(e).toBeInstanceOf(FormatParseError);
    expect(e.message).toMatch(/bad-class\.json:\d+ field 'category_id'.*unknown class 999/);
    expect((e.data as { line: number }).line).toBe(starts[3]);
    const unknownImage = [{ ...rows[0], image_id: 12345 }];
    const path2 = file('bad-image.json', JSON.stringify(unknownImage));
    const e2 = await failure(
      importPredictions(repo, { model, format: 'coco', path: path2, cocoFile: GT }),
    );
    expect(e2.message).toMatch(/bad-image\.json:1 field 'image_id'/);
    expect(await repo.catalog.lineage.predictionSetsByModel(await modelId(model))).toEqual([]);
  });
});

async function modelId(ref: string): Promise<string> {
  const [name, version] = ref.split('@') as [string, string];
  return (await repo.catalog.lineage.findModel(name, version))!.id;
}

describe('the native JSONL: content addressing, sharing, refusals', () => {
  const predictions = (n: number, salt = 0) =>
    Array.from({ length: n }, (_, i) => ({
      image: imageIds[i % imageIds.length]!,
      prediction: `p${Math.floor(i / imageIds.length)}`,
      category: classNames[(i * 7) % classNames.length]!,
      bbox: [i % 50, i % 30, 10 + (i % 9), 12],
      score: ((i * 7919 + salt) % 1000) / 1000,
      scores: { a: ((i * 31) % 100) / 100, b: ((i * 17) % 100) / 100 },
    }));

  it('gives the same root whatever the order of the lines', async () => {
    const rows = predictions(120);
    const model = await newModel();
    const first = await importPredictions(repo, {
      model,
      format: 'jsonl',
      path: file('ordered.jsonl', jsonl(rows)),
    });
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.shuffledSubarray(rows, { minLength: rows.length }), async (shuffled) => {
        const path = file(`shuffled-${n++}.jsonl`, jsonl(shuffled));
        const r = await importPredictions(repo, { model, format: 'jsonl', path });
        expect(r.set.root).toBe(first.set.root);
        expect(r.set.id).toBe(first.set.id);
      }),
      { numRuns: 8, seed: 17 },
    );
  });

  it("shares the unchanged subtrees of two versions of a model's set", async () => {
    const v1 = predictions(4000);
    const v2 = v1.map((p, i) => (i % 100 === 0 ? { ...p, score: (p.score + 0.5) % 1 } : p));
    const [m1, m2] = [await newModel('1'), await newModel('2')];
    const a = await importPredictions(repo, {
      model: m1,
      format: 'jsonl',
      path: file('v1.jsonl', jsonl(v1)),
    });
    const b = await importPredictions(repo, {
      model: m2,
      format: 'jsonl',
      path: file('v2.jsonl', jsonl(v2)),
    });
    expect(b.set.root).not.toBe(a.set.root);
    const [na, nb] = [await treeChunks(a.set.root), await treeChunks(b.set.root)];
    const onlyB = [...nb.keys()].filter((h) => !na.has(h)).length;
    // 40 changed predictions touch at most 40 leaves and their paths; most nodes are shared.
    expect(onlyB).toBeGreaterThan(0);
    expect(onlyB / nb.size).toBeLessThan(0.6);
    expect(nb.size - onlyB).toBeGreaterThan(nb.size / 3);
  });

  it.each([
    [
      'a score outside [0, 1]',
      { score: 1.5 },
      /:2 field 'score': expected a probability in \[0, 1\], got 1.5/,
    ],
    ['a class probability outside [0, 1]', { scores: { a: -0.1 } }, /:2 field 'scores.a'/],
    ['a missing score', { score: undefined }, /:2 field 'score': missing required field/],
    [
      'an unknown image',
      { image: 'no-such-image' },
      /:2 field 'image': unknown image 'no-such-image'/,
    ],
  ])('refuses %s naming file and line, storing nothing', async (_what, change, message) => {
    const model = await newModel();
    const rows = predictions(3);
    rows[1] = { ...rows[1]!, ...change } as (typeof rows)[number];
    const path = file('bad.jsonl', jsonl(rows));
    const e = await failure(
      importPredictions(repo, { model, dataset: 'main', format: 'jsonl', path }),
    );
    expect(e).toBeInstanceOf(FormatParseError);
    expect(e.message).toMatch(/bad\.jsonl/);
    expect(e.message).toMatch(message);
    expect(await repo.catalog.lineage.predictionSetsByModel(await modelId(model))).toEqual([]);
  });

  it('refuses a malformed line, a repeated prediction id and an unregistered model', async () => {
    const model = await newModel();
    const rows = predictions(2);
    const malformed = file('malformed.jsonl', `${JSON.stringify(rows[0])}\n{"image": \n`);
    expect(
      (await failure(importPredictions(repo, { model, format: 'jsonl', path: malformed }))).message,
    ).toMatch(/malformed\.jsonl:2: malformed JSON/);
    // The first refusal in file order is reported, though lines are parsed a block at a time.
    const unknownFirst = file(
      'unknown-first.jsonl',
      `${jsonl([rows[0]!, { ...rows[1]!, image: 'no-such-image' }])}{"image": \n`,
    );
    expect(
      (
        await failure(
          importPredictions(repo, { model, dataset: 'main', format: 'jsonl', path: unknownFirst }),
        )
      ).message,
    ).toMatch(/unknown-first\.jsonl:2 field 'image'.*unknown image 'no-such-image'/);
    const twice = file('twice.jsonl', jsonl([rows[0]!, rows[1]!, { ...rows[0]!, score: 0.01 }]));
    expect(
      (await failure(importPredictions(repo, { model, format: 'jsonl', path: twice }))).message,
    ).toMatch(/twice\.jsonl:3 field 'prediction'.*given twice.*first at .*twice\.jsonl:1/);
    const fine = file('fine.jsonl', jsonl(rows));
    expect(
      await failure(importPredictions(repo, { model: 'nobody@9', format: 'jsonl', path: fine })),
    ).toBeInstanceOf(LineageRecordNotFoundError);
    expect(await repo.catalog.lineage.predictionSetsByModel(await modelId(model))).toEqual([]);
  });
});

/** The brute-force reference: float64 math straight from the raw JSON objects. */
function bruteForce(
  rows: readonly Raw[],
  strategy: 'least-confidence' | 'margin' | 'entropy',
  top: number,
  perClass: number | undefined,
): string[] {
  const value = (r: Raw): number => {
    const p = r.scores ? Object.values(r.scores) : [r.score, 1 - r.score];
    const sorted = [...p].sort((a, b) => b - a);
    const [top, second] = r.scores ? [sorted[0]!, sorted[1] ?? 0] : [r.score, 1 - r.score];
    if (strategy === 'least-confidence') return 1 - top;
    if (strategy === 'margin') return top - second;
    const sum = p.reduce((a, b) => a + b, 0);
    return -p.filter((x) => x > 0).reduce((h, x) => h + (x / sum) * Math.log(x / sum), 0);
  };
  const hardness = (v: number) => (strategy === 'margin' ? -v : v);
  const best = new Map<string, { v: number; r: Raw }>();
  for (const r of [...rows].sort((a, b) => (a.prediction < b.prediction ? -1 : 1))) {
    const v = value(r);
    const b = best.get(r.image);
    if (!b || hardness(v) > hardness(b.v)) best.set(r.image, { v, r });
  }
  const ranked = [...best.entries()].sort(
    ([ia, a], [ib, b]) => hardness(b.v) - hardness(a.v) || (ia < ib ? -1 : ia > ib ? 1 : 0),
  );
  const out: string[] = [];
  const taken = new Map<string, number>();
  for (const [image, { r }] of ranked) {
    if (out.length === top) break;
    const n = taken.get(r.category) ?? 0;
    if (perClass !== undefined && n >= perClass) continue;
    taken.set(r.category, n + 1);
    out.push(image);
  }
  return out;
}

interface Raw {
  image: string;
  prediction: string;
  category: string;
  score: number;
  scores?: Record<string, number>;
}

describe('select', () => {
  const probability = fc.oneof(
    fc.constantFrom(0, 0.25, 0.5, 0.75, 1),
    fc.double({ min: 0, max: 1, noNaN: true }),
  );
  const rawArb = fc.record(
    {
      image: fc.constantFrom(...['2007_000027', '2007_000032', '2007_000033', '2007_000039']),
      prediction: fc.constantFrom('a', 'b', 'c', 'd'),
      category: fc.constantFrom('cat', 'dog', 'car'),
      score: probability,
      scores: fc.dictionary(fc.constantFrom('cat', 'dog', 'car', 'bus'), probability, {
        minKeys: 1,
      }),
    },
    { requiredKeys: ['image', 'prediction', 'category', 'score'] },
  );

  it('equals a brute-force float64 ranking from the raw file', async () => {
    const model = await newModel();
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(rawArb, {
          minLength: 1,
          maxLength: 24,
          selector: (r) => `${r.image}/${r.prediction}`,
        }),
        fc.constantFrom('least-confidence', 'margin', 'entropy') as fc.Arbitrary<
          'least-confidence' | 'margin' | 'entropy'
        >,
        fc.integer({ min: 1, max: 5 }),
        fc.option(fc.integer({ min: 1, max: 2 }), { nil: undefined }),
        async (rows, strategy, top, perClass) => {
          const path = file(`select-${n++}.jsonl`, jsonl(rows));
          const { set } = await importPredictions(repo, { model, format: 'jsonl', path });
          const r = await selectImages(repo, {
            dataset: 'main',
            predictions: set.id,
            strategy,
            top,
            perClass,
          });
          expect(r.images.map((i) => i.image)).toEqual(bruteForce(rows, strategy, top, perClass));
        },
      ),
      { numRuns: 25, seed: 4242 },
    );
  });

  it('is reproducible and changes its slice id when an input changes', async () => {
    const model = await newModel();
    const rows = imageIds.slice(0, 30).map((image, i) => ({
      image,
      prediction: '0',
      category: classNames[i % 3]!,
      score: ((i * 13) % 30) / 30,
    }));
    const path = file('select-repro.jsonl', jsonl(rows));
    await importPredictions(repo, { model, format: 'jsonl', path });
    const base = { dataset: 'main', predictions: model, strategy: 'margin' as const, top: 5 };
    const a = await selectImages(repo, base);
    const b = await selectImages(repo, base);
    expect(b.slice.id).toBe(a.slice.id);
    expect(b.created).toBe(false);
    expect(a.slice.selection).toMatchObject({ strategy: 'margin', params: { top: 5 } });
    const ids = new Set([a.slice.id]);
    for (const change of [
      { top: 6 },
      { strategy: 'entropy' as const },
      { perClass: 1 },
      { where: 'score < 0.5' },
      { strategy: 'random' as const },
      { strategy: 'random' as const, seed: 'x' },
    ])
      ids.add((await selectImages(repo, { ...base, ...change })).slice.id);
    expect(ids.size).toBe(7);
    const filtered = await selectImages(repo, { ...base, where: 'score >= 0.5' });
    const scoreOf = new Map(rows.map((r) => [r.image, r.score]));
    for (const img of filtered.images) expect(scoreOf.get(img.image)).toBeGreaterThanOrEqual(0.5);
  });
});

describe('select --diversity', () => {
  /** 40 images, hardness by index; even images point one way in embedding space, odd the other. */
  async function setup() {
    const model = await newModel();
    const images = imageIds.slice(0, 40);
    const rows = images.map((image, i) => ({
      image,
      prediction: 'p',
      category: classNames[i % 2]!,
      score: 0.5 + i / 100,
    }));
    await importPredictions(repo, { model, format: 'jsonl', path: file(`div-${model}.jsonl`, jsonl(rows)) });
    const vectorOf = (i: number) => (i % 2 === 0 ? [1, 0.01 * i] : [-1, 0.01 * i]);
    const lines = images.map((image, i) => ({ image, vector: vectorOf(i) }));
    const text = jsonl(lines);
    const binary = encodeVectorFile('embedding', 2, images, new Float32Array(images.flatMap((_, i) => vectorOf(i))));
    return { model, images, text, binary };
  } // prettier-ignore

  it('chooses hard images unlike each other, the same from JSONL and VVEC, bound into the slice id', async () => {
    const { model, images, text, binary } = await setup();
    const base = { dataset: 'main', predictions: model, strategy: 'least-confidence' as const, top: 2 };
    const plain = await selectImages(repo, base);
    expect(plain.images.map((i) => i.image)).toEqual([images[0], images[1]]);
    const fromJsonl = await selectImages(repo, { ...base, top: 3, diversity: { name: 'v.jsonl', bytes: Buffer.from(text) } });
    // hardest (0, even) first; then the farthest: an odd one (1, the hardest odd); then the
    // farthest from both: among the rest, the even one least like 0 (the largest second coordinate in the pool)
    const chosen = fromJsonl.images.map((i) => images.indexOf(i.image));
    expect(chosen[0]).toBe(0);
    expect(chosen.filter((i) => i % 2 === 1)).toHaveLength(1);
    expect(chosen).toEqual([...chosen].sort((a, b) => a - b));
    const fromBinary = await selectImages(repo, { ...base, top: 3, diversity: { name: 'v.vvec', bytes: binary } });
    expect(fromBinary.images).toEqual(fromJsonl.images);
    expect(fromJsonl.slice.selection!.params).toMatchObject({ diversity: 'embedding', diversity_pool: 30 });
    const again = await selectImages(repo, { ...base, top: 3, diversity: { name: 'v.jsonl', bytes: Buffer.from(text) } });
    expect([again.slice.id, again.created]).toEqual([fromJsonl.slice.id, false]);
    const moved = Buffer.from(text.replace('"vector":[1,0]', '"vector":[1,0.5]'));
    const other = await selectImages(repo, { ...base, top: 3, diversity: { name: 'w.jsonl', bytes: moved } });
    expect(other.slice.id).not.toBe(fromJsonl.slice.id);
    const perClass = await selectImages(repo, { ...base, top: 4, perClass: 2, diversity: { name: 'v.jsonl', bytes: Buffer.from(text) } });
    const counts = new Map<string, number>();
    for (const i of perClass.images) counts.set(i.category, (counts.get(i.category) ?? 0) + 1);
    expect([...counts.values()].every((n) => n <= 2)).toBe(true);
  }); // prettier-ignore

  it('refuses vectors missing for a candidate, a malformed line, gradient vectors; writes no slice', async () => {
    const { model, images, text } = await setup();
    const before = (await repo.catalog.lineage.listSlices()).length;
    const base = { dataset: 'main', predictions: model, strategy: 'margin' as const, top: 2 };
    const without = text.split('\n').filter((l) => !l.includes(`"${images[5]}"`)).join('\n');
    await expect(selectImages(repo, { ...base, diversity: { name: 'v.jsonl', bytes: Buffer.from(without) } })).rejects.toThrow(`no vector for image '${images[5]}'`);
    await expect(selectImages(repo, { ...base, diversity: { name: 'bad.jsonl', bytes: Buffer.from('{"image": "x"}\n') } })).rejects.toThrow("bad.jsonl:1 field 'vector'");
    const ragged = `${JSON.stringify({ image: 'a', vector: [1, 2] })}\n${JSON.stringify({ image: 'b', vector: [1] })}\n`;
    await expect(selectImages(repo, { ...base, diversity: { name: 'r.jsonl', bytes: Buffer.from(ragged) } })).rejects.toThrow('r.jsonl:2');
    const gradient = encodeVectorFile('gradient', 1, ['a'], new Float32Array([1]));
    await expect(selectImages(repo, { ...base, diversity: { name: 'g.vvec', bytes: gradient } })).rejects.toThrow('not embeddings');
    expect(await repo.catalog.lineage.listSlices()).toHaveLength(before);
  }); // prettier-ignore
});

describe('gc', () => {
  it('keeps every prediction set tree, its ranking trees and every select slice tree', async () => {
    const model = await newModel();
    const rows = imageIds.slice(0, 40).map((image, i) => ({
      image,
      prediction: 'x',
      category: 'cat',
      score: (i % 10) / 10,
    }));
    const { set } = await importPredictions(repo, {
      model,
      format: 'jsonl',
      path: file('gc.jsonl', jsonl(rows)),
    });
    const { slice } = await selectImages(repo, {
      dataset: 'main',
      predictions: set.id,
      strategy: 'least-confidence',
      top: 3,
    });
    const [setNodes, sliceNodes] = [await treeChunks(set.root), await treeChunks(slice.id)];
    const rankings = Object.values(set.rankings!);
    expect(rankings).toHaveLength(3);
    const rankingNodes = await Promise.all(rankings.map((r) => treeChunks(r)));
    await collectGarbage(repo);
    expect(await treeChunks(set.root)).toEqual(setNodes);
    expect(await treeChunks(slice.id)).toEqual(sliceNodes);
    expect(await Promise.all(rankings.map((r) => treeChunks(r)))).toEqual(rankingNodes);
    const again = await selectImages(repo, {
      dataset: 'main',
      predictions: set.id,
      strategy: 'least-confidence',
      top: 3,
    });
    expect(again.slice.id).toBe(slice.id);
  });
});

describe('YOLO txt with confidences', () => {
  it('imports a folder of per-image files with sizes from the dataset', async () => {
    const model = await newModel();
    const folder = join(dir, 'yolo');
    mkdirSync(folder);
    const img = gt.images[0]!;
    const id = img.file_name.replace(/\.jpg$/, '');
    writeFileSync(join(folder, `${id}.txt`), '0 0.5 0.5 0.2 0.4 0.9\n1 0.25 0.25 0.1 0.1 0.35\n');
    const names = file('obj.names', `${classNames.join('\n')}\n`);
    const r = await importPredictions(repo, {
      model,
      dataset: 'main',
      format: 'yolo',
      path: folder,
      namesFile: names,
    });
    expect(r.set).toMatchObject({ predictionCount: 2, imageCount: 1, format: 'yolo' });
    const show = await showPredictionSet(repo, r.set.id);
    expect(show.classes.map((c) => c.category).sort()).toEqual(
      [classNames[0]!, classNames[1]!].sort(),
    );
    writeFileSync(join(folder, `${id}.txt`), '0 0.5 0.5 0.2 0.4 1.7\n');
    const e = await failure(
      importPredictions(repo, {
        model,
        dataset: 'main',
        format: 'yolo',
        path: folder,
        namesFile: names,
      }),
    );
    expect(e.message).toMatch(new RegExp(`${id}\\.txt:1 field 'score'`));
    writeFileSync(join(folder, `${id}.txt`), '99 0.5 0.5 0.2 0.4 0.5\n');
    const e2 = await failure(
      importPredictions(repo, {
        model,
        dataset: 'main',
        format: 'yolo',
        path: folder,
        namesFile: names,
      }),
    );
    expect(e2.message).toMatch(new RegExp(`${id}\\.txt:1 field 'class': unknown class 99`));
  });
});

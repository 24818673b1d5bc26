/**
 * The filter language's `pred(M)` terms on real data: the Pascal VOC 2012 ground truth (100
 * images, 273 boxes, `../shared/data/real/coco/review_object_detection_metrics`) against two
 * prediction sets: a deterministic perturbation of the ground truth (boxes moved far enough to
 * miss, classes swapped, boxes dropped, per-class scores) and the 452 real detector predictions
 * shipped with the data (COCO format). Every query's labels (cat) and count equal a brute-force
 * computation written independently here: every IoU of an image by its own formula, then the
 * matching by repeatedly taking the best remaining pair. Plans through an index (point lookups,
 * range scans per image) give the same labels as the scan. `predict disagreements` and `select
 * --strategy disagreement` equal the same brute force on approved (every other) labels.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LineageRecordNotFoundError } from '../../catalog/catalog-errors.js';
import { decodeValue } from '../../core/canonical.js';
import { hexToHash } from '../../core/hash.js';
import { decodeLabelKey } from '../../dataset/label-key.js';
import { scanLeaves } from '../../tree/read.js';
import { importCoco } from '../interchange/import-coco.js';
import { registerModel } from './model-register.js';
import { importPredictions } from './predict-import.js';
import { startRun } from './run-start.js';
import { catLabels } from '../read/cat.js';
import { catLabelBlocks } from '../read/cat.js';
import { countLabels } from '../read/count.js';
import { initRepository } from '../repository/init-repository.js';
import { openRepository } from '../repository/compose.js';
import type { Repository } from '../repository/repository.js';
import { explainQuery } from '../query/query-explain.js';
import { buildIndexes } from '../query/tree-index.js';
import { applyEdits } from '../write/apply-edits.js';
import { listDisagreements } from './predict-disagreements.js';
import { selectImages } from './select.js';

const DATA = join(
  import.meta.dirname,
  '../../../../shared/data/real/coco/review_object_detection_metrics/data/database',
);
const GT = join(DATA, 'gts/coco_format_v1/instances_default.json');
const DETS = join(DATA, 'dets/coco_format/coco_dets.json');

type Box = [number, number, number, number];
type Obj = Record<string, unknown>;
interface Item {
  readonly id: string;
  readonly content: Obj;
}

let dir: string;
let repo: Repository;
let perturbedSet: string;
let detsModel: string;
let detsSet: string;
let labels: Map<string, (Item & { key: string })[]>;
let approved: Set<string>;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'verso-predq-'));
  await initRepository(join(dir, 'repo'), { identity: { author: 'ann' } });
  repo = await openRepository(join(dir, 'repo'), { identity: { author: 'ann' } });
  await importCoco(repo, { file: GT, branch: 'main' });
  const { run } = await startRun(repo, { dataset: 'main' });
  await registerModel(repo, { run: run.id, name: 'perturbed', version: '1' });
  await registerModel(repo, { run: run.id, name: 'detector', version: '1' });
  labels = new Map();
  for await (const line of catLabels(repo, 'main')) {
    const { image, label, ...content } = JSON.parse(line) as Obj & { image: string; label: string };
    const list = labels.get(image) ?? [];
    list.push({ id: label, key: label, content });
    labels.set(image, list);
  }
  const reviews: string[] = [];
  [...labels].forEach(([image, list]) =>
    list.forEach((l, i) => {
      if (i % 2 === 0)
        reviews.push(
          JSON.stringify({
            op: 'patch',
            image,
            label: l.id,
            review: { status: 'approved', reviewer: `rev${i % 3}` },
          }),
        );
    }),
  );
  writeFileSync(join(dir, 'reviews.jsonl'), reviews.join('\n') + '\n');
  await applyEdits(repo, { file: join(dir, 'reviews.jsonl'), branch: 'main' });
  approved = new Set(
    reviews.map((r) => {
      const o = JSON.parse(r) as Obj;
      return `${String(o['image'])}/${String(o['label'])}`;
    }),
  );
  const rows: Obj[] = [];
  let n = 0;
  const classes = [...new Set([...labels.values()].flat().map((l) => l.content['category']))];
  for (const [image, list] of labels) {
    for (const l of list) {
      const [x, y, w, h] = l.content['bbox'] as Box;
      const i = n++;
      if (i % 7 === 3) continue; // dropped: a false negative
      const far = i % 5 === 1; // moved by 60% of its width: IoU < 0.5
      const cls =
        i % 6 === 2
          ? classes[(classes.indexOf(l.content['category']) + 1) % classes.length]
          : l.content['category'];
      const top = Math.round((0.3 + ((i * 37) % 70) / 100) * 1000) / 1000;
      const second = Math.round((1 - top) * (0.3 + (i % 4) / 10) * 1000) / 1000;
      rows.push({
        image,
        prediction: `p${i}`,
        category: cls,
        bbox: [x + (far ? w * 0.6 : (i % 5) - 2), y + (i % 3) - 1, w * (1 + ((i % 7) - 3) / 50), h],
        score: top,
        scores: { [String(cls)]: top, other: second },
      });
      if (i % 9 === 0)
        rows.push({
          image,
          prediction: `fp${i}`,
          category: 'person',
          bbox: [x / 2, y / 2, w / 3, h / 3],
          score: 0.2,
        });
    }
  }
  const file = join(dir, 'perturbed.jsonl');
  writeFileSync(file, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
  perturbedSet = (
    await importPredictions(repo, { model: 'perturbed@1', format: 'jsonl', path: file })
  ).set.id;
  const dets = JSON.parse(readFileSync(DETS, 'utf8')) as { annotations: Obj[] };
  const results = join(dir, 'dets-results.json');
  writeFileSync(results, JSON.stringify(dets.annotations));
  const set = await importPredictions(repo, {
    model: 'detector@1',
    format: 'coco',
    path: results,
    cocoFile: DETS,
  });
  expect(set.set.predictionCount).toBe(452);
  [detsModel, detsSet] = ['detector@1', set.set.id];
}, 60_000);
afterAll(async () => {
  await repo.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The predictions of a set by image, in key order (ids and contents as stored). */
async function predictionsOf(setRef: string): Promise<Map<string, Item[]>> {
  const record = (await repo.catalog.lineage.getPredictionSet(setRef))!;
  const out = new Map<string, Item[]>();
  for await (const run of scanLeaves(repo.nodes, hexToHash(record.root))) {
    for (let i = run.from; i < run.to; i++) {
      const { image, label } = decodeLabelKey(run.keys[i]!);
      const list = out.get(image) ?? [];
      list.push({ id: label, content: decodeValue(run.values[i]!) as Obj });
      out.set(image, list);
    }
  }
  return out;
}

/** IoU of two [x, y, w, h] boxes, written out here. */
function iou(a: Box, b: Box): number {
  const w = Math.max(0, Math.min(a[0] + a[2], b[0] + b[2]) - Math.max(a[0], b[0]));
  const h = Math.max(0, Math.min(a[1] + a[3], b[1] + b[3]) - Math.max(a[1], b[1]));
  const inter = w * h;
  return inter === 0 ? 0 : inter / (a[2] * a[3] + b[2] * b[3] - inter);
}

interface Truth {
  readonly image: string;
  readonly label: string;
  readonly content: Obj;
  readonly pred: Obj | undefined;
  readonly iou: number;
}

/** Every label with its prediction: repeatedly the remaining pair of highest IoU >= 0.5. */
function bruteForce(preds: Map<string, Item[]>): Truth[] {
  const out: Truth[] = [];
  for (const [image, ls] of labels) {
    const ps = preds.get(image) ?? [];
    const m = ls.map((l) => ps.map((p) => iou(l.content['bbox'] as Box, p.content['bbox'] as Box)));
    const matchOf = new Map<number, number>();
    const usedP = new Set<number>();
    for (;;) {
      let best: [number, number, number] | undefined;
      ls.forEach((_, li) =>
        ps.forEach((_, pi) => {
          const v = m[li]![pi]!;
          if (matchOf.has(li) || usedP.has(pi) || v < 0.5) return;
          if (!best || v > best[0]) best = [v, li, pi]; // first in key order wins a tie
        }),
      );
      if (!best) break;
      matchOf.set(best[1], best[2]);
      usedP.add(best[2]);
    }
    ls.forEach((l, li) => {
      const pi = matchOf.get(li);
      out.push({
        image,
        label: l.id,
        content: l.content,
        pred: pi === undefined ? undefined : ps[pi]!.content,
        iou: pi === undefined ? Math.max(0, ...m[li]!) : m[li]![pi]!,
      });
    });
  }
  return out;
}

async function catKeys(where: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const block of catLabelBlocks(repo, 'main', { where }))
    for (const line of block.toString('utf8').split('\n').filter(Boolean)) {
      const o = JSON.parse(line) as { image: string; label: string };
      keys.push(`${o.image}/${o.label}`);
    }
  return keys;
}

const margin = (p: Obj) => {
  const s = Object.values(
    (p['scores'] ?? { a: p['score'], b: 1 - (p['score'] as number) }) as Obj,
  ) as number[];
  s.sort((a, b) => b - a);
  return s[0]! - (s[1] ?? 0);
};

describe('pred(M) in the filter language, against a brute force on real VOC boxes', () => {
  const cases: [string, (t: Truth) => boolean][] = [
    ['iou(pred(M), label) < 0.5', (t) => t.iou < 0.5],
    [
      'pred(M).class != class',
      (t) => t.pred !== undefined && t.pred['category'] !== t.content['category'],
    ],
    ['not matched(pred(M))', (t) => t.pred === undefined],
    [
      'matched(pred(M)) and pred(M).score < 0.7',
      (t) => t.pred !== undefined && (t.pred['score'] as number) < 0.7,
    ],
    ['pred(M).margin < 0.2', (t) => t.pred !== undefined && margin(t.pred) < 0.2],
    [
      'class = person and iou(pred(M), label) >= 0.7',
      (t) => t.content['category'] === 'person' && t.iou >= 0.7,
    ],
  ];

  for (const which of ['perturbed', 'detector'] as const) {
    it.each(cases)(`${which}: %s`, async (template, holds) => {
      const m = which === 'perturbed' ? perturbedSet : detsModel;
      const truth = bruteForce(await predictionsOf(which === 'perturbed' ? perturbedSet : detsSet));
      const want = truth.filter(holds).map((t) => `${t.image}/${t.label}`);
      expect(want.length).toBeGreaterThan(0);
      expect(want.length).toBeLessThan(273);
      const where = template.replaceAll('M', m);
      expect(await catKeys(where)).toEqual(want);
      expect((await countLabels(repo, 'main', where)).labels).toBe(want.length);
    });
  }

  it('finds what the perturbation did: the dropped and moved boxes unmatched, swapped classes', async () => {
    const unmatched = (await countLabels(repo, 'main', `not matched(pred(${perturbedSet}))`))
      .labels;
    const swapped = (await countLabels(repo, 'main', `pred(${perturbedSet}).class != class`))
      .labels;
    expect(unmatched).toBeGreaterThan(273 / 7);
    expect(swapped).toBeGreaterThan(20);
    expect(unmatched + swapped).toBeLessThan(273);
  });

  it('gives the same labels through an index (point lookups) as through the scan, and explains the join', async () => {
    const where = `class = car and iou(pred(${detsModel}), label) < 0.8`;
    const before = await catKeys(where);
    await buildIndexes(repo, 'main');
    const plan = await explainQuery(repo, 'main', where);
    expect(plan.steps[0]).toContain(`pred(${detsModel}): prediction set pset-`);
    expect(plan.steps[0]).toContain('452 predictions');
    expect(plan.access).toBe('index');
    expect(await catKeys(where)).toEqual(before);
    expect(before.length).toBeGreaterThan(0);
  });

  it('refuses an unknown model or set, naming it', async () => {
    const e = await countLabels(repo, 'main', 'pred(nobody@9).score < 0.5').catch(
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(LineageRecordNotFoundError);
    expect((e as Error).message).toContain('nobody@9');
  });
});

describe('disagreements, against the same brute force', () => {
  const disagreeing = (t: Truth) =>
    t.pred !== undefined && t.pred['category'] !== t.content['category'];

  it.each([0.5, 0.8, 0])(
    'predict disagreements --min-score %s lists the approved labels, most confident first',
    async (minScore) => {
      const truth = bruteForce(await predictionsOf(perturbedSet));
      const want = truth
        .filter(
          (t) =>
            approved.has(`${t.image}/${t.label}`) &&
            disagreeing(t) &&
            (t.pred!['score'] as number) >= minScore,
        )
        .sort((a, b) => (b.pred!['score'] as number) - (a.pred!['score'] as number));
      const r = await listDisagreements(repo, {
        dataset: 'main',
        predictions: 'perturbed@1',
        minScore,
      });
      expect(
        r.disagreements.map((d) => [`${d.image}/${d.label}`, d.score, d.predictedClass]),
      ).toEqual(want.map((t) => [`${t.image}/${t.label}`, t.pred!['score'], t.pred!['category']]));
      expect(want.length).toBeGreaterThan(0);
      expect(r.disagreements.every((d) => /^rev\d$/.test(String(d.reviewer)))).toBe(true);
    },
  );

  it('select --strategy disagreement ranks images by their most confident disagreement', async () => {
    const truth = bruteForce(await predictionsOf(perturbedSet));
    const best = new Map<string, number>();
    for (const t of truth.filter(disagreeing))
      best.set(t.image, Math.max(best.get(t.image) ?? 0, t.pred!['score'] as number));
    const want = [...best]
      .sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1))
      .slice(0, 10)
      .map(([i]) => i);
    const r = await selectImages(repo, {
      dataset: 'main',
      predictions: perturbedSet,
      strategy: 'disagreement',
      top: 10,
    });
    expect(r.images.map((i) => i.image)).toEqual(want);
    const again = await selectImages(repo, {
      dataset: 'main',
      predictions: perturbedSet,
      strategy: 'disagreement',
      top: 10,
    });
    expect([again.slice.id, again.created]).toEqual([r.slice.id, false]);
  });

  it('select --where naming pred(M) keeps the images with a matching label', async () => {
    const truth = bruteForce(await predictionsOf(detsSet));
    const missed = new Set(truth.filter((t) => t.pred === undefined).map((t) => t.image));
    const all = await selectImages(repo, {
      dataset: 'main',
      predictions: perturbedSet,
      strategy: 'margin',
      top: 1000,
    });
    const r = await selectImages(repo, {
      dataset: 'main',
      predictions: perturbedSet,
      strategy: 'margin',
      top: 5,
      where: `not matched(pred(${detsModel}))`,
    });
    expect(r.images.map((i) => i.image)).toEqual(
      all.images
        .map((i) => i.image)
        .filter((i) => missed.has(i))
        .slice(0, 5),
    );
  });

  it('refuses a min score outside [0, 1] and an unknown set', async () => {
    await expect(
      listDisagreements(repo, { dataset: 'main', predictions: 'perturbed@1', minScore: 1.5 }),
    ).rejects.toThrow(/min score.*\[0, 1\]/);
    await expect(
      listDisagreements(repo, { dataset: 'main', predictions: 'nobody@1' }),
    ).rejects.toBeInstanceOf(LineageRecordNotFoundError);
  });
});

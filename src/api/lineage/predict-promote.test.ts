/**
 * `predict promote` on the real Pascal VOC 2012 ground truth (100 images, 273 boxes): the
 * predictions of a set scoring >= 0.8 (a deterministic perturbation of the ground truth) become
 * pending labels on a branch, in one commit, each naming its model; promoting again changes
 * nothing; blame and `lineage up` of such a label show the model that proposed it (and, once
 * approved, the reviewer); bad input (a filter on label fields, an unknown set or branch) is
 * refused with nothing written.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LineageRecordNotFoundError } from '../../catalog/catalog-errors.js';
import { InvalidArgumentError } from '../../core/errors.js';
import { blame } from '../blame/blame.js';
import { importCoco } from '../interchange/import-coco.js';
import { catLabels } from '../read/cat.js';
import { countLabels } from '../read/count.js';
import { initRepository } from '../repository/init-repository.js';
import { openRepository } from '../repository/compose.js';
import { createBranch } from '../repository/refs.js';
import type { Repository } from '../repository/repository.js';
import { snapshotAtRef } from '../repository/snapshot-at.js';
import { applyEdits } from '../write/apply-edits.js';
import { lineageUp } from './lineage.js';
import { registerModel } from './model-register.js';
import { importPredictions } from './predict-import.js';
import { promotePredictions } from './predict-promote.js';
import { startRun } from './run-start.js';

const GT = join(
  import.meta.dirname,
  '../../../../shared/data/real/coco/review_object_detection_metrics/data/database/gts/coco_format_v1/instances_default.json',
);

let dir: string;
let repo: Repository;
let setId: string;
let rows: { image: string; prediction: string; category: string; bbox: number[]; score: number }[];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'verso-promote-'));
  await initRepository(join(dir, 'repo'), { identity: { author: 'ann' } });
  repo = await openRepository(join(dir, 'repo'), { identity: { author: 'ann' } });
  await importCoco(repo, { file: GT, branch: 'main' });
  const gt = JSON.parse(readFileSync(GT, 'utf8')) as {
    images: { id: number; file_name: string }[];
    categories: { id: number; name: string }[];
    annotations: { id: number; image_id: number; category_id: number; bbox: number[] }[];
  };
  const image = new Map(gt.images.map((i) => [i.id, i.file_name.replace(/\.jpg$/, '')]));
  const cls = new Map(gt.categories.map((c) => [c.id, c.name]));
  rows = gt.annotations.map((a) => ({
    image: image.get(a.image_id)!,
    prediction: `d${a.id}`,
    category: cls.get(a.category_id)!,
    bbox: a.bbox.map((v, i) => v + (i < 2 ? (a.id % 3) - 1 : 0)),
    score: Math.round((0.3 + ((a.id * 37) % 70) / 100) * 100) / 100,
  }));
  rows.push({ ...rows[0]!, image: 'not-in-the-dataset', prediction: 'x', score: 0.99 });
  const file = join(dir, 'p.jsonl');
  writeFileSync(file, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
  const { run } = await startRun(repo, { dataset: 'main' });
  await registerModel(repo, { run: run.id, name: 'det', version: '3' });
  setId = (await importPredictions(repo, { model: 'det@3', format: 'jsonl', path: file })).set.id;
  await createBranch(repo, 'prelabel', 'main');
}, 60_000);
afterAll(async () => {
  await repo.close();
  rmSync(dir, { recursive: true, force: true });
});

const head = async (ref: string) => (await snapshotAtRef(repo, ref)).commit;

describe('predict promote', () => {
  it('refuses bad input and writes nothing', async () => {
    const before = await head('prelabel');
    await expect(
      promotePredictions(repo, {
        set: setId,
        branch: 'prelabel',
        where: 'review.status = approved',
      }),
    ).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(
      promotePredictions(repo, { set: 'pset-0000000000000000', branch: 'prelabel' }),
    ).rejects.toBeInstanceOf(LineageRecordNotFoundError);
    await expect(promotePredictions(repo, { set: setId, branch: 'nope' })).rejects.toThrow(/nope/);
    expect(await head('prelabel')).toBe(before);
  });

  it('turns the predictions scoring >= 0.8 into pending labels naming the model, once', async () => {
    const mainRoot = (await snapshotAtRef(repo, 'main')).snap.trees.labels;
    const r = await promotePredictions(repo, {
      set: setId,
      branch: 'prelabel',
      where: 'score >= 0.8',
    });
    const want = rows.filter((p) => p.score >= 0.8 && p.image !== 'not-in-the-dataset');
    expect([r.committed, r.promoted, r.skippedUnknownImages]).toEqual([true, want.length, 1]);
    const promoted: Record<string, unknown>[] = [];
    for await (const line of catLabels(repo, 'prelabel')) {
      const l = JSON.parse(line) as Record<string, unknown>;
      if (String(l['label']).startsWith('pred-')) promoted.push(l);
    }
    expect(promoted.map((l) => `${String(l['image'])}/${String(l['label'])}`).sort()).toEqual(
      want.map((p) => `${p.image}/pred-${p.prediction}`).sort(),
    );
    const first = promoted[0]!;
    expect(first['annotator']).toBe('model:det@3');
    expect(first['review']).toEqual({ status: 'pending' });
    expect(first['score']).toBeUndefined();
    expect(first['proposed_by']).toMatchObject({ model_name: 'det@3', prediction_set: setId });
    expect((await countLabels(repo, 'prelabel', 'review.status = pending')).labels).toBe(
      want.length,
    );
    expect((await snapshotAtRef(repo, 'main')).snap.trees.labels).toBe(mainRoot);

    const again = await promotePredictions(repo, {
      set: 'det@3',
      branch: 'prelabel',
      where: 'score >= 0.8',
    });
    expect([again.committed, again.promoted, again.skippedExisting]).toEqual([
      false,
      0,
      want.length,
    ]);
  });

  it('blame and lineage up show the model that proposed a label, and its reviewer once approved', async () => {
    const p = rows.find((x) => x.score >= 0.8)!;
    const label = `pred-${p.prediction}`;
    const edits = join(dir, 'approve.jsonl');
    writeFileSync(
      edits,
      JSON.stringify({
        op: 'patch',
        image: p.image,
        label,
        review: { status: 'approved', reviewer: 'rita' },
      }) + '\n',
    );
    await applyEdits(repo, { file: edits, branch: 'prelabel' });
    const [b] = await blame(repo, { ref: 'prelabel', image: p.image, label });
    expect(b!.proposed_by).toMatchObject({
      model_name: 'det@3',
      prediction: p.prediction,
      score: p.score,
    });
    expect(b!.introduced.message).toContain('model det@3');
    expect(b!.review).toMatchObject({ status: 'approved', reviewer: 'rita' });
    const up = await lineageUp(repo, `${p.image}/${label}`, { at: 'prelabel' });
    expect(up.label?.proposed_by).toMatchObject({ model_name: 'det@3' });
    expect(up.predictionSet?.id).toBe(setId);
    expect(`${up.model?.name}@${up.model?.version}`).toBe('det@3');
    expect(up.run?.id).toBeDefined();
    await expect(
      lineageUp(repo, `${p.image}/no-such-label`, { at: 'prelabel' }),
    ).rejects.toBeInstanceOf(LineageRecordNotFoundError);
  });

  it("a prediction's own `label` member neither renames nor overwrites a label", async () => {
    const lines = async (ref: string) => {
      const byKey = new Map<string, string>();
      for await (const line of catLabels(repo, ref)) {
        const { image, label } = JSON.parse(line) as { image: string; label: string };
        byKey.set(`${image}/${label}`, line);
      }
      return byKey;
    };
    const main = await lines('main');
    const [key, line] = [...main][0]!;
    const human = JSON.parse(line) as { image: string; label: string; category: string };
    const file = join(dir, 'own-label.jsonl');
    const prediction = { image: human.image, prediction: 'p1', label: human.label };
    writeFileSync(
      file,
      `${JSON.stringify({ ...prediction, category: human.category, bbox: [1, 1, 5, 5], score: 0.9 })}\n`,
    );
    const { run } = await startRun(repo, { dataset: 'main' });
    await registerModel(repo, { run: run.id, name: 'det', version: '4' });
    const set = (await importPredictions(repo, { model: 'det@4', format: 'jsonl', path: file })).set
      .id;
    await createBranch(repo, 'own-label', 'main');
    const r = await promotePredictions(repo, { set, branch: 'own-label' });
    expect(r.promoted).toBe(1);
    const after = await lines('own-label');
    expect(after.get(key)).toBe(line);
    expect(after.size).toBe(main.size + 1);
    expect(JSON.parse(after.get(`${human.image}/pred-p1`)!)).toMatchObject({
      category: human.category,
      annotator: 'model:det@4',
    });
  });
});

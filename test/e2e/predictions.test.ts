/**
 * Prediction sets and `select` through the CLI (issue 17): `predict import` of native JSONL
 * and of COCO results made from the real Pascal VOC 2012 ground truth, `predict sets`, `predict
 * show`, `select --json` (`{"slice", "images"}`, hardest first, the same id when run again);
 * bad input exits 1 naming file and line and stores no set; the labels root is unchanged.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  REPO_ROOT,
  expectFailure,
  initRepo,
  useTempRoot,
  writeJsonLines,
  type TestRepo,
} from './helpers.js';

const GT = join(
  REPO_ROOT,
  '../shared/data/real/coco/review_object_detection_metrics/data/database/gts/coco_format_v1/instances_default.json',
);

const tmp = useTempRoot('predictions');
let repo: TestRepo;
let data: string;

beforeAll(async () => {
  repo = await initRepo(tmp.root());
  data = tmp.dir('data');
  await repo.ok(['import', 'coco', GT, '--branch', 'main']);
  const { run } = await repo.json<{ run: { id: string } }>(['run', 'start', '--dataset', 'main']);
  await repo.ok(['model', 'register', '--run', run.id, '--name', 'det', '--version', '1']);
  await repo.ok(['model', 'register', '--run', run.id, '--name', 'det', '--version', '2']);
});

interface SetJson {
  id: string;
  prediction_count: number;
  image_count: number;
  created: boolean;
}

describe('verso predict import / sets / show and verso select', () => {
  it('imports COCO results from the VOC ground truth, labels untouched, and selects from them', async () => {
    const labelsBefore = (await repo.json<{ trees: { labels: string } }>(['show', 'main'])).trees
      .labels;
    const gt = JSON.parse(readFileSync(GT, 'utf8')) as {
      images: { id: number; file_name: string }[];
      annotations: { id: number; image_id: number; category_id: number; bbox: number[] }[];
    };
    const results = gt.annotations.map((a) => ({
      image_id: a.image_id,
      category_id: a.category_id,
      bbox: a.bbox.map((v, i) => v + (i < 2 ? (a.id % 3) - 1 : 0)),
      score: ((a.id * 37) % 100) / 100,
    }));
    const file = join(data, 'results.json');
    writeFileSync(file, JSON.stringify(results));
    const set = await repo.json<SetJson>([
      'predict',
      'import',
      '--model',
      'det@1',
      '--dataset',
      'main',
      '--coco',
      GT,
      file,
    ]);
    expect(set).toMatchObject({ prediction_count: 273, image_count: 100, created: true });
    expect((await repo.json<{ trees: { labels: string } }>(['show', 'main'])).trees.labels).toBe(
      labelsBefore,
    );
    const sets = (await repo.ok(['predict', 'sets', '--json'])).trim().split('\n');
    expect(sets.map((l) => (JSON.parse(l) as { id: string }).id)).toEqual([set.id]);
    const show = await repo.json<{ model_name: string; classes: unknown[] }>([
      'predict',
      'show',
      'det@1',
    ]);
    expect(show.model_name).toBe('det@1');
    expect(show.classes).toHaveLength(20);
    const args = [
      'select',
      '--dataset',
      'main',
      '--predictions',
      'det@1',
      '--strategy',
      'least-confidence',
      '--top',
      '10',
    ];
    const a = await repo.json<{ slice: string; images: string[] }>(args);
    expect(Object.keys(a).sort()).toEqual(['images', 'slice']);
    expect(a.images).toHaveLength(10);
    // least-confidence: the image holding the lowest score comes first.
    const minScore = Math.min(...results.map((r) => r.score));
    const nameOf = new Map(gt.images.map((i) => [i.id, i.file_name.replace(/\.jpg$/, '')]));
    const hardest = results
      .filter((r) => r.score === minScore)
      .map((r) => nameOf.get(r.image_id)!)
      .sort();
    expect(a.images[0]).toBe(hardest[0]);
    expect(await repo.json(args)).toEqual(a);
    const other = await repo.json<{ slice: string }>([...args.slice(0, -1), '11']);
    expect(other.slice).not.toBe(a.slice);
  });

  it('refuses a bad line with exit 1, naming file and line, and stores nothing', async () => {
    const file = writeJsonLines(join(data, 'bad.jsonl'), [
      { image: '2007_000027', prediction: '0', category: 'person', score: 0.4 },
      { image: '2007_000027', prediction: '1', category: 'person', score: 1.2 },
    ]);
    expectFailure(
      await repo.run(['predict', 'import', '--model', 'det@2', file]),
      1,
      /bad\.jsonl:2 field 'score': expected a probability in \[0, 1\], got 1\.2/,
    );
    const unknown = writeJsonLines(join(data, 'unknown.jsonl'), [
      { image: 'nope', prediction: '0', category: 'person', score: 0.4 },
    ]);
    expectFailure(
      await repo.run(['predict', 'import', '--model', 'det@2', '--dataset', 'main', unknown]),
      1,
      /unknown\.jsonl:1 field 'image': unknown image 'nope'/,
    );
    expectFailure(
      await repo.run(['predict', 'import', '--model', 'det@9', file]),
      1,
      "no model 'det@9'",
    );
    expect((await repo.ok(['predict', 'sets', '--model', 'det@2', '--json'])).trim()).toBe('');
  });
});

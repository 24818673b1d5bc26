/**
 * COCO through the CLI: real files round-trip (import -> export -> same images, categories,
 * geometry and fields); the generator's coco.json gives the same labels and reviews trees as
 * its labels.jsonl; bad input fails with file, record and field, exit 1, branch unchanged.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectSameCoco, type CocoDoc } from './coco-compare.js';
import {
  expectFailure,
  generateSharedData,
  REPO_ROOT,
  useTempRoot,
  type TestRepo,
} from './helpers.js';
import { copyRepo, freshRepo } from './repo-copy.js';

const tmp = useTempRoot('coco');
const REAL = resolve(REPO_ROOT, '../shared/data/real/coco');

const REAL_FILES = [
  'review_object_detection_metrics/data/database/gts/coco_format_v1/instances_default.json',
  'review_object_detection_metrics/data/database/gts/coco_format_v2/instances_v2.json',
  'review_object_detection_metrics/data/database/dets/coco_format/coco_dets.json',
  'mmpose/tests/data/coco/test_coco.json',
  'mmpose/tests/data/coco/test_coco_wholebody.json',
  'mmpose/tests/data/ochuman/test_ochuman.json',
  'panopticapi/sample_data/panoptic_coco_detection_format.json',
  'mmdetection/tests/data/coco_dummy/annotations/instances_val2017.json',
  'sahi/tests/data/coco_utils/visdrone2019-det-train-first50image.json',
  'datumaro/tests/assets/coco_dataset/coco_instances/annotations/instances_train.json',
  'datumaro/tests/assets/coco_dataset/coco_instances/annotations/instances_val.json',
  'datumaro/tests/assets/coco_dataset/coco_person_keypoints/annotations/person_keypoints_val.json',
  'label-studio-sdk/tests/custom/converter/data/test_import_coco/coco_import_input.json',
];

describe('COCO round trip on real files', () => {
  let empty: TestRepo;
  beforeAll(async () => (empty = await freshRepo(tmp.root(), 'empty')));

  it.each(REAL_FILES)('%s', async (rel) => {
    const file = join(REAL, rel);
    const repo = copyRepo(empty, tmp.root(), rel.replaceAll('/', '_'));
    await repo.ok(['import', 'coco', file]);
    const out = join(tmp.dir('out'), rel.replaceAll('/', '_'));
    await repo.ok(['export', 'main', '--format', 'coco', '--out', out]);
    const original = JSON.parse(readFileSync(file, 'utf8')) as CocoDoc;
    const exported = JSON.parse(readFileSync(out, 'utf8')) as CocoDoc;
    expectSameCoco(original, exported);
    // Exported ids are the original ones (kept as source_id / label ids).
    expect(exported.images.map((i) => i['id']).sort()).toEqual(
      original.images.map((i) => i['id']).sort(),
    );
    // A second import of the export changes nothing.
    const again = await repo.json<{ labels: object; assets: object }>(['import', 'coco', out]);
    expect(again.labels).toEqual({ added: 0, removed: 0, modified: 0 });
    expect(again.assets).toEqual({ added: 0, removed: 0, modified: 0 });
  });
});

describe('the generator coco.json', () => {
  it('gives the same labels and reviews trees as its labels.jsonl', async () => {
    const dir = tmp.dir('gen');
    const data = await generateSharedData(dir, 2000, 1, [50]);
    const repo = await freshRepo(tmp.root(), 'gen-repo');
    await repo.ok(['branch', 'create', 'jsonl']);
    await repo.ok(['import', 'coco', join(dir, 'coco.json')]);
    await repo.importLabels(data.labelsFile, 'jsonl');
    const [coco, jsonl] = [await repo.show('main'), await repo.show('jsonl')];
    expect(coco.counts.labels).toBeGreaterThan(6000);
    expect(coco.trees.labels).toBe(jsonl.trees.labels);
    expect(coco.trees.reviews).toBe(jsonl.trees.reviews);
    expect(coco.counts.assets).toBe(2000);
    // jsonl export = cat
    const out = join(dir, 'export.jsonl');
    await repo.ok(['export', 'main', '--format', 'jsonl', '--out', out]);
    expect(readFileSync(out, 'utf8')).toBe(await repo.ok(['cat', 'main']));
  });
});

describe('bad COCO input', () => {
  const good = {
    images: [
      { id: 1, file_name: 'a/1.jpg', width: 100, height: 80 },
      { id: 2, file_name: 'a/2.jpg', width: 100, height: 80 },
    ],
    categories: [{ id: 7, name: 'cat', supercategory: 'animal' }],
    annotations: Array.from({ length: 14 }, (_, i) => ({
      id: 330 + i,
      image_id: 1 + (i % 2),
      category_id: 7,
      bbox: [1, 2, 10, 10],
      segmentation: [[1, 2, 11, 2, 11, 12]],
    })),
  };
  type Doc = typeof good;
  const cases: [string, (d: Doc) => string, readonly string[]][] = [
    ['truncated JSON', (d) => JSON.stringify(d).slice(0, 400), ['truncated JSON', 'annotations[']],
    [
      'an annotation pointing at a missing image',
      (d) =>
        JSON.stringify({
          ...d,
          annotations: d.annotations.map((a, i) => (i === 12 ? { ...a, image_id: 99 } : a)),
        }),
      ["annotations[12] (id 342) field 'image_id'", 'no image with id 99'],
    ],
    [
      'an unknown category id',
      (d) =>
        JSON.stringify({
          ...d,
          annotations: d.annotations.map((a, i) => (i === 3 ? { ...a, category_id: 8 } : a)),
        }),
      ["annotations[3] (id 333) field 'category_id'", 'no category with id 8'],
    ],
    [
      'a polygon of 2 points',
      (d) =>
        JSON.stringify({
          ...d,
          annotations: d.annotations.map((a, i) =>
            i === 5 ? { ...a, segmentation: [[1, 2, 3, 4]] } : a,
          ),
        }),
      ["annotations[5] (id 335) field 'segmentation[0]'", 'at least 3 points'],
    ],
    [
      'a box outside the image',
      (d) =>
        JSON.stringify({
          ...d,
          annotations: d.annotations.map((a, i) => (i === 6 ? { ...a, bbox: [95, 2, 40, 10] } : a)),
        }),
      ["annotations[6] (id 336) field 'bbox'", '35 px outside the 100x80 image', '--clip'],
    ],
    [
      'two images with one base name',
      (d) => JSON.stringify({ ...d, images: [...d.images, { id: 3, file_name: 'b/1.png' }] }),
      ["images[2] (id 3) field 'file_name'", "image id '1'", 'images[0] (id 1)'],
    ],
    [
      'an annotation id given twice on one image',
      (d) => JSON.stringify({ ...d, annotations: [...d.annotations, { ...d.annotations[4]! }] }),
      ["annotations[14] (id 334) field 'id'", 'also at annotations[4]'],
    ],
  ];

  /** The good file imported once; each case works on a copy. */
  let template: TestRepo;
  let head: string;
  beforeAll(async () => {
    template = await freshRepo(tmp.root(), 'bad-template');
    const okFile = join(tmp.dir('bad'), 'good.json');
    writeFileSync(okFile, JSON.stringify(good));
    await template.ok(['import', 'coco', okFile]);
    head = await template.head();
  });

  it.each(cases)(
    '%s: exit 1, file + record + field, branch unchanged',
    async (name, make, fragments) => {
      const repo = copyRepo(template, tmp.root(), `bad-${name.replaceAll(' ', '-')}`);
      const file = join(tmp.dir('bad'), `${name.replaceAll(' ', '-')}.json`);
      writeFileSync(file, make(good));
      expectFailure(await repo.run(['import', 'coco', file]), 1, file, ...fragments);
      expect(await repo.head()).toBe(head);
      expect(repo.scratchDirs()).toEqual([]);
    },
  );
});

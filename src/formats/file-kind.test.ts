import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { fileKind, folderKind, misfiledInputError } from './file-kind.js';

const REAL = resolve(fileURLToPath(new URL('../..', import.meta.url)), '../shared/data/real');
const dir = mkdtempSync(join(tmpdir(), 'verso-kind-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('fileKind on real files', () => {
  it.each([
    ['coco/mmpose/tests/data/coco/test_coco.json', 'a COCO instances file', 'coco'],
    [
      'coco/sahi/tests/data/coco_utils/visdrone2019-det-train-first50image.json',
      'a COCO instances file',
      'coco',
    ],
    ['coco/panopticapi/sample_data/panoptic_examples.json', 'a COCO panoptic file', undefined],
    [
      'coco/datumaro/tests/assets/coco_dataset/coco_panoptic/annotations/panoptic_train.json',
      'a COCO panoptic file',
      undefined,
    ],
    [
      'coco/cocoapi/results/instances_val2014_fakebbox100_results.json',
      'a COCO results list',
      undefined,
    ],
    [
      'coco/cocoapi/results/instances_val2014_fakesegm100_results.json',
      'a COCO results list',
      undefined,
    ],
    [
      'label_studio/label-studio-sdk/tests/custom/converter/data/test_export_yolo/data.json',
      'a Label Studio JSON export',
      'label-studio',
    ],
    [
      'label_studio/dagshub-annotation-converter/tests/label_studio_video/res/sample_task.json',
      'a Label Studio video task',
      undefined,
    ],
    [
      'pascal_voc/review_object_detection_metrics/data/database/gts/pascalvoc_format/2007_000027.xml',
      'a Pascal VOC annotation',
      'voc',
    ],
    [
      'cvat/dagshub-annotation-converter/tests/fs_import/cvat/annotations.xml',
      'a CVAT XML export',
      'cvat',
    ],
    ['cvat/traffic-video-tracking/annotations.xml', 'a CVAT for video 1.1 export', 'cvat'],
    [
      'label_studio/label-studio-sdk/tests/custom/converter/data/test_export_yolo/label_config.xml',
      'a Label Studio labeling configuration',
      undefined,
    ],
    ['yolo/hub/example_datasets/coco8/coco8.yaml', 'a YOLO data.yaml', 'yolo'],
    [
      'yolo/hub/example_datasets/coco8/labels/train/000000000009.txt',
      'a YOLO label file',
      undefined,
    ],
    [
      'images/review_object_detection_metrics/data/database/images/2007_000027.jpg',
      'an image file',
      undefined,
    ],
  ])('%s is %s', (file, what, format) => {
    const kind = fileKind(join(REAL, file));
    expect(kind?.what).toContain(what);
    expect(kind?.format).toBe(format);
  });

  it('recognises the native JSONL files', () => {
    const labels = join(dir, 'l.jsonl');
    writeFileSync(
      labels,
      '{"image":"a","label":"1","category":"cat"}\n{"image":"a","label":"2"}\n',
    );
    expect(fileKind(labels)).toMatchObject({ format: 'labels' });
    const edits = join(dir, 'e.jsonl');
    writeFileSync(edits, '{"op":"delete","image":"a","label":"1"}\n');
    expect(fileKind(edits)).toMatchObject({ format: 'edits' });
  });

  it('does not take a broken JSONL file that mentions "images" for COCO', () => {
    const broken = join(dir, 'broken.jsonl');
    writeFileSync(
      broken,
      '{"image":"a","label":"1",\n{"image":"a","label":"2","images":[],"annotations":1,"categories":2}\n',
    );
    expect(fileKind(broken)).toBeUndefined();
  });
});

describe('folderKind on real folders', () => {
  it.each([
    ['yolo/hub/example_datasets/coco8', 'yolo'],
    ['yolo/review_object_detection_metrics/data/database/gts/yolo_format', 'yolo'],
    ['pascal_voc/review_object_detection_metrics/data/database/gts/pascalvoc_format', 'voc'],
    ['cvat/traffic-video-tracking', 'cvat'],
  ])('%s is read by import %s', (folder, format) => {
    expect(folderKind(join(REAL, folder))?.format).toBe(format);
  });
});

describe('misfiledInputError', () => {
  it('says what the file is and what reads it, and stays silent for the right importer', () => {
    const results = join(REAL, 'coco/cocoapi/results/instances_val2014_fakebbox100_results.json');
    expect(misfiledInputError(results, 'coco')?.message).toContain(
      'this is a COCO results list (detections with image_id, category_id and score), not a COCO instances file: importing predictions is not supported yet',
    );
    const voc = join(
      REAL,
      'pascal_voc/review_object_detection_metrics/data/database/gts/pascalvoc_format',
    );
    const folder = misfiledInputError(voc, 'coco');
    expect(folder?.message).toMatch(
      /is a folder: this is a folder of Pascal VOC XML files, not a COCO instances file$/,
    );
    // What reads it is data (the CLI words the command: `cli/error-hints.ts`).
    expect(folder?.data).toMatchObject({ reader: 'voc' });
    expect(misfiledInputError(results, 'coco')?.data).toMatchObject({ reader: 'predictions' });
    expect(misfiledInputError(voc, 'voc')).toBeUndefined();
    expect(misfiledInputError(join(dir, 'missing.json'), 'coco')).toBeUndefined();
  });
});

/**
 * Bad input for the YOLO, Pascal VOC, CVAT and Label Studio importers through the CLI: each
 * case starts from a good dataset already imported, breaks one thing, and expects exit 1, a
 * message naming the file, the record (line / element) and the field, and the branch unchanged.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectFailure, initRepo, useTempRoot, type TestRepo } from './helpers.js';
import { copyRepo } from './repo-copy.js';

const tmp = useTempRoot('formats-bad');

/** A dataset as files: relative path -> text. */
type Files = Record<string, string>;

interface FormatCase {
  readonly format: string;
  /** The path handed to `verso import FORMAT`, relative to the dataset folder. */
  readonly path: string;
  readonly extra?: readonly string[];
  readonly good: Files;
  readonly bad: readonly [
    name: string,
    edit: (f: Files) => Files,
    file: string,
    fragments: string[],
  ][];
}

const yoloGood: Files = {
  'data.yaml': 'names: [cat, dog]\ntrain: images/train\n',
  'labels/train/a.txt': '0 0.5 0.5 0.2 0.2\n1 0.3 0.3 0.1 0.1\n',
  'labels/train/b.txt': '1 0.1 0.1 0.5 0.5 0.2 0.5\n0 0.6 0.6 0.9 0.6 0.9 0.9\n',
};
const voc = (name: string, box = '<xmin>1</xmin><ymin>2</ymin><xmax>30</xmax><ymax>40</ymax>') =>
  `<annotation><filename>a.jpg</filename><size><width>100</width><height>80</height></size>
<object><name>cat</name><bndbox><xmin>5</xmin><ymin>5</ymin><xmax>9</xmax><ymax>9</ymax></bndbox></object>
<object><name>${name}</name><bndbox>${box}</bndbox></object></annotation>\n`;
const cvat = (shape: string) => `<?xml version="1.0"?>
<annotations><version>1.1</version><meta><task><labels>
<label><name>cat</name><attributes></attributes></label><label><name>dog</name><attributes></attributes></label>
</labels></task></meta>
<image id="0" name="a.jpg" width="100" height="80">
<box label="cat" occluded="0" xtl="1" ytl="2" xbr="30" ybr="40" z_order="0"></box>
${shape}
</image></annotations>\n`;
const ls = (result: object, data: object = { image: '/data/upload/a.jpg' }) =>
  JSON.stringify([
    {
      id: 7,
      data,
      annotations: [
        {
          id: 1,
          completed_by: 1,
          result: [
            {
              id: 'r1',
              type: 'rectanglelabels',
              original_width: 100,
              original_height: 80,
              value: { x: 10, y: 10, width: 20, height: 20, rectanglelabels: ['cat'] },
            },
            { id: 'r2', original_width: 100, original_height: 80, ...result },
          ],
        },
      ],
    },
  ]);
const lsPolygon = (points: number[][]) => ({
  type: 'polygonlabels',
  value: { points, polygonlabels: ['dog'] },
});

const CASES: readonly FormatCase[] = [
  {
    format: 'yolo',
    path: '.',
    good: yoloGood,
    extra: ['--images', 'imgs'],
    bad: [
      [
        'a truncated file',
        (f) => ({ ...f, 'data.yaml': 'names: [cat, dog\n' }),
        'data.yaml',
        ['data.yaml:2', 'not valid YAML'],
      ],
      [
        'a label file for a missing image',
        (f) => ({ ...f, 'labels/train/c.txt': '0 0.5 0.5 0.2 0.2\n' }),
        'labels/train/c.txt',
        ["c.txt:1 field 'image'", "no image file for image 'c'"],
      ],
      [
        'an unknown class index',
        (f) => ({ ...f, 'labels/train/a.txt': '0 0.5 0.5 0.2 0.2\n7 0.3 0.3 0.1 0.1\n' }),
        'labels/train/a.txt',
        ["a.txt:2 field 'class'", 'class 7 is not in the class names (0..1)'],
      ],
      [
        'a polygon of 2 points',
        (f) => ({ ...f, 'labels/train/b.txt': '1 0.1 0.1 0.5 0.5 0.2 0.5\n0 0.6 0.6 0.9 0.6\n' }),
        'labels/train/b.txt',
        ["b.txt:2 field 'segmentation'", 'at least 3 points, got 2'],
      ],
      [
        'a line with 4 numbers',
        (f) => ({ ...f, 'labels/train/a.txt': '0 0.5 0.5 0.2 0.2\n1 0.3 0.3 0.1\n' }),
        'labels/train/a.txt',
        ["a.txt:2 field 'bbox'", 'expected 5 numbers', 'got 4'],
      ],
    ],
  },
  {
    format: 'voc',
    path: 'Annotations',
    extra: ['--images', 'imgs'],
    good: { 'Annotations/a.xml': voc('dog') },
    bad: [
      [
        'a truncated file',
        (f) => ({ ...f, 'Annotations/a.xml': voc('dog').slice(0, 150) }),
        'Annotations/a.xml',
        ['malformed XML'],
      ],
      [
        'an annotation for a missing image',
        (f) => ({ ...f, 'Annotations/c.xml': voc('dog').replace('a.jpg', 'c.jpg') }),
        'Annotations/c.xml',
        ["filename field 'image'", "no image file for image 'c'"],
      ],
      [
        'an object without a class',
        (f) => ({ ...f, 'Annotations/a.xml': voc('') }),
        'Annotations/a.xml',
        ["object[1] field 'name'", 'missing the class'],
      ],
      [
        'a degenerate box (VOC has no polygons)',
        (f) => ({
          ...f,
          'Annotations/a.xml': voc(
            'dog',
            '<xmin>30</xmin><ymin>2</ymin><xmax>1</xmax><ymax>40</ymax>',
          ),
        }),
        'Annotations/a.xml',
        ["object[1] field 'bndbox'", 'lie before xmin'],
      ],
      [
        'a box outside the image',
        (f) => ({
          ...f,
          'Annotations/a.xml': voc(
            'dog',
            '<xmin>1</xmin><ymin>2</ymin><xmax>130</xmax><ymax>40</ymax>',
          ),
        }),
        'Annotations/a.xml',
        ["object[1] field 'bbox'", '30 px outside the 100x80 image'],
      ],
    ],
  },
  {
    format: 'cvat',
    path: 'annotations.xml',
    extra: ['--images', 'imgs'],
    good: {
      'annotations.xml': cvat(
        '<polygon label="dog" points="1,1;20,1;20,20" z_order="0"></polygon>',
      ),
    },
    bad: [
      [
        'a truncated file',
        (f) => ({ ...f, 'annotations.xml': f['annotations.xml']!.slice(0, 400) }),
        'annotations.xml',
        ['malformed XML'],
      ],
      [
        'an image missing from --images',
        (f) => ({ ...f, 'annotations.xml': f['annotations.xml']!.replace('a.jpg', 'c.jpg') }),
        'annotations.xml',
        ["<image> #0 (name 'c.jpg') field 'image'", "no image file for image 'c'"],
      ],
      [
        'an undeclared label',
        (f) => ({
          ...f,
          'annotations.xml': cvat('<polygon label="cow" points="1,1;20,1;20,20"></polygon>'),
        }),
        'annotations.xml',
        ["<image> #0 (name 'a.jpg') <polygon> #0 field 'label'", "label 'cow' is not declared"],
      ],
      [
        'a polygon of 2 points',
        (f) => ({
          ...f,
          'annotations.xml': cvat('<polygon label="dog" points="1,1;20,1"></polygon>'),
        }),
        'annotations.xml',
        ["<polygon> #0 field 'segmentation[0]'", 'at least 3 points, got 2'],
      ],
    ],
  },
  {
    format: 'label-studio',
    path: 'export.json',
    good: {
      'export.json': ls(
        lsPolygon([
          [1, 1],
          [20, 1],
          [20, 20],
        ]),
      ),
    },
    bad: [
      [
        'a truncated file',
        (f) => ({ ...f, 'export.json': f['export.json']!.slice(0, 200) }),
        'export.json',
        ['document', 'malformed JSON'],
      ],
      [
        'a task without an image',
        (_) => ({
          'export.json': ls(
            lsPolygon([
              [1, 1],
              [20, 1],
              [20, 20],
            ]),
            { text: 'hello' },
          ),
        }),
        'export.json',
        ["tasks[0] (id 7) field 'data.image'", 'names no image'],
      ],
      [
        'a result without a label',
        (_) => ({
          'export.json': ls({
            type: 'polygonlabels',
            value: {
              points: [
                [1, 1],
                [2, 2],
                [3, 1],
              ],
              polygonlabels: [],
            },
          }),
        }),
        'export.json',
        ["tasks[0] (id 7) annotations[0].result[1] field 'value.polygonlabels'", 'no label name'],
      ],
      [
        'a polygon of 2 points',
        (_) => ({
          'export.json': ls(
            lsPolygon([
              [1, 1],
              [20, 1],
            ]),
          ),
        }),
        'export.json',
        ["annotations[0].result[1] field 'value.segmentation[0]'", 'at least 3 points, got 2'],
      ],
    ],
  },
];

/** Writes a dataset folder (plus `imgs/` with tiny PNGs for images a and b). */
function writeDataset(dir: string, files: Files): void {
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(join(dir, rel, '..'), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  mkdirSync(join(dir, 'imgs'), { recursive: true });
  for (const id of ['a', 'b']) writeFileSync(join(dir, 'imgs', `${id}.png`), png(100, 80));
}

/** A PNG header (signature + IHDR) is all a size read needs. */
function png(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(25);
  ihdr.writeUInt32BE(13, 0);
  ihdr.write('IHDR', 4, 'latin1');
  ihdr.writeUInt32BE(width, 8);
  ihdr.writeUInt32BE(height, 12);
  ihdr.set([8, 6, 0, 0, 0], 16);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), ihdr]);
}

describe.each(CASES)('bad $format input', (c) => {
  const extra = (dir: string) => (c.extra ?? []).map((a) => (a === 'imgs' ? join(dir, 'imgs') : a));
  /** The good dataset imported once; each case breaks a copy of it. */
  let template: TestRepo;
  let head: string;
  beforeAll(async () => {
    template = await initRepo(tmp.root(), `${c.format}-template`);
    const goodDir = tmp.dir(`${c.format}-good`);
    writeDataset(goodDir, c.good);
    await template.ok(['import', c.format, join(goodDir, c.path), ...extra(goodDir)]);
    head = await template.head();
  });

  it.each(c.bad)(
    '%s: exit 1, file + record + field, branch unchanged',
    async (name, edit, file, fragments) => {
      const slug = `${c.format}-${name.replaceAll(/[^a-z0-9]+/gi, '-')}`;
      const repo = copyRepo(template, tmp.root(), slug);
      const badDir = tmp.dir(`${slug}-bad`);
      writeDataset(badDir, edit(c.good));
      const r = await repo.run(['import', c.format, join(badDir, c.path), ...extra(badDir)]);
      expectFailure(r, 1, join(badDir, file), ...fragments);
      expect(await repo.head()).toBe(head);
      expect(repo.scratchDirs()).toEqual([]);
    },
  );
});

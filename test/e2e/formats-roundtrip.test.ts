/**
 * YOLO, Pascal VOC, CVAT and Label Studio on the real files in ../shared/data/real: import, export
 * and compare with the original (same images, classes, geometry within float tolerance,
 * attributes); the same 273 boxes in five encodings give the same labels.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, useTempRoot, type LabelRecord } from './helpers.js';
import { freshRepo } from './repo-copy.js';

const tmp = useTempRoot('formats-rt');
const REAL = resolve(REPO_ROOT, '../shared/data/real');
const GTS = 'review_object_detection_metrics/data/database/gts';
const IMAGES = join(REAL, 'images/review_object_detection_metrics/data/database/images');

function filesUnder(dir: string, ext: string): string[] {
  return readdirSync(dir).flatMap((e) => {
    const p = join(dir, e);
    return statSync(p).isDirectory() ? filesUnder(p, ext) : p.endsWith(ext) ? [p] : [];
  });
}
const idOf = (p: string) => basename(p).replace(/\.[^.]*$/, '');

/** Per image id: the sorted lines `name n1 n2 ...` of a YOLO dataset's label files. */
function yoloShapes(root: string, names: readonly string[]): Map<string, string[][]> {
  const out = new Map<string, string[][]>();
  for (const f of filesUnder(root, '.txt')) {
    if (
      /^(classes|obj|train|val|test)\.(txt|names)$/.test(basename(f)) &&
      !f.includes('labels') &&
      !f.includes('obj_train_data')
    )
      continue;
    const rows = readFileSync(f, 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => {
        const [cls, ...rest] = l.trim().split(/\s+/);
        return [names[Number(cls)]!, ...rest];
      });
    out.set(
      idOf(f),
      rows.sort((a, b) => (a.join(' ') < b.join(' ') ? -1 : 1)),
    );
  }
  return out;
}

function yamlNames(file: string): string[] {
  const n = (parseYaml(readFileSync(file, 'utf8')) as { names: string[] | Record<string, string> })
    .names;
  return Array.isArray(n)
    ? n
    : Object.keys(n)
        .sort((a, b) => Number(a) - Number(b))
        .map((k) => n[k]!);
}

function expectSameYolo(a: Map<string, string[][]>, b: Map<string, string[][]>): void {
  expect([...b.keys()].sort()).toEqual([...a.keys()].sort());
  for (const [image, rows] of a) {
    const other = b.get(image)!;
    expect(other.length, image).toBe(rows.length);
    rows.forEach((r, i) => {
      const o = other[i]!;
      expect(o[0], `${image} class`).toBe(r[0]);
      expect(o.length).toBe(r.length);
      for (let k = 1; k < r.length; k++)
        expect(Math.abs(Number(o[k]) - Number(r[k])), `${image} ${k}`).toBeLessThan(2e-6);
    });
  }
}

const YOLO_SETS: readonly [rel: string, format: string, names: string, extra: string[]][] = [
  ['yolo/hub/example_datasets/coco8', 'yolo', 'coco8.yaml', []],
  ['yolo/hub/example_datasets/coco8-seg', 'yolo-seg', 'coco8-seg.yaml', []],
  [`yolo/${GTS}/yolo_format`, 'yolo', 'obj.names', ['--images', IMAGES]],
  [
    'yolo/label-studio-sdk/tests/custom/converter/data/test_import_yolo_data',
    'yolo',
    'classes.txt',
    [],
  ],
  ['yolo/datumaro/tests/assets/yolo_dataset/strict', 'yolo', 'obj.names', []],
];

describe('YOLO round trip on real files', () => {
  it.each(YOLO_SETS)('%s', async (rel, format, namesFile, extra) => {
    const src = join(REAL, rel);
    const repo = await freshRepo(tmp.root(), rel.replaceAll('/', '_'));
    await repo.ok(['import', 'yolo', src, ...extra]);
    const out = join(tmp.root(), `${rel.replaceAll('/', '_')}-out`);
    await repo.ok(['export', 'main', '--format', format, '--out', out]);
    const names = namesFile.endsWith('.yaml')
      ? yamlNames(join(src, namesFile))
      : readFileSync(join(src, namesFile), 'utf8')
          .split(/\r?\n/)
          .filter((l) => l.trim() !== '');
    expectSameYolo(
      yoloShapes(src, names),
      yoloShapes(join(out, 'labels'), yamlNames(join(out, 'data.yaml'))),
    );
    // Class indices are the original ones (the whole name list is kept in order).
    expect(yamlNames(join(out, 'data.yaml'))).toEqual(names);
  });

  it('coco8 splits become images/train, images/val in data.yaml and read back as splits', async () => {
    const repo = await freshRepo(tmp.root(), 'coco8-splits');
    await repo.ok(['import', 'yolo', join(REAL, 'yolo/hub/example_datasets/coco8')]);
    expect(await repo.json<Record<string, number>>(['split', 'show', 'main'])).toEqual({
      counts: { train: 4, val: 4 },
    });
    const out = join(tmp.root(), 'coco8-splits-out');
    await repo.ok(['export', 'main', '--format', 'yolo', '--out', out]);
    const yaml = readFileSync(join(out, 'data.yaml'), 'utf8');
    expect(yaml).toContain('\ntrain: images/train\n');
    expect(yaml).toContain('\nval: images/val\n');
    expect(readdirSync(join(out, 'labels', 'train'))).toHaveLength(4);
    const again = await repo.json<{ splits: object; labels: object }>(['import', 'yolo', out]);
    expect(again.splits).toEqual({ added: 0, removed: 0, modified: 0 });
    expect(again.labels).toEqual({ added: 0, removed: 0, modified: 0 });
  });

  it('coco8-pose: 17 keypoints per person, in pixels', async () => {
    const repo = await freshRepo(tmp.root(), 'coco8-pose');
    await repo.ok(['import', 'yolo', join(REAL, 'yolo/hub/example_datasets/coco8-pose')]);
    const labels = await repo.cat();
    expect(labels).toHaveLength(21);
    for (const l of labels) expect((l['keypoints'] as number[]).length).toBe(51);
    const first = labels.find((l) => l.image === '000000000036')!;
    const asset = await repo.json<{ width: number; height: number }>([
      'asset',
      'show',
      'main',
      '000000000036',
    ]);
    expect(asset).toMatchObject({ width: 481, height: 640 });
    // The file's first keypoint is 0.519751 0.381250 2.000000.
    expect((first['keypoints'] as number[]).slice(0, 3)).toEqual([
      Math.round(0.519751 * 481 * 1e4) / 1e4,
      Math.round(0.38125 * 640 * 1e4) / 1e4,
      2,
    ]);
  });
});

const xml = new XMLParser({ isArray: (n) => n === 'object' || n === 'part', parseTagValue: false });
type XNode = Record<string, unknown>;
/** A VOC file's comparable content: filename, size, objects sorted. */
function vocFacts(file: string) {
  const a = (xml.parse(readFileSync(file, 'utf8')) as { annotation: XNode }).annotation;
  const size = a['size'] as XNode | undefined;
  const box = (b: XNode) => ['xmin', 'ymin', 'xmax', 'ymax'].map((k) => Number(b[k]));
  const objects = ((a['object'] as XNode[] | undefined) ?? []).map((o) => ({
    name: o['name'],
    box: box(o['bndbox'] as XNode),
    flags: ['pose', 'truncated', 'difficult', 'occluded'].map((k) => o[k] ?? null),
    parts: ((o['part'] as XNode[] | undefined) ?? []).map((p) => [
      p['name'],
      box(p['bndbox'] as XNode),
    ]),
    actions: o['actions'] ?? null,
  }));
  objects.sort((x, y) => (JSON.stringify(x) < JSON.stringify(y) ? -1 : 1));
  return {
    filename: a['filename'],
    width: Number(size?.['width'] ?? 0),
    height: Number(size?.['height'] ?? 0),
    objects,
  };
}

const VOC_SETS = [
  `pascal_voc/${GTS}/pascalvoc_format`,
  `pascal_voc/${GTS}/imagenet_format/Annotations`,
  'pascal_voc/datumaro/tests/assets/voc_dataset/voc_dataset1/Annotations',
  'pascal_voc/mmdetection/tests/data/VOCdevkit/VOC2012/Annotations',
];

describe('Pascal VOC round trip on real files', () => {
  it.each(VOC_SETS)('%s', async (rel) => {
    const src = join(REAL, rel);
    const repo = await freshRepo(tmp.root(), rel.replaceAll('/', '_'));
    await repo.ok(['import', 'voc', src]);
    const out = join(tmp.root(), `${rel.replaceAll('/', '_')}-out`);
    await repo.ok(['export', 'main', '--format', 'voc', '--out', out]);
    for (const f of filesUnder(src, '.xml')) {
      const orig = vocFacts(f);
      const image = idOf(String(orig.filename));
      const back = vocFacts(join(out, 'Annotations', `${image}.xml`));
      expect(back).toEqual(orig);
    }
  });
});

/** Per image: sorted `category x y w h` with coordinates to 2 decimals. */
function boxesByImage(labels: readonly LabelRecord[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const l of labels) {
    const b = (l['bbox'] as number[]).map((v) => (Math.round(v * 100) / 100).toFixed(2));
    out.set(
      l.image,
      [...(out.get(l.image) ?? []), `${String(l['category'])} ${b.join(' ')}`].sort(),
    );
  }
  return out;
}

describe('the same 273 boxes in five encodings', () => {
  it('COCO, VOC, CVAT-VOC, CVAT and YOLO give the same labels', async () => {
    const repo = await freshRepo(tmp.root(), 'five');
    const imports: [string, string[]][] = [
      ['coco', ['coco', join(REAL, `coco/${GTS}/coco_format_v1/instances_default.json`)]],
      ['voc', ['voc', join(REAL, `pascal_voc/${GTS}/pascalvoc_format`)]],
      ['cvat-voc', ['voc', join(REAL, `pascal_voc/${GTS}/imagenet_format/Annotations`)]],
      ['cvat', ['cvat', join(REAL, `cvat/${GTS}/cvat_format/annotations.xml`)]],
      ['yolo', ['yolo', join(REAL, `yolo/${GTS}/yolo_format`), '--images', IMAGES]],
    ];
    const seen: ReturnType<typeof boxesByImage>[] = [];
    for (const [branch, args] of imports) {
      await repo.ok(['branch', 'create', branch, '--from', 'main']);
      await repo.ok(['import', ...args, '--branch', branch]);
      seen.push(boxesByImage(await repo.cat(branch)));
    }
    for (const s of seen.slice(1)) expect(s).toEqual(seen[0]);
    expect([...seen[0]!.values()].flat()).toHaveLength(273);
    // CVAT carries `occluded` like CVAT's COCO export does.
    expect((await repo.cat('cvat'))[0]!['attributes']).toEqual({ occluded: false });
  });
});

describe('CVAT for images and Label Studio exports', () => {
  it('CVAT: boxes, polygons, points and a skeleton, checked against the XML numbers', async () => {
    const repo = await freshRepo(tmp.root(), 'cvat-dagshub');
    await repo.ok([
      'import',
      'cvat',
      join(REAL, 'cvat/dagshub-annotation-converter/tests/fs_import/cvat/annotations.xml'),
    ]);
    const labels = await repo.cat();
    const kind = (l: LabelRecord) =>
      l['keypoints'] ? 'keypoints' : l['segmentation'] ? 'polygon' : 'box';
    expect(labels.map(kind).sort()).toEqual([
      ...Array(4).fill('box'),
      ...Array(2).fill('keypoints'),
      ...Array(4).fill('polygon'),
    ]);
    const yoda = labels.find((l) => l.image === '001')!;
    expect(yoda['bbox']).toEqual([748.06, 379.1, 402.98, 573.14]);
    const skeleton = labels.find((l) => l.image === '004')!;
    // Declared order 1..7: point "1" is at 797.51,449.77.
    expect((skeleton['keypoints'] as number[]).slice(0, 3)).toEqual([797.51, 449.77, 2]);
    expect((await repo.json<{ counts: { assets: number } }>(['show', 'main'])).counts.assets).toBe(
      4,
    );
  });

  it('Label Studio: percentages become pixels, ids and annotators are kept, re-import is a no-op', async () => {
    const file = join(
      REAL,
      'label_studio/label-studio-sdk/tests/custom/converter/data/test_export_coco/data.json',
    );
    const repo = await freshRepo(tmp.root(), 'ls-coco');
    await repo.ok(['import', 'label-studio', file]);
    const task = (
      JSON.parse(readFileSync(file, 'utf8')) as {
        annotations: { result: { id: string; type: string; value: Record<string, number> }[] }[];
      }[]
    )[0]!;
    const labels = await repo.cat();
    expect(labels.map((l) => l.label).sort()).toEqual(
      task.annotations[0]!.result.map((r) => r.id).sort(),
    );
    const rect = task.annotations[0]!.result.find((r) => r.type === 'rectanglelabels')!;
    const box = labels.find((l) => l.label === rect.id)!['bbox'] as number[];
    const expected = [
      rect.value['x']! * 5,
      rect.value['y']! * 3.2,
      rect.value['width']! * 5,
      rect.value['height']! * 3.2,
    ];
    box.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 3));
    // This export has no `completed_by`; `annotated_at` is the annotation's `updated_at`.
    expect(labels.every((l) => l['annotated_at'] === '2025-05-02T08:49:24.923046Z')).toBe(true);
    const again = await repo.json<{ labels: object }>(['import', 'label-studio', file]);
    expect(again.labels).toEqual({ added: 0, removed: 0, modified: 0 });
  });

  it.each([
    'test_export_yolo/data.json',
    'test_export_yolo/data_obb.json',
    'test_export_yolo/data_keypoints.json',
    'test_export_yolo/data_polygons.json',
    'test_export_json_min/data.json',
    'test_export_csv/csv_test.json',
  ])('Label Studio %s imports every labelled result', async (rel) => {
    const file = join(REAL, 'label_studio/label-studio-sdk/tests/custom/converter/data', rel);
    const repo = await freshRepo(tmp.root(), `ls-${rel.replaceAll('/', '_')}`);
    await repo.ok(['import', 'label-studio', file]);
    type Task = { annotations?: { was_cancelled?: boolean; result: { type: string }[] }[] };
    const expected = (JSON.parse(readFileSync(file, 'utf8')) as Task[])
      .flatMap((t) => (t.annotations ?? []).filter((a) => !a.was_cancelled))
      .flatMap((a) => a.result)
      .filter((r) => /^(rectangle|polygon|keypoint)labels$/.test(r.type)).length;
    expect(await repo.cat()).toHaveLength(expected);
  });
});

/**
 * Class indices and category ids are pinned per snapshot (issue 10, item 10), on the real
 * review_object_detection_metrics data (100 VOC 2012 images as CVAT's COCO export, 20 classes):
 * - every export of one snapshot, whatever its `--where`, writes the same `data.yaml` names and
 *   the same COCO categories (also for a snapshot without a stored category list, where the old
 *   exporter numbered classes as a filtered subset first used them);
 * - after `migrate`, the default export uses the branch's schema (renamed and merged classes),
 *   identical to `--schema` of that version;
 * - YOLO's `data.yaml` points at `images/<split>` per split, and `--with-images` places the image
 *   files (hard links to the blob store) for YOLO, VOC and COCO; an image without stored bytes
 *   is an error that leaves nothing behind.
 */
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, expectFailure, useTempRoot, type TestRepo } from './helpers.js';
import { freshRepo } from './repo-copy.js';

const REAL = resolve(REPO_ROOT, '../shared/data/real');
const COCO = join(
  REAL,
  'coco/review_object_detection_metrics/data/database/gts/coco_format_v1/instances_default.json',
);
const IMAGES = join(REAL, 'images/review_object_detection_metrics/data/database/images');

interface CocoDoc {
  images: { id: number; file_name: string }[];
  annotations: { category_id: number; image_id: number }[];
  categories: { id: number; name: string }[];
}

const tmp = useTempRoot('export-pinned');
const source = JSON.parse(readFileSync(COCO, 'utf8')) as CocoDoc;
const NAMES = [...source.categories].sort((a, b) => a.id - b.id).map((c) => c.name);

let withList: TestRepo;
let noList: TestRepo;
let out: string;
let n = 0;
const fresh = (name: string) => join(out, `${name}-${n++}`);

/** Exports and returns the output path. */
async function exportTo(repo: TestRepo, format: string, ...args: string[]): Promise<string> {
  const path = fresh(format) + (format === 'coco' ? '.json' : '');
  await repo.ok(['export', 'v1', '--format', format, '--out', path, ...args]);
  return path;
}

const yamlNames = (dir: string): string[] =>
  readFileSync(join(dir, 'data.yaml'), 'utf8')
    .split('\n')
    .filter((l) => /^ {2}\d+: /.test(l))
    .map((l) => JSON.parse(l.slice(l.indexOf(': ') + 2)) as string);
const labelFile = (dir: string, ...path: string[]) =>
  readFileSync(join(dir, 'labels', ...path), 'utf8');
const coco = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as CocoDoc;

beforeAll(async () => {
  out = tmp.dir('out');
  withList = await freshRepo(tmp.root(), 'with-list');
  await withList.ok(['import', 'coco', COCO, '--images', IMAGES]);
  const images = source.images.map((i) => i.file_name.replace(/\.jpg$/, '')).sort();
  await withList.ok(['split', 'set', ...images.slice(0, 70), '--to', 'train', '--branch', 'main']);
  await withList.ok(['split', 'set', ...images.slice(70), '--to', 'test', '--branch', 'main']);
  await withList.ok(['tag', 'create', 'v1', 'main']);
  // The same labels from JSONL: a snapshot without a stored category list.
  const jsonl = join(tmp.dir('files'), 'labels.jsonl');
  writeFileSync(jsonl, await withList.ok(['cat', 'v1']));
  noList = await freshRepo(tmp.root(), 'no-list');
  await noList.ok(['import', 'labels', jsonl]);
  await noList.ok(['tag', 'create', 'bare', 'main']); // labels only: no asset records
  await noList.ok(['add', 'images', IMAGES, '--branch', 'main']);
  await noList.ok(['tag', 'create', 'v1', 'main']);
  expect((await noList.show('v1')).categories).toBeNull();
}, 120_000);

describe('one category list per snapshot, whatever the filter', () => {
  it('YOLO: train and test exports of one tag have the same index-to-name map', async () => {
    const all = await exportTo(withList, 'yolo');
    const train = await exportTo(withList, 'yolo', '--where', 'split = train');
    const test = await exportTo(withList, 'yolo', '--where', 'split = test');
    const dogs = await exportTo(withList, 'yolo', '--where', 'class = dog');
    expect(yamlNames(all)).toEqual(NAMES);
    for (const dir of [train, test, dogs]) expect(yamlNames(dir)).toEqual(NAMES);
    // A filtered export's label files are the unfiltered export's, line for line.
    for (const f of readdirSync(join(train, 'labels', 'train')))
      expect(labelFile(train, 'train', f)).toBe(labelFile(all, 'train', f));
  });

  it('YOLO without a stored list: classes in id order, not in the order a filter meets them', async () => {
    const dogs = await exportTo(noList, 'yolo-seg', '--where', 'class = dog');
    const people = await exportTo(noList, 'yolo-seg', '--where', 'class = person');
    expect(yamlNames(dogs)).toEqual(NAMES);
    expect(yamlNames(people)).toEqual(NAMES);
    const classesIn = (dir: string) =>
      new Set(
        readdirSync(join(dir, 'labels'))
          .flatMap((f) => labelFile(dir, f).split('\n'))
          .filter((l) => l !== '')
          .map((l) => Number(l.split(' ')[0])),
      );
    expect([...classesIn(dogs)]).toEqual([NAMES.indexOf('dog')]);
    expect([...classesIn(people)]).toEqual([NAMES.indexOf('person')]);
  });

  it('COCO: a filtered export lists the same categories and ids as the whole', async () => {
    for (const repo of [withList, noList]) {
      const all = coco(await exportTo(repo, 'coco'));
      const dogs = coco(await exportTo(repo, 'coco', '--where', 'class = dog'));
      expect(all.categories.map((c) => [c.id, c.name])).toEqual(NAMES.map((m, i) => [i + 1, m]));
      expect(dogs.categories).toEqual(all.categories);
      expect(new Set(dogs.annotations.map((a) => a.category_id))).toEqual(new Set([7]));
    }
  });
});

describe('after migrate, exports use the schema', () => {
  beforeAll(async () => {
    const files = tmp.dir('schema');
    const v1 = source.categories.map((c) => ({ id: c.id, name: c.name }));
    writeFileSync(join(files, 'v1.json'), JSON.stringify({ classes: v1 }));
    const v2 = v1
      .filter((c) => c.name !== 'sofa')
      .map((c) => (c.name === 'tvmonitor' ? { ...c, name: 'tv' } : c));
    const merge = { op: 'merge_classes', from: [14], into: 15 };
    writeFileSync(join(files, 'v2.json'), JSON.stringify({ classes: v2, ops: [merge] }));
    await withList.ok(['schema', 'create', '1.0', '--from', join(files, 'v1.json')]);
    await withList.ok([
      'schema',
      'create',
      '2.0',
      '--from',
      join(files, 'v2.json'),
      '--parent',
      '1.0',
    ]);
    await withList.ok(['branch', 'create', 'migrated', '--from', 'v1']);
    await withList.ok(['migrate', '--branch', 'migrated', '--to', '1.0']);
    await withList.ok(['migrate', '--branch', 'migrated', '--to', '2.0']);
    await withList.ok(['tag', 'create', 'v2', 'migrated']);
  });

  const V2_NAMES = NAMES.filter((m) => m !== 'sofa').map((m) => (m === 'tvmonitor' ? 'tv' : m));

  it('the default COCO and YOLO exports list the schema classes, as --schema does', async () => {
    const exp = async (format: string, ...args: string[]) => {
      const path = fresh(format) + (format === 'coco' ? '.json' : '');
      await withList.ok(['export', 'v2', '--format', format, '--out', path, ...args]);
      return path;
    };
    const plain = coco(await exp('coco'));
    expect(plain.categories.map((c) => c.name)).toEqual(V2_NAMES);
    expect(plain.annotations.some((a) => a.category_id === 14)).toBe(false);
    expect(plain.annotations.length).toBe(source.annotations.length);
    expect(coco(await exp('coco', '--schema', '2.0')).categories).toEqual(plain.categories);
    const yolo = await exp('yolo');
    const viaSchema = await exp('yolo', '--schema', '2.0');
    expect(yamlNames(yolo)).toEqual(V2_NAMES);
    expect(readFileSync(join(viaSchema, 'data.yaml'), 'utf8')).toBe(
      readFileSync(join(yolo, 'data.yaml'), 'utf8'),
    );
    for (const f of readdirSync(join(yolo, 'labels', 'test')))
      expect(labelFile(viaSchema, 'test', f)).toBe(labelFile(yolo, 'test', f));
  });
});

it('adopting a schema of the same classes moves no index, whatever the stored order', async () => {
  // A COCO file whose categories are not in id order.
  const files = tmp.dir('unsorted');
  const doc = {
    images: [{ id: 1, file_name: 'a.jpg', width: 100, height: 100 }],
    annotations: [
      { id: 1, image_id: 1, category_id: 9, bbox: [1, 1, 10, 10] },
      { id: 2, image_id: 1, category_id: 2, bbox: [20, 20, 10, 10] },
    ],
    categories: [
      { id: 9, name: 'zebra' },
      { id: 2, name: 'ant' },
      { id: 5, name: 'moth' },
    ],
  };
  writeFileSync(join(files, 'c.json'), JSON.stringify(doc));
  const schema = { classes: doc.categories.map(({ id, name }) => ({ id, name })) };
  writeFileSync(join(files, 's.json'), JSON.stringify(schema));
  const repo = await freshRepo(tmp.root(), 'unsorted');
  await repo.ok(['import', 'coco', join(files, 'c.json')]);
  const before = fresh('yolo');
  await repo.ok(['export', 'main', '--format', 'yolo', '--out', before]);
  await repo.ok(['schema', 'create', '1.0', '--from', join(files, 's.json')]);
  await repo.ok(['migrate', '--branch', 'main', '--to', '1.0']);
  const after = fresh('yolo');
  await repo.ok(['export', 'main', '--format', 'yolo', '--out', after]);
  expect(yamlNames(before)).toEqual(['zebra', 'ant', 'moth']);
  expect(yamlNames(after)).toEqual(yamlNames(before));
  expect(labelFile(after, 'a.txt')).toBe(labelFile(before, 'a.txt'));
});

describe('--with-images: a folder to train on', () => {
  it('YOLO: images/<split>/ beside labels/<split>/, hard-linked from the blob store', async () => {
    const dir = await exportTo(withList, 'yolo', '--with-images');
    const yaml = readFileSync(join(dir, 'data.yaml'), 'utf8');
    expect(yaml).toContain('\ntest: images/test\n');
    expect(yaml).toContain('\ntrain: images/train\n');
    const train = readdirSync(join(dir, 'images', 'train')).sort();
    expect(train.length).toBe(70);
    expect(readdirSync(join(dir, 'images', 'test')).length).toBe(30);
    expect(train.map((f) => f.replace(/\.jpg$/, '.txt'))).toEqual(
      readdirSync(join(dir, 'labels', 'train')).sort(),
    );
    const first = join(dir, 'images', 'train', train[0]!);
    expect(readFileSync(first).equals(readFileSync(join(IMAGES, train[0]!)))).toBe(true);
    expect(statSync(first).nlink).toBeGreaterThanOrEqual(2);
    expect(statSync(first).mode & 0o222).toBe(0);
    await withList.ok(['verify', '--assets']);
  });

  it('VOC: JPEGImages; COCO: images/ beside the file, only the exported images', async () => {
    const voc = await exportTo(withList, 'voc', '--with-images');
    expect(readdirSync(join(voc, 'JPEGImages')).length).toBe(100);
    const file = join(tmp.dir('coco-with-images'), 'dogs.json');
    const r = await withList.json<{ image_files: { linked: number; copied: number } }>([
      'export',
      'v1',
      '--format',
      'coco',
      '--out',
      file,
      '--where',
      'class = dog',
      '--with-images',
    ]);
    const doc = coco(file);
    expect(r.image_files.linked + r.image_files.copied).toBe(doc.images.length);
    expect(readdirSync(join(tmp.dir('coco-with-images'), 'images')).sort()).toEqual(
      doc.images.map((i) => i.file_name).sort(),
    );
  });

  it('refuses an image without stored bytes, leaving nothing; JSONL has no images', async () => {
    const dir = fresh('voc');
    expectFailure(
      await noList.run(['export', 'bare', '--format', 'voc', '--out', dir, '--with-images']),
      1,
      // Labels only: no image has a size, which VOC needs before its bytes (issue 10 item 11).
      "1 image has no width/height (no asset record with a size): '",
    );
    expect(existsSync(dir)).toBe(false);
    expect(readdirSync(out).some((f) => f.includes('.verso-'))).toBe(false);
    const cocoDir = tmp.dir('coco-missing');
    expectFailure(
      await noList.run([
        'export',
        'bare',
        '--format',
        'coco',
        '--out',
        join(cocoDir, 'c.json'),
        '--with-images',
      ]),
      1,
      'images have no width/height (no asset record with a size)',
    );
    expect(readdirSync(cocoDir)).toEqual([]);
    const file = join(cocoDir, 'a-file');
    writeFileSync(file, 'x');
    expectFailure(
      await withList.run(['export', 'v1', '--format', 'yolo', '--out', file]),
      1,
      'is a file',
    );
    expectFailure(
      await noList.run(['export', 'v1', '--format', 'jsonl', '--out', fresh('x'), '--with-images']),
      2,
      '--with-images',
    );
  });
});

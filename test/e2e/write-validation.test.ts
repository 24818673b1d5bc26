/**
 * One validation policy for every write path (issue 10 items 9 and 11), through the CLI on real
 * files:
 * - schema: on a branch at a schema version where classes were renamed and merged away, every
 *   format importer refuses labels of removed classes like `apply` does (file, record, field;
 *   exit 1; nothing written);
 * - geometry: a box far outside its 486x500 image is refused by `apply`, `import labels` and
 *   `import coco` alike, `--clip` clips it (reported per label); real PoseTrack boxes a few
 *   pixels past the frame are kept as given and reported;
 * - references: on a branch that records images, a label on an image without an asset record is
 *   refused unless `--allow-unknown-images`;
 * - export never writes an image without a size.
 */
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectFailure, REPO_ROOT, useTempRoot, writeJsonLines, type TestRepo } from './helpers.js';
import { freshRepo } from './repo-copy.js';

const tmp = useTempRoot('write-validation');
const REAL = resolve(REPO_ROOT, '../shared/data/real');

const GTS = 'review_object_detection_metrics/data/database/gts';
const COCO_V1 = join(REAL, `coco/${GTS}/coco_format_v1/instances_default.json`);
const VOC = join(REAL, `pascal_voc/${GTS}/pascalvoc_format`);
const YOLO = join(REAL, `yolo/${GTS}/yolo_format`);
const CVAT = join(REAL, `cvat/${GTS}/cvat_format/annotations.xml`);
const LS = join(REAL, 'label_studio/label-studio-sdk/tests/custom/converter/data');
const IMAGES = join(REAL, 'images/review_object_detection_metrics/data/database/images');
const POSETRACK = join(REAL, 'posetrack/mmpose/tests/data/posetrack18/annotations');

const VOC_CLASSES = [
  'person', 'cat', 'boat', 'car', 'pottedplant', 'bicycle', 'dog', 'bus', 'motorbike',
  'tvmonitor', 'train', 'horse', 'aeroplane', 'sofa', 'chair', 'bird', 'bottle', 'sheep',
  'diningtable', 'cow',
]; // prettier-ignore

interface GeometryJson {
  readonly tolerated: number;
  readonly max_excursion: number;
  readonly clipped: number;
  readonly clipped_labels: readonly { image: string; label: string; fields: string[] }[];
}
interface WriteJson {
  readonly committed: boolean;
  readonly geometry: GeometryJson;
}

describe('item 9: every importer validates against the branch schema', () => {
  let repo: TestRepo;
  beforeAll(async () => {
    repo = await freshRepo(tmp.root(), 'schema');
    const dir = tmp.dir('schema-files');
    const classes = VOC_CLASSES.map((name, i) => ({ id: i + 1, name }));
    writeFileSync(join(dir, 'v1.json'), JSON.stringify({ classes }));
    // 2.0: tvmonitor renamed, sofa merged into chair.
    writeFileSync(
      join(dir, 'v2.json'),
      JSON.stringify({
        classes: classes
          .filter((c) => c.name !== 'sofa')
          .map((c) => (c.name === 'tvmonitor' ? { ...c, name: 'tv' } : c)),
        ops: [{ op: 'merge_classes', from: [14], into: 15 }],
      }),
    );
    await repo.ok(['schema', 'create', '1.0', '--from', join(dir, 'v1.json')]);
    await repo.ok(['schema', 'create', '2.0', '--from', join(dir, 'v2.json')]);
    for (const [branch, version] of [
      ['v1', '1.0'],
      ['v2', '2.0'],
    ] as const) {
      await repo.ok(['branch', 'create', branch, '--from', 'main']);
      await repo.ok(['migrate', '--branch', branch, '--to', version]);
    }
  });

  const yoloDir = () => {
    const dir = tmp.dir('schema-yolo');
    copyFileSync(join(YOLO, 'obj.names'), join(dir, 'obj.names'));
    for (const id of ['2007_000027', '2007_000032', '2007_000033', '2007_000039', '2007_000042',
      '2007_000061', '2007_000063', '2007_000068', '2007_000121', '2007_000123'])
      if (existsSync(join(YOLO, 'obj_train_data', `${id}.txt`)))
        copyFileSync(join(YOLO, 'obj_train_data', `${id}.txt`), join(dir, `${id}.txt`));
    return dir;
  }; // prettier-ignore

  const imports: readonly [string, () => string[], RegExp][] = [
    ['coco', () => ['coco', COCO_V1], /instances_default\.json annotations\[\d+\] \(id \d+\) field 'category(_id)?'/],
    ['voc', () => ['voc', VOC], /\.xml object\[\d+\] field 'category(_id)?'/],
    ['yolo', () => ['yolo', yoloDir(), '--images', IMAGES], /\.txt:\d+ field 'category(_id)?'/],
    ['cvat', () => ['cvat', CVAT], /annotations\.xml <image> #\d+ .*field 'category(_id)?'/],
  ]; // prettier-ignore

  it.each(imports)('import %s of removed classes on a 2.0 branch: refused, nothing written', async (_f, args, where) => {
    const head = await repo.head('v2');
    const r = await repo.run(['import', ...args(), '--branch', 'v2']);
    expectFailure(r, 1, where, 'in schema 2.0');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(await repo.head('v2')).toBe(head);
  }); // prettier-ignore

  it.each(imports)('import %s on a 1.0 branch (every class known): accepted', async (_f, args) => {
    await repo.ok(['branch', 'create', `ok-${_f}`, '--from', 'v1']);
    const r = await repo.json<WriteJson>(['import', ...args(), '--branch', `ok-${_f}`]);
    expect(r.committed).toBe(true);
    const classes = new Set((await repo.cat(`ok-${_f}`)).map((l) => `${String(l['category_id'])} ${String(l['category'])}`));
    for (const c of classes) expect(VOC_CLASSES.map((n, i) => `${i + 1} ${n}`)).toContain(c);
  }); // prettier-ignore

  it('import label-studio of classes the schema lacks: refused', async () => {
    const head = await repo.head('v2');
    expectFailure(
      await repo.run([
        'import',
        'label-studio',
        join(LS, 'test_export_yolo/data.json'),
        '--branch',
        'v2',
      ]),
      1,
      'data.json',
      'in schema 2.0',
    );
    expect(await repo.head('v2')).toBe(head);
  });

  it('apply and import labels refuse the same removed class the same way', async () => {
    const dir = tmp.dir('schema-native');
    const line = { image: '2007_000027', label: '9', category_id: 14, category: 'sofa' };
    const head = await repo.head('v2');
    expectFailure(
      await repo.run(['apply', writeJsonLines(join(dir, 'e.jsonl'), [{ op: 'put', ...line }]), '--branch', 'v2']),
      1,
      "e.jsonl:1 field 'category_id': unknown class id 14 (\"sofa\") in schema 2.0",
    );
    expectFailure(
      await repo.run(['import', 'labels', writeJsonLines(join(dir, 'l.jsonl'), [line]), '--branch', 'v2']),
      1,
      "l.jsonl:1 field 'category_id': unknown class id 14 (\"sofa\") in schema 2.0",
    );
    expect(await repo.head('v2')).toBe(head);
  }); // prettier-ignore
});

describe('item 11: geometry and references, one policy for every path', () => {
  let repo: TestRepo;
  let dir: string;
  const label = (extra: object) => ({
    image: '2007_000027',
    label: '50',
    category_id: 1,
    category: 'person',
    ...extra,
  });

  beforeAll(async () => {
    repo = await freshRepo(tmp.root(), 'geometry');
    dir = tmp.dir('geometry-files');
    const images = tmp.dir('geometry-images');
    copyFileSync(join(IMAGES, '2007_000027.jpg'), join(images, '2007_000027.jpg')); // 486x500
    await repo.ok(['add', 'images', images]);
  });

  it('apply: a box far outside the 486x500 image is refused, naming file:line and --clip', async () => {
    const head = await repo.head();
    const edits = writeJsonLines(join(dir, 'far.jsonl'), [
      { op: 'put', ...label({ bbox: [10, 10, 20, 20] }) },
      { op: 'put', ...label({ label: '51', bbox: [400, 100, 300, 100] }) },
    ]);
    const r = await repo.run(['apply', edits, '--branch', 'main']);
    expectFailure(r, 1, "far.jsonl:2 field 'bbox'", '486x500', '--clip');
    expect(await repo.head()).toBe(head);
  });

  it('import labels refuses it the same way', async () => {
    const file = writeJsonLines(join(dir, 'far-labels.jsonl'), [
      label({ label: '51', bbox: [400, 100, 300, 100] }),
    ]);
    expectFailure(await repo.run(['import', 'labels', file]), 1, "far-labels.jsonl:1 field 'bbox'", '486x500');
  }); // prettier-ignore

  it('import coco refuses it the same way, naming the record', async () => {
    const file = join(dir, 'far.json');
    writeFileSync(
      file,
      JSON.stringify({
        images: [{ id: 27, file_name: '2007_000027.jpg', width: 486, height: 500 }],
        categories: [{ id: 1, name: 'person' }],
        annotations: [{ id: 51, image_id: 27, category_id: 1, bbox: [400, 100, 300, 100] }],
      }),
    );
    expectFailure(await repo.run(['import', 'coco', file]), 1, "far.json annotations[0] (id 51) field 'bbox'", '486x500');
    const clipped = await repo.json<WriteJson>(['import', 'coco', file, '--clip']);
    expect(clipped.geometry.clipped_labels).toEqual([{ image: '2007_000027', label: '51', fields: ['bbox'] }]);
    expect((await repo.cat()).find((l) => l.label === '51')?.['bbox']).toEqual([400, 100, 86, 100]);
  }); // prettier-ignore

  it('apply --clip clips to the image and reports each clipped label; area follows', async () => {
    const edits = writeJsonLines(join(dir, 'clip.jsonl'), [
      { op: 'put', ...label({ label: '52', bbox: [400, 100, 300, 100], area: 30000 }) },
    ]);
    const r = await repo.json<WriteJson>(['apply', edits, '--branch', 'main', '--clip']);
    expect(r.geometry).toMatchObject({ clipped: 1, clipped_labels: [{ image: '2007_000027', label: '52', fields: ['bbox'] }] });
    const stored = (await repo.cat()).find((l) => l.label === '52')!;
    expect(stored['bbox']).toEqual([400, 100, 86, 100]);
    expect(stored['area']).toBe(8600);
    const text = await repo.ok(['apply', writeJsonLines(join(dir, 'clip2.jsonl'), [
      { op: 'put', ...label({ label: '53', bbox: [-100, -100, 200, 200] }) },
    ]), '--branch', 'main', '--clip']);
    expect(text).toContain('clipped 1 label');
    expect(text).toContain('2007_000027/53');
  }); // prettier-ignore

  it('a box entirely outside the image is refused even with --clip', async () => {
    const edits = writeJsonLines(join(dir, 'outside.jsonl'), [
      { op: 'put', ...label({ label: '54', bbox: [600, 700, 50, 50] }) },
    ]);
    expectFailure(await repo.run(['apply', edits, '--branch', 'main', '--clip']), 1, "outside.jsonl:1 field 'bbox'", 'entirely outside');
  }); // prettier-ignore

  it('a label on an image with no asset record: refused, unless --allow-unknown-images', async () => {
    const head = await repo.head();
    const edits = writeJsonLines(join(dir, 'unknown.jsonl'), [
      { op: 'put', image: 'no-such-image', label: '1', category: 'person', bbox: [1, 1, 2, 2] },
    ]);
    expectFailure(await repo.run(['apply', edits, '--branch', 'main']), 1, "unknown.jsonl:1 field 'image'", "'no-such-image'", '--allow-unknown-images');
    expectFailure(await repo.run(['import', 'labels', edits]), 1, "unknown.jsonl:1 field 'image'", "'no-such-image'");
    expect(await repo.head()).toBe(head);
    await repo.ok(['apply', edits, '--branch', 'main', '--allow-unknown-images']);
    expect((await repo.cat()).some((l) => l.image === 'no-such-image')).toBe(true);
  }); // prettier-ignore

  it('export never writes an image without a size', async () => {
    const coco = join(dir, 'out.json');
    expectFailure(
      await repo.run(['export', 'main', '--format', 'coco', '--out', coco]),
      1,
      "'no-such-image'",
      'size',
    );
    expect(existsSync(coco)).toBe(false);
    expectFailure(await repo.run(['export', 'main', '--format', 'voc', '--out', join(dir, 'voc')]), 1, "'no-such-image'");
    // With the label gone, the export works and every image has its size.
    await repo.ok(['apply', writeJsonLines(join(dir, 'drop.jsonl'), [{ op: 'delete', image: 'no-such-image', label: '1' }]), '--branch', 'main']);
    await repo.ok(['export', 'main', '--format', 'coco', '--out', coco]);
    const doc = JSON.parse(readFileSync(coco, 'utf8')) as { images: { width?: number; height?: number }[] };
    expect(doc.images.every((i) => i.width === 486 && i.height === 500)).toBe(true);
  }); // prettier-ignore

  // One file per video: the combined test_posetrack18_val.json names three frames 000000.jpg.
  it('real PoseTrack files: boxes a few pixels past the frame are kept and reported', async () => {
    const pose = await freshRepo(tmp.root(), 'posetrack');
    const r = await pose.json<WriteJson>(['import', 'coco', join(POSETRACK, 'val/012834_mpii_test.json')]);
    expect(r.geometry).toMatchObject({ tolerated: 1, clipped: 0 });
    expect(r.geometry.max_excursion).toBeCloseTo(54.63, 1);
    const stored = (await pose.cat()).find((l) => l.label === '1012834000010')!;
    expect(stored['bbox']).toEqual([364.675, -54.62930288750002, 124.14999999999998, 257.32008152500003]);
    const other = await freshRepo(tmp.root(), 'posetrack-other');
    const text = await other.ok(['import', 'coco', join(POSETRACK, 'val/003418_mpii_test.json')]);
    expect(text).toContain("1 label extends up to 27 px past its image's border (kept as given; --clip clips it)");
    const third = await freshRepo(tmp.root(), 'posetrack-third');
    await third.ok(['import', 'coco', join(POSETRACK, 'val/009473_mpii_test.json')]);
  }); // prettier-ignore

  it('real PoseTrack with --clip: every box inside the frame, each clipped label reported', async () => {
    const pose = await freshRepo(tmp.root(), 'posetrack-clip');
    const r = await pose.json<WriteJson>(['import', 'coco', join(POSETRACK, 'val/012834_mpii_test.json'), '--clip']);
    expect(r.geometry).toMatchObject({ tolerated: 0, clipped: 1 });
    expect(r.geometry.clipped_labels).toEqual([{ image: '000000', label: '1012834000010', fields: ['bbox', 'keypoints'] }]);
    for (const l of await pose.cat()) {
      const [x, y, w, h] = l['bbox'] as number[];
      expect(x! >= 0 && y! >= 0 && x! + w! <= 1920 && y! + h! <= 1080).toBe(true);
    }
  }); // prettier-ignore
});

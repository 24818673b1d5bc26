/**
 * What an import replaces (issue 10 item 1) and when a write makes no commit (item 18), through
 * the CLI on real files: every importer replaces only the labels (and reviews) of the images its
 * file covers and leaves the other images alone; `--replace-all` makes the branch's labels
 * exactly the file's and says what it removed; an import, `add images` or `apply` that changes
 * nothing writes no commit and says "nothing to commit" (exit 0, `committed: false` in JSON).
 */
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  expectFailure,
  REPO_ROOT,
  useTempRoot,
  writeJsonLines,
  type LabelRecord,
  type TestRepo,
} from './helpers.js';
import { copyRepo, freshRepo } from './repo-copy.js';

const tmp = useTempRoot('import-scope');
const REAL = resolve(REPO_ROOT, '../shared/data/real');

const DATUMARO = join(REAL, 'coco/datumaro/tests/assets/coco_dataset/coco_instances/annotations');
const GTS = join(REAL, 'pascal_voc/review_object_detection_metrics/data/database/gts');
const YOLO = join(REAL, 'yolo/review_object_detection_metrics/data/database/gts/yolo_format');
const IMAGES = join(REAL, 'images/review_object_detection_metrics/data/database/images');
const CVAT = join(REAL, 'cvat/review_object_detection_metrics/data/database/gts/cvat_format');
const LS = join(REAL, 'label_studio/label-studio-sdk/tests/custom/converter/data');

interface DiffLine {
  readonly tree: string;
  readonly key: { image: string; label?: string };
  readonly change: string;
}
const diff = async (repo: TestRepo, a: string, b: string): Promise<DiffLine[]> =>
  (await repo.ok(['diff', a, b, '--json']))
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as DiffLine);

interface ImportJson {
  readonly commit: string;
  readonly committed: boolean;
  readonly labels: { added: number; removed: number; modified: number };
  readonly removed: {
    readonly labels: number;
    readonly reviews: number;
    readonly images: number;
    readonly image_ids: readonly string[];
  };
}

const imagesOf = (labels: readonly LabelRecord[]) => [...new Set(labels.map((l) => l.image))];

/**
 * Imports `first` then `second` (each `[format, path, ...options]`) and checks that the second
 * left the first's images alone; then, on a fresh branch, that `--replace-all` removes them and
 * says so.
 */
async function checkScope(
  name: string,
  first: readonly string[],
  second: readonly string[],
): Promise<{ repo: TestRepo }> {
  const repo = await freshRepo(tmp.root(), name);
  await repo.ok(['import', ...first]);
  const before = await repo.cat();
  const firstImages = imagesOf(before);
  expect(firstImages.length).toBeGreaterThan(0);
  const r = await repo.json<ImportJson>(['import', ...second]);
  expect(r.committed).toBe(true);
  expect(r.labels.removed).toBe(0);
  expect(r.removed).toMatchObject({ labels: 0, images: 0, image_ids: [] });
  const changes = await diff(repo, 'main~1', 'main');
  expect(changes.length).toBeGreaterThan(0);
  expect(changes.filter((c) => c.change !== 'added')).toEqual([]);
  const after = await repo.cat();
  expect(after.filter((l) => firstImages.includes(l.image))).toEqual(before);

  await repo.ok(['branch', 'create', 'all', '--from', 'main~1']);
  const text = await repo.ok(['import', ...second, '--branch', 'all', '--replace-all']);
  expect(text).toMatch(new RegExp(`removed ${before.length} labels? .*of ${firstImages.length} `));
  for (const image of firstImages.slice(0, 20)) expect(text).toContain(image);
  expect((await repo.cat('all')).filter((l) => firstImages.includes(l.image))).toEqual([]);
  return { repo };
}

describe('each importer replaces only the images its file covers', () => {
  it('import coco train then val (the report): the train labels stay, splits too', async () => {
    const { repo } = await checkScope(
      'coco',
      ['coco', join(DATUMARO, 'instances_train.json'), '--split', 'train'],
      ['coco', join(DATUMARO, 'instances_val.json'), '--split', 'val'],
    );
    expect(await repo.ok(['split', 'show', 'main', '--list'])).toBe('a\ttrain\nb\tval\n');
    expect((await repo.cat()).map((l) => `${l.image}/${l.label}`)).toEqual(['a/1', 'b/1', 'b/2']);
  });

  it('import voc of one XML then another', async () => {
    await checkScope(
      'voc',
      ['voc', join(GTS, 'pascalvoc_format/2007_000027.xml')],
      ['voc', join(GTS, 'pascalvoc_format/2007_000032.xml')],
    );
  });

  it('import yolo of one dataset then another', async () => {
    const dataset = (name: string, ids: readonly string[]) => {
      const dir = tmp.dir(name);
      copyFileSync(join(YOLO, 'obj.names'), join(dir, 'obj.names'));
      for (const id of ids)
        copyFileSync(join(YOLO, 'obj_train_data', `${id}.txt`), join(dir, `${id}.txt`));
      return dir;
    };
    await checkScope(
      'yolo',
      ['yolo', dataset('yolo-a', ['2007_000027', '2007_000032']), '--images', IMAGES],
      ['yolo', dataset('yolo-b', ['2007_000033']), '--images', IMAGES],
    );
  });

  it('import cvat of the real task, then a file with one other image', async () => {
    const other = join(tmp.dir('cvat'), 'other.xml');
    writeFileSync(
      other,
      `<?xml version="1.0" encoding="utf-8"?>
<annotations><version>1.1</version>
<meta><task><labels><label><name>person</name></label></labels></task></meta>
<image id="0" name="other_frame.jpg" width="640" height="480">
  <box label="person" occluded="0" xtl="10" ytl="20" xbr="110" ybr="220"/>
</image>
</annotations>
`,
    );
    await checkScope('cvat', ['cvat', join(CVAT, 'annotations.xml')], ['cvat', other]);
  });

  it('import label-studio of one export, then another', async () => {
    await checkScope(
      'label-studio',
      ['label-studio', join(LS, 'test_export_yolo/data.json')],
      ['label-studio', join(LS, 'test_export_coco/data.json')],
    );
  });
});

describe('import coco: an image the file lists without annotations', () => {
  it('loses its labels (the file covers it); images the file does not list keep theirs', async () => {
    const repo = await freshRepo(tmp.root(), 'coco-empty-image');
    const dir = tmp.dir('coco-empty-image');
    const file = (name: string, images: string[], annotated: string[]) => {
      const path = join(dir, name);
      writeFileSync(
        path,
        JSON.stringify({
          images: images.map((n, i) => ({
            id: i + 1,
            file_name: `${n}.jpg`,
            width: 50,
            height: 40,
          })),
          categories: [{ id: 1, name: 'thing' }],
          annotations: annotated.map((n, i) => ({
            id: 10 + i,
            image_id: images.indexOf(n) + 1,
            category_id: 1,
            bbox: [1, 1, 5, 5],
          })),
        }),
      );
      return path;
    };
    await repo.ok(['import', 'coco', file('all.json', ['p', 'q', 'r'], ['p', 'q', 'r'])]);
    const r = await repo.json<ImportJson>(['import', 'coco', file('q.json', ['q'], [])]);
    expect(r.labels).toEqual({ added: 0, removed: 1, modified: 0 });
    expect((await repo.cat()).map((l) => l.image)).toEqual(['p', 'r']);
  });
});

describe('import labels: per-image replace by default, --upsert, --replace-all', () => {
  /** Three labels on two images, imported once; each case works on a copy. */
  let template: TestRepo;
  beforeAll(async () => {
    template = await freshRepo(tmp.root(), 'labels-template');
    await template.importLabels(
      writeJsonLines(join(tmp.dir('labels'), 'base.jsonl'), [
        { image: 'a', label: '1', category: 'cat', area: 4, review: { status: 'approved' } },
        { image: 'a', label: '2', category: 'dog' },
        { image: 'b', label: '1', category: 'cat' },
      ]),
    );
  });
  const repo = async () => copyRepo(template, tmp.root());
  const file = writeJsonLines(join(tmp.dir('labels'), 'a-only.jsonl'), [
    { image: 'a', label: '1', category: 'bird' },
  ]);
  const pick = (ls: LabelRecord[]) =>
    ls.map((l) => `${l.image}/${l.label} ${String(l['category'])} ${JSON.stringify(l.review)}`);

  it('default: the images in the file get exactly its labels; other images keep theirs', async () => {
    const r = await repo();
    await r.importLabels(file);
    expect(pick(await r.cat())).toEqual(['a/1 bird undefined', 'b/1 cat undefined']);
  });

  it('--upsert: puts the file on top; labels and reviews it does not give stay', async () => {
    const r = await repo();
    await r.importLabels(file, 'main', '--upsert');
    expect(pick(await r.cat())).toEqual([
      'a/1 bird {"status":"approved"}',
      'a/2 dog undefined',
      'b/1 cat undefined',
    ]);
  });

  it('--replace-all: the branch becomes the file, and the removal is reported', async () => {
    const r = await repo();
    const out = await r.json<ImportJson>(['import', 'labels', file, '--replace-all']);
    expect(out.removed).toEqual({ labels: 2, reviews: 1, images: 2, image_ids: ['a', 'b'] });
    expect(pick(await r.cat())).toEqual(['a/1 bird undefined']);
  });

  it('--upsert and --replace-all together are a usage error', async () => {
    const r = await repo();
    const run = await r.run(['import', 'labels', file, '--upsert', '--replace-all']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--upsert');
  });
});

describe('an import keeps what it cannot know better: verified image bytes', () => {
  const COCO_V1 = join(
    REAL,
    'coco/review_object_detection_metrics/data/database/gts/coco_format_v1/instances_default.json',
  );
  interface AssetJson {
    readonly storage?: string;
    readonly sha256?: string;
    readonly width?: number;
    readonly coco_url?: string;
  }

  it('add images, then import coco: the records keep their blob and hash', async () => {
    const repo = await freshRepo(tmp.root(), 'verified-assets');
    const dir = tmp.dir('verified-assets');
    copyFileSync(join(IMAGES, '2007_000027.jpg'), join(dir, '2007_000027.jpg'));
    await repo.ok(['add', 'images', dir]);
    const before = await repo.json<AssetJson>(['asset', 'show', 'main', '2007_000027']);
    expect(before.storage).toBe('blob');
    await repo.ok(['import', 'coco', COCO_V1]);
    const after = await repo.json<AssetJson>(['asset', 'show', 'main', '2007_000027']);
    expect(after).toMatchObject({ storage: 'blob', sha256: before.sha256, width: 486, coco_url: '' });
  }); // prettier-ignore

  it('a file that gives the verified image another size is refused, naming the record', async () => {
    const repo = await freshRepo(tmp.root(), 'verified-size');
    const dir = tmp.dir('verified-size');
    copyFileSync(join(IMAGES, '2007_000027.jpg'), join(dir, '2007_000027.jpg'));
    await repo.ok(['add', 'images', dir]);
    const head = await repo.head();
    const file = join(dir, 'resized.json');
    writeFileSync(
      file,
      JSON.stringify({
        images: [{ id: 27, file_name: '2007_000027.jpg', width: 972, height: 1000 }],
        categories: [{ id: 1, name: 'person' }],
        annotations: [{ id: 1, image_id: 27, category_id: 1, bbox: [10, 10, 50, 50] }],
      }),
    );
    expectFailure(
      await repo.run(['import', 'coco', file]),
      1,
      "resized.json images[0] (id 27) field 'width': the file says 972x1000 but the stored image",
    );
    expect(await repo.head()).toBe(head);
  });
});

describe('nothing to commit (item 18)', () => {
  const expectNothing = async (repo: TestRepo, args: readonly string[]) => {
    const head = await repo.head();
    const log = (await repo.log()).length;
    const text = await repo.ok(args);
    expect(text).toContain('nothing to commit');
    const json = await repo.json<{ committed: boolean; commit: string }>(args);
    expect(json).toMatchObject({ committed: false, commit: head });
    expect(await repo.head()).toBe(head);
    expect(await repo.log()).toHaveLength(log);
  };

  it('import coco, import labels and apply that change nothing write no commit', async () => {
    const repo = await freshRepo(tmp.root(), 'nothing');
    const dir = tmp.dir('nothing');
    const coco = join(dir, 'coco.json');
    writeFileSync(
      coco,
      JSON.stringify({
        images: [{ id: 1, file_name: 'x.jpg', width: 20, height: 20 }],
        categories: [{ id: 1, name: 'thing' }],
        annotations: [{ id: 1, image_id: 1, category_id: 1, bbox: [1, 1, 5, 5] }],
      }),
    );
    await repo.ok(['import', 'coco', coco]);
    await expectNothing(repo, ['import', 'coco', coco]);
    const line = (await repo.cat())[0]!;
    const labels = writeJsonLines(join(dir, 'labels.jsonl'), [line]);
    await expectNothing(repo, ['import', 'labels', labels]);
    const edits = writeJsonLines(join(dir, 'edits.jsonl'), [{ op: 'put', ...line }]);
    await expectNothing(repo, ['apply', edits, '--branch', 'main']);
  });

  it('add images of the same files again writes no commit', async () => {
    const repo = await freshRepo(tmp.root(), 'nothing-images');
    const dir = tmp.dir('nothing-images');
    mkdirSync(dir, { recursive: true });
    for (const id of ['2007_000027', '2007_000032'])
      copyFileSync(join(IMAGES, `${id}.jpg`), join(dir, `${id}.jpg`));
    await repo.ok(['add', 'images', dir]);
    await expectNothing(repo, ['add', 'images', dir]);
  });
});

/**
 * Ids of 8,000 characters (issue 10 item 7): they once crashed the import with a stack overflow
 * in the tree chunker. Ids are limited to 1 KiB of UTF-8 (`dataset/label-key.ts`); every write
 * path refuses a longer one with exit 1, a message naming the file and the line or record, and
 * nothing moved. An id just under the limit is stored and read back.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  REPO_ROOT,
  expectFailure,
  initRepo,
  useTempRoot,
  writeJsonLines,
  type LogJson,
  type TestRepo,
} from './helpers.js';

const tmp = useTempRoot('long-ids');
const REAL = resolve(REPO_ROOT, '../shared/data/real');
const LONG = 'x'.repeat(8000);

let repo: TestRepo;
let history: LogJson[];

const label = (image: string, id: string) => ({
  image,
  label: id,
  category: 'person',
  bbox: [1, 2, 3, 4],
});

beforeAll(async () => {
  repo = await initRepo(tmp.root());
  await repo.importLabels(
    writeJsonLines(join(tmp.dir('data'), 'base.jsonl'), [label('a', '1'), label('b', '2')]),
  );
  history = await repo.log();
});

async function expectNothingMoved(): Promise<void> {
  expect(await repo.log()).toEqual(history);
}

describe('ids longer than 1 KiB', () => {
  it('import labels: refused with file:line and field, nothing moved', async () => {
    const file = writeJsonLines(join(tmp.dir('data'), 'long-label.jsonl'), [
      label('a', '1'),
      label('a', LONG),
    ]);
    const r = await repo.run(['import', 'labels', file]);
    expectFailure(r, 1, `${file}:2 field 'label'`, 'ids are limited to 1024 bytes');
    expect(r.stderr).not.toMatch(/RangeError|at .*\.js:\d+/);
    await expectNothingMoved();
  });

  it('import labels: a long image id counts its UTF-8 bytes (400 x "é" = 800 bytes fits, 600 do not)', async () => {
    const fits = 'é'.repeat(400);
    const file = writeJsonLines(join(tmp.dir('data'), 'long-image.jsonl'), [
      label('é'.repeat(600), '1'),
    ]);
    expectFailure(
      await repo.run(['import', 'labels', file]),
      1,
      `${file}:1 field 'image'`,
      '1200 bytes',
    );
    await expectNothingMoved();
    const ok = writeJsonLines(join(tmp.dir('data'), 'fits.jsonl'), [label(fits, '1')]);
    const branch = 'fits';
    await repo.ok(['branch', 'create', branch, '--from', 'main']);
    await repo.importLabels(ok, branch);
    // Imports replace only the images their file covers: the branch's other images stay.
    expect((await repo.cat(branch)).map((r) => r.image)).toContain(fits);
  });

  it('apply: a put with an 8,000-character label id is refused with file:line', async () => {
    const file = writeJsonLines(join(tmp.dir('data'), 'edit.jsonl'), [
      { op: 'put', ...label('a', LONG) },
    ]);
    expectFailure(
      await repo.run(['apply', file, '--branch', 'main']),
      1,
      `${file}:1 field 'label'`,
      'ids are limited',
    );
    await expectNothingMoved();
  });

  it('import coco: an 8,000-character file_name is refused naming the image record', async () => {
    const src = join(REAL, 'coco/mmpose/tests/data/coco/test_coco.json');
    const coco = JSON.parse(readFileSync(src, 'utf8')) as { images: { file_name: string }[] };
    coco.images[1]!.file_name = `${LONG}.jpg`;
    const file = join(tmp.dir('data'), 'long.json');
    writeFileSync(file, JSON.stringify(coco));
    expectFailure(
      await repo.run(['import', 'coco', file]),
      1,
      `${file} images[1] field 'image'`,
      'ids are limited',
    );
    await expectNothingMoved();
  });

  it('import voc: an 8,000-character <filename> is refused naming the file', async () => {
    const src = join(
      REAL,
      'pascal_voc/review_object_detection_metrics/data/database/gts/imagenet_format/Annotations/2007_000027.xml',
    );
    const file = join(tmp.dir('voc'), 'long.xml');
    writeFileSync(file, readFileSync(src, 'utf8').replace('2007_000027.jpg', `${LONG}.jpg`));
    expectFailure(
      await repo.run(['import', 'voc', file]),
      1,
      file,
      "field 'image'",
      'ids are limited',
    );
    await expectNothingMoved();
  });
});

/**
 * `verso import coco FILE --images DIR` on real COCO files with their JPEGs: every image's
 * bytes become a blob and its asset record carries sha256 / size / media type (verify --assets
 * is clean); a missing file or a size other than the record's is exit 1 naming the image
 * record, with the branch unchanged; a `sha256` the COCO file gives without bytes is kept as
 * `source_sha256`, not taken for a verified hash.
 */
import { createHash } from 'node:crypto';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectFailure, parseJsonLines, REPO_ROOT, useTempRoot, type TestRepo } from './helpers.js';
import { freshRepo } from './repo-copy.js';

const tmp = useTempRoot('coco-images');
const REAL = resolve(REPO_ROOT, '../shared/data/real/coco');

const MMPOSE = 'mmpose/tests/data/coco/test_coco.json';
const PANOPTIC = 'panopticapi/sample_data/panoptic_coco_detection_format.json';

interface CocoImage {
  id: number;
  file_name: string;
  width: number;
  height: number;
  sha256?: string;
}
interface CocoDoc {
  images: CocoImage[];
  [k: string]: unknown;
}
type AssetJson = { image: string; [k: string]: unknown };

interface VerifyJson {
  problems: unknown[];
  assets: { assets: number; checked: number; metadata_only: number; problems: unknown[] };
}

const readDoc = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as CocoDoc;
const sha256Of = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');
const assets = async (repo: TestRepo) =>
  parseJsonLines<AssetJson>(await repo.ok(['asset', 'list', '--json']));

/** A copy of the mmpose file and its JPEGs in a fresh folder, the document changed by `edit`. */
function mmposeCopy(name: string, edit: (doc: CocoDoc) => void, skipImage?: string) {
  const dir = tmp.dir(name);
  const src = join(REAL, MMPOSE);
  const doc = readDoc(src);
  for (const img of doc.images)
    if (img.file_name !== skipImage)
      copyFileSync(join(dirname(src), img.file_name), join(dir, img.file_name));
  edit(doc);
  const file = join(dir, 'coco.json');
  writeFileSync(file, JSON.stringify(doc));
  return { dir, file, doc };
}

describe('import coco --images on real files', () => {
  it.each([
    [MMPOSE, '.'],
    [PANOPTIC, 'input_images'],
  ])('%s: blobs stored, records hashed, verify --assets clean', async (rel, images) => {
    const file = join(REAL, rel);
    const dir = join(dirname(file), images);
    const repo = await freshRepo(tmp.root(), basename(rel, '.json'));
    const r = await repo.json<{ images: number; blobs: { new: number } }>([
      'import',
      'coco',
      file,
      '--images',
      dir,
    ]);
    const doc = readDoc(file);
    expect(r.images).toBe(doc.images.length);
    expect(r.blobs.new).toBe(doc.images.length);
    const byName = new Map((await assets(repo)).map((a) => [a['file_name'], a]));
    for (const img of doc.images) {
      const path = join(dir, img.file_name);
      expect(byName.get(img.file_name)).toMatchObject({
        source_id: img.id,
        width: img.width,
        height: img.height,
        media_type: 'image/jpeg',
        sha256: sha256Of(path),
        size: readFileSync(path).length,
        storage: 'blob',
      });
    }
    const v = await repo.json<VerifyJson>(['verify', '--assets']);
    expect(v.problems).toEqual([]);
    expect(v.assets).toMatchObject({
      assets: doc.images.length,
      checked: doc.images.length,
      metadata_only: 0,
      problems: [],
    });
  });

  it('finds DIR/<basename> when DIR/<file_name> is absent', async () => {
    const { dir, file } = mmposeCopy('basename', (doc) => {
      for (const img of doc.images) img.file_name = `val2017/${img.file_name}`;
    });
    const repo = await freshRepo(dir);
    await repo.ok(['import', 'coco', file, '--images', dir]);
    const list = await assets(repo);
    expect(list).toHaveLength(4);
    expect(
      list.every((a) => a['storage'] === 'blob' && String(a['file_name']).startsWith('val2017/')),
    ).toBe(true);
  });

  it('a missing image file: exit 1 naming the image and the path tried, branch unchanged', async () => {
    const { dir, file, doc } = mmposeCopy('missing', () => {}, '000000196141.jpg');
    const repo = await freshRepo(dir);
    const before = await repo.head();
    const i = doc.images.findIndex((img) => img.file_name === '000000196141.jpg');
    expectFailure(
      await repo.run(['import', 'coco', file, '--images', dir]),
      1,
      `images[${i}] (id 196141) field 'file_name': no image file at ${join(dir, '000000196141.jpg')}`,
    );
    expect(await repo.head()).toBe(before);
  });

  it('never reads outside DIR: a file_name climbing out of it is looked up by base name only', async () => {
    const { dir, file, doc } = mmposeCopy(
      'outside',
      (d) => {
        for (const img of d.images) img.file_name = `../${img.file_name}`;
      },
      '000000196141.jpg',
    );
    // The one image left out of DIR exists just outside it, where '../<name>' would point.
    copyFileSync(
      join(dirname(join(REAL, MMPOSE)), '000000196141.jpg'),
      join(dir, '..', '000000196141.jpg'),
    );
    const repo = await freshRepo(dir);
    const i = doc.images.findIndex((img) => img.file_name === '../000000196141.jpg');
    expectFailure(
      await repo.run(['import', 'coco', file, '--images', dir]),
      1,
      `images[${i}] (id 196141) field 'file_name': no image file at ${join(dir, '000000196141.jpg')}`,
    );
  });

  it('a size other than the record says: exit 1 naming the image and the field', async () => {
    const { dir, file } = mmposeCopy('size', (doc) => {
      doc.images[1]!.height += 1;
    });
    const repo = await freshRepo(dir);
    const before = await repo.head();
    expectFailure(
      await repo.run(['import', 'coco', file, '--images', dir]),
      1,
      `images[1] (id 40083) field 'height': the record says 334`,
    );
    expect(await repo.head()).toBe(before);
  });

  it('a sha256 in the COCO file is kept as source_sha256: without bytes, never verified', async () => {
    const fake = 'ab'.repeat(32);
    const { dir, file } = mmposeCopy('given-sha', (doc) => {
      for (const img of doc.images) img.sha256 = fake;
    });
    const repo = await freshRepo(dir);
    await repo.ok(['import', 'coco', file]);
    for (const a of await assets(repo)) {
      expect(a['sha256']).toBeUndefined();
      expect(a['source_sha256']).toBe(fake);
    }
    const v = await repo.json<VerifyJson>(['verify', '--assets']);
    expect(v.assets).toMatchObject({ checked: 0, metadata_only: 4, problems: [] });
    // With the bytes, the measured hash is the record's; the differing given one stays as source.
    await repo.ok(['import', 'coco', file, '--images', dir]);
    for (const a of await assets(repo)) {
      expect(a['sha256']).toBe(sha256Of(join(dir, String(a['file_name']))));
      expect(a['source_sha256']).toBe(fake);
    }
    expect((await repo.json<VerifyJson>(['verify', '--assets'])).assets.problems).toEqual([]);
  });
});

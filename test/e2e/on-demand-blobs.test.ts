/**
 * A clone made with `--blobs on-demand` (the default) downloads image bytes the first time they
 * are read, through a real Verso server on 127.0.0.1: right after the clone it holds no image
 * bytes; `export --where ... --with-images` fetches exactly the images of the selected labels
 * (byte-equal to the origin's files) and a second export fetches nothing more; a clone with
 * `--blobs none` fetches nothing and the export says which image is missing; a remote that
 * cannot be reached is BLOB_FETCH_FAILED naming the image's hash and the remote, with nothing
 * written at --out.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createToken } from '../../src/api/access/index.js';
import { openRepository, type Repository } from '../../src/api/repository/index.js';
import { repositoryTokenCheck, startServer, type RunningServer } from '../../src/server/index.js';
import {
  expectFailure,
  expectOk,
  initRepo,
  REPO_ROOT,
  TestRepo,
  useTempRoot,
  verso,
} from './helpers.js';

const REAL = join(REPO_ROOT, '../shared/data/real');
const COCO = join(
  REAL,
  'coco/review_object_detection_metrics/data/database/gts/coco_format_v1/instances_default.json',
);
const IMAGES = join(REAL, 'images/review_object_detection_metrics/data/database/images');
const tmp = useTempRoot('on-demand');
let server: RunningServer;
let originRepo: Repository | undefined;
let url: string;
let env: Record<string, string>;

/** The image ids whose labels have class `name` in the COCO file. */
function imagesOfClass(name: string): string[] {
  const doc = JSON.parse(readFileSync(COCO, 'utf8')) as {
    images: { id: number; file_name: string }[];
    annotations: { image_id: number; category_id: number }[];
    categories: { id: number; name: string }[];
  };
  const cat = doc.categories.find((c) => c.name === name)!.id;
  const ids = new Set(doc.annotations.filter((a) => a.category_id === cat).map((a) => a.image_id));
  return doc.images.filter((i) => ids.has(i.id)).map((i) => i.file_name);
}

/** How many image blobs a repository holds. */
function blobCount(root: string): number {
  const dir = join(root, '.verso/blobs');
  if (!existsSync(dir)) return 0;
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter(
    (e) => e.isFile() && /^[0-9a-f]{64}$/.test(e.name),
  ).length;
}

beforeAll(async () => {
  const origin = await initRepo(tmp.dir('origin'), 'origin');
  await origin.ok(['import', 'coco', COCO, '--images', IMAGES]);
  originRepo = await openRepository(origin.root);
  const token = (await createToken(originRepo, { name: 'e2e', role: 'read' })).token;
  server = await startServer({
    source: { open: { origin: originRepo } },
    port: 0,
    checkToken: repositoryTokenCheck,
  });
  url = `${server.url}/repos/origin`;
  env = { VERSO_TOKEN: token, VERSO_CREDENTIALS: join(tmp.dir('origin'), 'none') };
  expect(blobCount(origin.root)).toBe(100);
}, 120_000);

afterAll(async () => {
  await server?.close();
  await originRepo?.close();
});

describe('clone --blobs on-demand', () => {
  it('fetches only the images an export reads, once, byte for byte', async () => {
    const root = tmp.dir('lazy');
    expectOk(await verso(['clone', url, join(root, 'clone')], { env }));
    const clone = new TestRepo(join(root, 'clone'));
    expect(blobCount(clone.root)).toBe(0);

    const cats = imagesOfClass('cat');
    expect(cats.length).toBeGreaterThan(1);
    const out = join(root, 'cats');
    const args = ['export', 'main', '--format', 'yolo', '--where', 'class = cat'];
    expectOk(await clone.run([...args, '--out', out, '--with-images'], { env }));
    expect(blobCount(clone.root)).toBe(cats.length);
    const placed = readdirSync(out, { recursive: true }).filter((f) => String(f).endsWith('.jpg'));
    expect(placed.map((f) => String(f).split('/').pop()).sort()).toEqual([...cats].sort());
    for (const file of placed)
      expect(
        readFileSync(join(out, String(file))).equals(
          readFileSync(join(IMAGES, String(file).split('/').pop()!)),
        ),
      ).toBe(true);

    // The remote is gone now: the images already fetched are read locally.
    expectOk(await clone.run(['remote', 'remove', 'origin']));
    expectOk(await clone.run([...args, '--out', join(root, 'again'), '--with-images'], { env }));
    expect(blobCount(clone.root)).toBe(cats.length);
    await clone.verify();
  }, 120_000);

  it('names the image and the remote when the remote cannot be reached, and writes nothing', async () => {
    const root = tmp.dir('dead');
    expectOk(await verso(['clone', url, join(root, 'clone')], { env }));
    const clone = new TestRepo(join(root, 'clone'));
    expectOk(await clone.run(['remote', 'remove', 'origin']));
    expectOk(await clone.run(['remote', 'add', 'origin', 'http://127.0.0.1:1/repos/origin']));
    const out = join(root, 'dogs');
    const failed = await clone.run(
      [
        'export',
        'main',
        '--format',
        'yolo',
        '--where',
        'class = dog',
        '--out',
        out,
        '--with-images',
      ],
      { env },
    );
    expectFailure(failed, 1, 'are not in this clone', "remote 'origin'", '127.0.0.1:1', 'hint:');
    expect(existsSync(out)).toBe(false);
    expect(blobCount(clone.root)).toBe(0);
  }, 120_000);

  it('--blobs none fetches nothing and the export names the missing image', async () => {
    const root = tmp.dir('none');
    expectOk(await verso(['clone', url, join(root, 'clone'), '--blobs', 'none'], { env }));
    const clone = new TestRepo(join(root, 'clone'));
    const out = join(root, 'cats');
    const failed = await clone.run(
      [
        'export',
        'main',
        '--format',
        'yolo',
        '--where',
        'class = cat',
        '--out',
        out,
        '--with-images',
      ],
      { env },
    );
    expectFailure(failed, 1, 'which is missing');
    expect(existsSync(out)).toBe(false);
    expect(blobCount(clone.root)).toBe(0);
  }, 120_000);
});

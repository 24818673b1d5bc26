/**
 * Image assets through the CLI: `verso add images` (blob and reference mode), deduplication
 * (re-adds, two names, two repositories sharing a blob store), `verso asset list/show`,
 * `verso verify --assets`, and bad input (corrupt or non-image files, id collisions) that
 * exits 1 and leaves the branch where it was.
 */
import { createHash } from 'node:crypto';
import {
  appendFileSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { AddImagesResult } from '../../src/api/images/add-images.js';
import { encodeImage, withMarker, type ImageKind } from '../../bench/gen-images.js';
import { expectFailure, TestRepo, useTempRoot, verso } from './helpers.js';
import { freshRepo } from './repo-copy.js';

const tmp = useTempRoot('assets');

/** `verso add images --json` prints the API result. */
/** `verso add images --json`: the API result with snake_case field names. */
type Snake<S extends string> = S extends `${infer H}${infer T}`
  ? `${H extends Lowercase<H> ? H : `_${Lowercase<H>}`}${Snake<T>}`
  : S;
type AddJson = { readonly [K in keyof AddImagesResult as Snake<K & string>]: AddImagesResult[K] };

interface AssetJson {
  readonly image: string;
  readonly file_name: string;
  readonly width: number;
  readonly height: number;
  readonly media_type: string;
  readonly sha256: string;
  readonly size: number;
  readonly storage?: string;
  readonly uri?: string;
}

interface VerifyJson {
  readonly problems: unknown[];
  readonly assets: {
    readonly assets: number;
    readonly problems: {
      image: string;
      uri: string;
      expected: string;
      actual: string | null;
      problem: string;
    }[];
  };
}

const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

let seed = 0;
/** Writes a small, distinct image to `file`. */
function image(file: string, kind: ImageKind, width: number, height: number): string {
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, withMarker(kind, encodeImage(kind, width, height, 1), `e2e ${++seed}`));
  return file;
}

/** A folder of 3 JPEGs and 2 PNGs (one nested) plus a text file. */
function imageFolder(name: string): string {
  const dir = tmp.dir(name);
  image(join(dir, 'cat-1.jpg'), 'jpeg', 64, 48);
  image(join(dir, 'cat-2.jpg'), 'jpeg', 40, 30);
  image(join(dir, 'nested', 'deeper', 'dog-1.jpeg'), 'jpeg', 32, 32);
  image(join(dir, 'nested', 'mask-1.png'), 'png', 20, 10);
  image(join(dir, 'mask-2.png'), 'png', 16, 16);
  writeFileSync(join(dir, 'README.txt'), 'not an image\n');
  return dir;
}

function addImages(repo: TestRepo, ...args: string[]): Promise<AddJson> {
  return repo.json<AddJson>(['add', 'images', ...args]);
}

async function assets(repo: TestRepo, ref = 'main'): Promise<AssetJson[]> {
  return (await repo.ok(['asset', 'list', ref, '--json']))
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as AssetJson);
}

/** Blob files in a blob folder (`ab/cd/<sha256>`), ignoring its `tmp/`. */
function blobFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && !e.parentPath.includes(`${join(dir, 'tmp')}`))
    .map((e) => e.name)
    .sort();
}

const repoBlobs = (repo: TestRepo) => blobFiles(join(repo.root, '.verso', 'blobs'));

describe('verso add images', () => {
  it('adds a folder recursively: one record and one blob per image, non-images skipped', async () => {
    const dir = imageFolder('folder');
    const repo = await freshRepo(tmp.root(), 'basic');
    const r = await addImages(repo, dir);
    expect(r).toMatchObject({ images: 5, added: 5, replaced: 0, unchanged: 0, skipped: 1 });
    expect(r).toMatchObject({ blobs_new: 5, blobs_deduplicated: 0 });
    const list = await assets(repo);
    expect(list.map((a) => [a.image, a.file_name, a.width, a.height, a.media_type])).toEqual([
      ['cat-1', 'cat-1.jpg', 64, 48, 'image/jpeg'],
      ['cat-2', 'cat-2.jpg', 40, 30, 'image/jpeg'],
      ['dog-1', 'nested/deeper/dog-1.jpeg', 32, 32, 'image/jpeg'],
      ['mask-1', 'nested/mask-1.png', 20, 10, 'image/png'],
      ['mask-2', 'mask-2.png', 16, 16, 'image/png'],
    ]);
    for (const a of list) {
      const file = join(dir, a.file_name);
      expect(a).toMatchObject({ storage: 'blob', sha256: sha(file), size: statSync(file).size });
      const blob = join(
        repo.root,
        '.verso',
        'blobs',
        a.sha256.slice(0, 2),
        a.sha256.slice(2, 4),
        a.sha256,
      );
      expect(readFileSync(blob).equals(readFileSync(file))).toBe(true);
    }
    expect(r.bytes_new).toBe(list.reduce((n, a) => n + a.size, 0));
    expect((await repo.show()).operations).toMatchObject({
      op: 'add-images',
      added: 5,
      blobs_new: 5,
      blobs_deduplicated: 0,
      bytes_new: r.bytes_new,
    });
    const shown = await repo.json<AssetJson>(['asset', 'show', 'main', 'dog-1']);
    expect(shown).toEqual({ ...list[2] });

    // the same folder again: nothing new, the same snapshot
    const again = await addImages(repo, dir);
    expect(again).toMatchObject({ added: 0, replaced: 0, unchanged: 5, blobs_new: 0 });
    expect(again).toMatchObject({ blobs_deduplicated: 5, bytes_new: 0 });
    expect(again.snapshot).toBe(r.snapshot);
    expect(repoBlobs(repo)).toHaveLength(5);
    await repo.verify();
    expect((await repo.json<VerifyJson>(['verify', '--assets'])).assets).toMatchObject({
      assets: 5,
      problems: [],
    });
  });

  it('stores the same bytes under two names once, and replaces an id whose bytes changed', async () => {
    const dir = tmp.dir('two-names');
    const a = image(join(dir, 'a.jpg'), 'jpeg', 24, 24);
    copyFileSync(a, join(dir, 'b.jpg'));
    const repo = await freshRepo(tmp.root(), 'two-names-repo');
    expect(await addImages(repo, dir)).toMatchObject({
      added: 2,
      blobs_new: 1,
      blobs_deduplicated: 1,
    });
    expect(new Set((await assets(repo)).map((x) => x.sha256)).size).toBe(1);
    expect(repoBlobs(repo)).toEqual([sha(a)]);

    const before = sha(a);
    image(a, 'png', 12, 8); // a new version of image 'a' (same id, other bytes and type)
    const r = await addImages(repo, a);
    expect(r).toMatchObject({ added: 0, replaced: 1, blobs_new: 1 });
    expect(await repo.json<AssetJson>(['asset', 'show', 'main', 'a'])).toMatchObject({
      media_type: 'image/png',
      width: 12,
      sha256: sha(a),
    });
    expect((await repo.json<AssetJson>(['asset', 'show', 'main~1', 'a'])).sha256).toBe(before);
    expect(repoBlobs(repo)).toEqual([before, sha(a)].sort()); // the old blob stays for history
    expect((await repo.json<VerifyJson>(['verify', '--assets'])).assets.problems).toEqual([]);
  });

  it('shares one blob store between repositories (init --blob-store)', async () => {
    const dir = imageFolder('shared-src');
    const store = join(tmp.root(), 'shared-blobs');
    const repos: TestRepo[] = [];
    for (const name of ['shared-a', 'shared-b']) {
      const root = join(tmp.root(), name);
      expect((await verso(['init', root, '--blob-store', store])).code).toBe(0);
      repos.push(new TestRepo(root));
    }
    expect(await addImages(repos[0]!, dir)).toMatchObject({ blobs_new: 5 });
    const blobs = blobFiles(store);
    expect(blobs).toHaveLength(5);
    expect(await addImages(repos[1]!, dir)).toMatchObject({
      added: 5,
      blobs_new: 0,
      blobs_deduplicated: 5,
    });
    expect(blobFiles(store)).toEqual(blobs);
    expect(repoBlobs(repos[1]!)).toEqual([]);
    expect((await repos[1]!.json<VerifyJson>(['verify', '--assets'])).assets.problems).toEqual([]);
  });

  it('references files in place; verify --assets names a file whose bytes changed', async () => {
    const dir = imageFolder('referenced');
    const repo = await freshRepo(tmp.root(), 'reference');
    const r = await addImages(repo, dir, '--reference');
    expect(r).toMatchObject({ added: 5, blobs_new: 0, bytes_new: 0 });
    expect(repoBlobs(repo)).toEqual([]);
    const cat = (await assets(repo)).find((a) => a.image === 'cat-2')!;
    expect(cat).toMatchObject({ storage: 'reference', uri: join(dir, 'cat-2.jpg') });
    expect((await repo.run(['verify', '--assets'])).code).toBe(0);

    const byUri = pathToFileURL(join(dir, 'cat-1.jpg')).href;
    expect(await addImages(repo, byUri, '--reference')).toMatchObject({
      replaced: 1,
      blobs_new: 0,
    });
    expect((await repo.json<AssetJson>(['asset', 'show', 'main', 'cat-1'])).uri).toBe(byUri);

    appendFileSync(join(dir, 'cat-2.jpg'), 'tampered');
    rmSync(join(dir, 'mask-2.png'));
    const bad = await repo.run(['verify', '--assets']);
    expectFailure(bad, 1, 'verify found 2 problem(s)');
    for (const says of ['asset cat-2', join(dir, 'cat-2.jpg'), 'hash mismatch', 'asset mask-2'])
      expect(bad.stdout).toContain(says);
    const v = JSON.parse((await repo.run(['verify', '--assets', '--json'])).stdout) as VerifyJson;
    expect(v.assets.problems).toEqual([
      {
        ref: 'main',
        image: 'cat-2',
        storage: 'reference',
        uri: join(dir, 'cat-2.jpg'),
        expected: cat.sha256,
        actual: sha(join(dir, 'cat-2.jpg')),
        problem: 'bytes changed (hash mismatch)',
      },
      {
        ref: 'main',
        image: 'mask-2',
        storage: 'reference',
        uri: join(dir, 'mask-2.png'),
        expected: expect.any(String),
        actual: null,
        problem: 'file missing',
      },
    ]);
  });
});

describe('verso add images: bad input leaves the branch unchanged', () => {
  const repo = (name: string) => freshRepo(tmp.root(), name);

  async function expectRefused(
    r: TestRepo,
    args: string[],
    ...says: (string | RegExp)[]
  ): Promise<void> {
    const head = await r.head();
    expectFailure(await r.run(['add', 'images', ...args]), 1, ...says);
    expect(await r.head()).toBe(head);
    expect(await r.log()).toHaveLength(1);
  }

  it('refuses a corrupt image, named or found in a folder, before storing any blob', async () => {
    const dir = imageFolder('with-corrupt');
    const corrupt = join(dir, 'broken.jpg');
    writeFileSync(corrupt, Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49]));
    const r = await repo('corrupt');
    await expectRefused(r, [dir], corrupt, 'image/jpeg');
    await expectRefused(r, [corrupt], corrupt);
    expect(repoBlobs(r)).toEqual([]);
  });

  it('refuses a named non-image file (a folder skips it)', async () => {
    const dir = imageFolder('named-text');
    await expectRefused(
      await repo('non-image'),
      [join(dir, 'cat-1.jpg'), join(dir, 'README.txt')],
      join(dir, 'README.txt'),
      'not a supported image',
    );
  });

  it('refuses two different files with one image id, naming both', async () => {
    const dir = tmp.dir('collision');
    const a = image(join(dir, 'a', 'img.jpg'), 'jpeg', 20, 20);
    const b = image(join(dir, 'b', 'img.png'), 'png', 20, 20);
    await expectRefused(await repo('collision'), [dir], "image id 'img'", a, b);
    // equal sizes, different bytes: found after hashing
    const c = join(dir, 'c', 'img.jpg');
    mkdirSync(join(c, '..'));
    const bytes = readFileSync(a);
    bytes[bytes.length - 3]! ^= 0xff;
    writeFileSync(c, bytes);
    await expectRefused(await repo('collision-same-size'), [a, c], "image id 'img'", a, c);
  });

  it('accepts the same bytes reached by two paths as one image', async () => {
    const dir = tmp.dir('same-id-same-bytes');
    const a = image(join(dir, 'x', 'img.jpg'), 'jpeg', 20, 20);
    mkdirSync(join(dir, 'y'));
    copyFileSync(a, join(dir, 'y', 'img.jpg'));
    expect(await addImages(await repo('same-bytes'), dir)).toMatchObject({
      images: 1,
      added: 1,
      blobs_new: 1,
    });
  });

  it('refuses locations Verso cannot read (only paths and file: URIs)', async () => {
    await expectRefused(
      await repo('remote'),
      ['https://example.com/a.jpg'],
      'only local paths and file: URIs',
    );
  });

  it('says which asset is missing', async () => {
    expectFailure(
      await (await repo('missing')).run(['asset', 'show', 'main', 'nope']),
      1,
      "no asset 'nope'",
    );
  });
});

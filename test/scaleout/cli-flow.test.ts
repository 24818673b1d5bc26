/**
 * The CLI on a repository on PostgreSQL + S3 (`verso init --catalog ... --store ...`), against
 * real servers started by the test: the same commands on real data give the same snapshot ids
 * as on the embedded backends, step by step; the folder holds only configuration and caches;
 * no password is recorded; a second folder attached to the same repository sees and extends
 * the same history; gc and verify work there. Bad configuration is refused with a clear error
 * and nothing written.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import {
  expectFailure,
  expectOk,
  generateProjectData,
  initRepo,
  REPO_ROOT,
  TestRepo,
  useTempRoot,
  verso,
} from '../e2e/helpers.js';
import { useScaleoutBackends } from './backends.js';

const tmp = useTempRoot('scaleout-flow');
const backends = useScaleoutBackends();

const REAL = join(REPO_ROOT, '../shared/data/real');
const VOC_IMAGES = join(REAL, 'images/review_object_detection_metrics/data/database/images');
const VOC_XML = join(
  REAL,
  'pascal_voc/review_object_detection_metrics/data/database/gts/pascalvoc_format',
);
const COCO_PEOPLE = join(REAL, 'coco/mmpose/tests/data/coco');

async function initRemote(name: string, schema: string, ...extra: string[]): Promise<TestRepo> {
  const b = backends();
  const root = join(tmp.root(), name);
  const store = await b.storeUrl('verso-flow', schema);
  expectOk(
    await verso(['init', root, '--catalog', b.catalogUrl(schema), '--store', store, ...extra]),
    'verso init (PostgreSQL + S3)',
  );
  return new TestRepo(root);
}

/** Runs `args` on both repositories; the `--json` results, embedded first. */
async function both<T>(a: TestRepo, b: TestRepo, args: readonly string[]): Promise<[T, T]> {
  return [await a.json<T>(args), await b.json<T>(args)];
}

describe('scale-out: the CLI on PostgreSQL + S3', () => {
  it('gives the snapshot ids of the embedded backends, step by step, on real data', async () => {
    const embedded = await initRepo(tmp.root(), 'embedded');
    const remote = await initRemote('remote', 'flow');
    // The folder holds configuration and caches only; no password anywhere in it.
    const config = readFileSync(join(remote.root, '.verso', 'backends.json'), 'utf8');
    expect(JSON.parse(config)).toMatchObject({
      format: 'verso-backends',
      catalog: backends().catalogUrl('flow'),
      store: 's3://verso-flow/flow',
    });
    expect(config).not.toContain(backends().env['PGPASSWORD']!);
    expect(readdirSync(join(remote.root, '.verso')).sort()).not.toContain('catalog.sqlite');
    expect(existsSync(join(remote.root, '.verso', 'chunks'))).toBe(false);

    const snapshots = async () => [
      (await embedded.show('main')).snapshot,
      (await remote.show('main')).snapshot,
    ];
    const [e0, r0] = await snapshots();
    expect(r0).toBe(e0);

    const images = readdirSync(VOC_IMAGES).map((n) => join(VOC_IMAGES, n));
    for (const repo of [embedded, remote]) {
      await repo.ok(['add', 'images', ...images, '-m', 'VOC 2012 images']);
      await repo.ok(['import', 'voc', VOC_XML, '-m', 'VOC 2012 boxes']);
    }
    const [e1, r1] = await snapshots();
    expect(r1).toBe(e1);
    expect(e1).not.toBe(e0);

    // Image bytes went to the bucket, stored once under their hash.
    const listed = await backends()
      .s3.client()
      .send(new ListObjectsV2Command({ Bucket: 'verso-flow', Prefix: 'flow/blobs/' }));
    expect(listed.KeyCount).toBe(images.length);

    const data = await generateProjectData(tmp.dir('generated'), 3000, 14, [300]);
    for (const repo of [embedded, remote]) {
      // From the root commit: the generated labels' images have no asset records.
      await repo.ok(['branch', 'create', 'feature', '--from', 'main~2']);
      await repo.importLabels(data.labelsFile, 'feature');
      await repo.apply(data.editFiles[0]!.file, 'feature');
      await repo.ok(['import', 'coco', join(COCO_PEOPLE, 'test_coco.json'), '--branch', 'main']);
    }
    expect((await remote.show('feature')).snapshot).toBe((await embedded.show('feature')).snapshot);
    const [e2, r2] = await snapshots();
    expect(r2).toBe(e2);

    const [em, rm] = await both<{ snapshot?: string }>(embedded, remote, [
      'merge',
      'feature',
      '--into',
      'main',
    ]);
    expect(rm.snapshot).toBe(em.snapshot);
    const [e3, r3] = await snapshots();
    expect(r3).toBe(e3);

    const [ed, rd] = await both<unknown>(embedded, remote, ['diff', 'main~1', 'main', '--stat']);
    expect(rd).toEqual(ed);
    const where = ['count', 'main', '--where', 'class = person'];
    expect(await remote.ok(where)).toBe(await embedded.ok(where));
    expect(await remote.cat('main')).toEqual(await embedded.cat('main'));
    const log = async (r: TestRepo) => (await r.log('main')).map((c) => c.message);
    expect(await log(remote)).toEqual(await log(embedded));

    // gc keeps what refs reach (and removes nothing a ref needs); verify stays clean.
    await remote.ok(['branch', 'delete', 'feature', '--force']);
    await remote.ok(['gc']);
    await remote.verify();
    expect((await remote.show('main')).snapshot).toBe(e3);
    expect(await remote.cat('main')).toEqual(await embedded.cat('main'));
  });

  it('a second folder attached to the repository sees and extends the same history', async () => {
    const first = await initRemote('shared-a', 'shared');
    const b = backends();
    const secondRoot = join(tmp.root(), 'shared-b');
    const store = await b.storeUrl('verso-flow', 'shared');
    const attached = await verso([
      'init',
      secondRoot,
      '--catalog',
      b.catalogUrl('shared'),
      '--store',
      store,
      '--attach',
    ]);
    expect(expectOk(attached).stdout).toContain('Attached');
    const second = new TestRepo(secondRoot);
    expect(await second.head()).toBe(await first.head());

    const data = await generateProjectData(tmp.dir('shared-data'), 500, 3, []);
    const written = await second.importLabels(data.labelsFile);
    expect((await first.show('main')).snapshot).toBe(written.snapshot);
    expect(await first.cat('main')).toHaveLength(500);

    // Without --attach, a folder for a repository that exists is refused; nothing written.
    const third = join(tmp.root(), 'shared-c');
    const again = await verso([
      'init',
      third,
      '--catalog',
      b.catalogUrl('shared'),
      '--store',
      store,
    ]);
    expectFailure(again, 1, 'already holds a Verso repository', '--attach');
    expect(existsSync(join(third, '.verso', 'backends.json'))).toBe(false);
    expect(await first.head()).toBe(written.commit);
  });

  it('refuses bad configuration with a clear error and writes nothing', async () => {
    const b = backends();
    const store = await b.storeUrl('verso-flow', 'bad');
    const dir = (n: string) => join(tmp.root(), n);
    const cases: { args: string[]; message: RegExp; env?: Record<string, string> }[] = [
      { args: ['--catalog', b.catalogUrl('bad')], message: /needs both a catalog URL/ },
      { args: ['--store', store], message: /needs both a catalog URL/ },
      { args: ['--catalog', 'mysql://x@h/db', '--store', store], message: /postgres:\/\// },
      { args: ['--catalog', b.catalogUrl('bad'), '--store', 'file:///tmp'], message: /s3:\/\// },
      {
        args: ['--catalog', b.catalogUrl('bad'), '--store', store],
        env: { PGPASSWORD: 'wrong-password' },
        message: /password|authentication/i,
      },
      {
        args: ['--catalog', b.catalogUrl('bad'), '--store', 's3://no-such-bucket-here/x'],
        message: /no-such-bucket-here/,
      },
      {
        args: ['--catalog', b.catalogUrl('missing'), '--store', store, '--attach'],
        message: /no Verso repository/,
      },
    ];
    for (const [i, c] of cases.entries()) {
      const target = dir(`bad-${i}`);
      const r = await verso(['init', target, ...c.args], { process: true, env: c.env ?? {} });
      expect([i, r.code]).not.toEqual([i, 0]);
      expect([i, r.stderr]).toEqual([i, expect.stringMatching(c.message)]);
      expect(r.stderr).not.toContain(b.env['PGPASSWORD']!);
      expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
      expect(existsSync(target)).toBe(false); // not even the folder init would have made
    }
  });
});

/**
 * `--where` through the CLI: on generated data with a tagged base and one edit batch applied,
 * `count --where` equals an independent computation over the JSONL (fields, dates, periods,
 * change predicates, boolean combinations), `cat --where` prints exactly the matching lines of
 * `cat`, `export --where` writes exactly the matching annotations (COCO) or lines (JSONL), and a
 * bad expression exits 1 with the caret message.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  applyToModel,
  canonicalJson,
  expectFailure,
  expectOk,
  generateProjectData,
  initRepo,
  keyOf,
  modelOf,
  readJsonLines,
  useTempRoot,
  writeGeneratedImageHeaders,
  type LabelRecord,
  type StoredLabel,
  type TestRepo,
} from './helpers.js';

const tmp = useTempRoot('query');
const NOW = '2026-08-15T12:00:00Z';
const ENV = { env: { VERSO_NOW: NOW } };
const DAY = 86_400_000;

let repo: TestRepo;
let catLines: string[];
let records: LabelRecord[];
let base: Map<string, StoredLabel>;

beforeAll(async () => {
  const ds = await generateProjectData(tmp.dir('data'), 3000, 41, [400]);
  repo = await initRepo(tmp.root());
  await repo.importLabels(ds.labelsFile);
  await repo.ok(['tag', 'create', 'production-v3', 'main']);
  await repo.apply(ds.editFiles[0]!.file, 'main');
  base = modelOf(readJsonLines(ds.labelsFile));
  const finalModel = applyToModel(base, readJsonLines(ds.editFiles[0]!.file));
  catLines = (await repo.ok(['cat', 'main'])).split('\n').filter(Boolean);
  records = catLines.map((l) => JSON.parse(l) as LabelRecord);
  expect(records.length).toBe(finalModel.size);
}, 120_000);

const ms = (s: unknown) => (typeof s === 'string' ? Date.parse(s) : NaN);
const review = (r: LabelRecord) => (r.review ?? undefined) as Record<string, unknown> | undefined;
const attrs = (r: LabelRecord) => r['attributes'] as Record<string, unknown> | undefined;
const contentOf = (r: LabelRecord) => {
  const { image: _i, label: _l, review: _r, ...content } = r;
  return canonicalJson(content);
};
const changed = (r: LabelRecord) => base.get(keyOf(r))?.content !== contentOf(r);
const reviewChanged = (r: LabelRecord) =>
  (base.get(keyOf(r))?.review ?? null) !== (r.review ? canonicalJson(r.review) : null);
const inRange = (t: number, from: string, to: string) =>
  t >= Date.parse(from) && t < Date.parse(to);

/** [expression, the same selection computed directly, must it match something?] */
const CASES: readonly [string, (r: LabelRecord) => boolean, boolean][] = [
  ['class = person', (r) => r['category'] === 'person', true],
  [
    'class in ("traffic light", car, dog)',
    (r) => ['traffic light', 'car', 'dog'].includes(r['category'] as string),
    true,
  ],
  ['review.status = approved', (r) => review(r)?.['status'] === 'approved', true],
  ['review.status != approved', (r) => review(r)?.['status'] !== 'approved', true],
  [
    'annotated_at >= 2026-07-01 and annotated_at < 2026-08-01',
    (r) => inRange(ms(r['annotated_at']), '2026-07-01', '2026-08-01'),
    true,
  ],
  [
    'review.at in last_quarter',
    (r) => inRange(ms(review(r)?.['reviewed_at']), '2026-04-01', '2026-07-01'),
    true,
  ],
  ['annotated_at in -30d', (r) => ms(r['annotated_at']) >= Date.parse(NOW) - 30 * DAY, true],
  ['attributes.occluded = true', (r) => attrs(r)?.['occluded'] === true, true],
  [
    'not attributes.occluded = true or area > 50000',
    (r) => attrs(r)?.['occluded'] !== true || (r['area'] as number) > 50000,
    true,
  ],
  ['kind = polygon', (r) => Array.isArray(r['segmentation']), true],
  ['changed_since(production-v3)', changed, true],
  ['review_changed_since(production-v3)', reviewChanged, true],
  [
    'review_changed_since(production-v3) and not changed_since(production-v3)',
    (r) => reviewChanged(r) && !changed(r),
    true,
  ],
  [
    'review.status = approved and review.at in this_quarter and (changed_since(production-v3) or review_changed_since(production-v3))',
    (r) =>
      review(r)?.['status'] === 'approved' &&
      inRange(ms(review(r)?.['reviewed_at']), '2026-07-01', '2026-10-01') &&
      (changed(r) || reviewChanged(r)),
    true,
  ],
  [
    'not (class = person or class = car) and image < 00000100',
    (r) => !['person', 'car'].includes(r['category'] as string) && r.image < '00000100',
    true,
  ],
  ['exists image.width or split = train', () => false, false],
];

describe('count --where', () => {
  it('without --where is the number of labels', async () => {
    expect((await repo.json<{ labels: number }>(['count', 'main'])).labels).toBe(records.length);
    expect((await repo.ok(['count', 'production-v3'])).trim()).toBe(String(base.size));
  });

  it.each(CASES)('%s', async (expression, select, nonEmpty) => {
    const expected = records.filter(select).length;
    if (nonEmpty) expect(expected).toBeGreaterThan(0);
    const r = expectOk(await repo.run(['count', 'main', '--where', expression, '--json'], ENV));
    expect(JSON.parse(r.stdout)).toMatchObject({ where: expression, labels: expected });
  });
});

describe('cat --where', () => {
  it.each(CASES.filter((_, i) => i % 3 === 0))('%s', async (expression, select) => {
    const r = expectOk(await repo.run(['cat', 'main', '--where', expression], ENV));
    expect(r.stdout.split('\n').filter(Boolean)).toEqual(
      catLines.filter((_, i) => select(records[i]!)),
    );
  });
});

describe('export --where', () => {
  const expression =
    'review.status = approved and (class = person or changed_since(production-v3))';
  const select = (r: LabelRecord) =>
    review(r)?.['status'] === 'approved' && (r['category'] === 'person' || changed(r));
  // COCO and VOC write every image's size: `sized` is main plus asset records with the sizes.
  beforeAll(async () => {
    await repo.ok(['branch', 'create', 'sized', '--from', 'main']);
    const images = writeGeneratedImageHeaders(tmp.dir('images'), 3000, 41);
    await repo.ok(['add', 'images', '--reference', images, '--branch', 'sized']);
  });

  it('coco: exactly the matching annotations and their images', async () => {
    const out = join(tmp.dir('export'), 'filtered.json');
    const r = JSON.parse(
      await repo.ok([
        'export',
        'sized',
        '--where',
        expression,
        '--format',
        'coco',
        '--out',
        out,
        '--json',
      ]),
    ) as { labels: number; images: number };
    const doc = JSON.parse(readFileSync(out, 'utf8')) as {
      images: { id: number; file_name: string }[];
      annotations: { id: number; image_id: number }[];
    };
    const matching = records.filter(select);
    expect(r.labels).toBe(matching.length);
    expect(doc.annotations.map((a) => a.id).sort((a, b) => a - b)).toEqual(
      matching.map((m) => Number(m.label)).sort((a, b) => a - b),
    );
    const images = [...new Set(matching.map((m) => m.image))].sort();
    expect(doc.images.map((i) => i.file_name).sort()).toEqual(images.map((i) => `${i}.png`));
    const imageIds = new Set(doc.images.map((i) => i.id));
    expect(doc.annotations.every((a) => imageIds.has(a.image_id))).toBe(true);
    expect(r.images).toBe(images.length);
  });

  it('voc: files only for images with a matching label, only the matching objects', async () => {
    const out = tmp.dir('voc');
    const r = JSON.parse(
      await repo.ok([
        'export',
        'sized',
        '--where',
        expression,
        '--format',
        'voc',
        '--out',
        out,
        '--json',
      ]),
    ) as { labels: number; images: number };
    const matching = records.filter(select);
    const files = readdirSync(join(out, 'Annotations')).sort();
    expect(files).toEqual([...new Set(matching.map((m) => `${m.image}.xml`))].sort());
    const objects = files.map(
      (f) => readFileSync(join(out, 'Annotations', f), 'utf8').split('<object>').length - 1,
    );
    expect(objects.reduce((a, b) => a + b, 0)).toBe(matching.length);
    expect(r).toMatchObject({ labels: matching.length, images: files.length });
  });

  it('jsonl: the lines cat --where prints', async () => {
    const out = join(tmp.dir('export'), 'filtered.jsonl');
    await repo.ok(['export', 'main', '--where', expression, '--format', 'jsonl', '--out', out]);
    expect(readFileSync(out, 'utf8').split('\n').filter(Boolean)).toEqual(
      catLines.filter((_, i) => select(records[i]!)),
    );
  });
});

describe('bad expressions', () => {
  it.each([
    ['class >= ', "filter: expected a value after '>=' at column 10\n  class >= \n           ^"],
    ['colour = red', "unknown field 'colour' (fields: image, label, class,"],
    ['class = person and (area > 3', "expected ')' to close the '(' at column 20"],
    ['review.at in next_year', "unknown period 'next_year'"],
  ])('%j exits 1 with the caret message', async (expression, message) => {
    for (const args of [
      ['count', 'main'],
      ['cat', 'main'],
      ['export', 'main', '--format', 'jsonl', '--out', join(tmp.dir('bad'), 'x.jsonl')],
    ])
      expectFailure(await repo.run([...args, '--where', expression]), 1, message);
  });

  it('an unknown ref in changed_since exits 1', async () => {
    expectFailure(
      await repo.run(['count', 'main', '--where', 'changed_since(nope)']),
      1,
      "ref not found: 'nope'",
    );
  });
});

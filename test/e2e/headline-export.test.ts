/**
 * The headline flow end to end: "export production-v4, only last quarter's newly reviewed
 * labels, under schema 2.3". On generated data (one edit batch) a repository adopts schema 2.2
 * (built from the data's classes), registers 2.3 (person renamed to pedestrian, car and truck
 * merged into a new vehicle class), tags production-v3, applies the batch and tags
 * production-v4. The filtered, schema-mapped export (JSONL and COCO) is checked against an
 * independent computation over the JSONL files; the plan is an index plan and neither the
 * planner nor the schema changes which labels are selected; `run start` on the same selection
 * gives one example-set hash that moving main does not change.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  applyToModel,
  canonicalJson,
  compareKeys,
  generateProjectData,
  initRepo,
  keyOf,
  modelOf,
  readJsonLines,
  useTempRoot,
  writeGeneratedImageHeaders,
  writeJsonLines,
  type Json,
  type StoredLabel,
  type TestRepo,
} from './helpers.js';

const tmp = useTempRoot('headline');
/** Seed 7 puts 23 newly reviewed labels in the last quarter, persons and a car/truck among them. */
const SEED = 7;
/** Mid Q4 2026: "last quarter" is Q3 (July to September), a quarter the edit batch reviews in. */
const NOW = '2026-11-15T12:00:00Z';
const ENV = { env: { VERSO_NOW: NOW } };
const WHERE = 'review.at in last_quarter and review_changed_since(production-v3)';
/** The same selection with the change predicate hidden from the planner (`not` has no index). */
const WHERE_SCANNED = 'review.at in last_quarter and not not review_changed_since(production-v3)';

const PERSON = 1;
const MERGED = [3, 8]; // car, truck
const VEHICLE = { id: 91, name: 'vehicle' };

interface SchemaClass {
  readonly id: number;
  readonly name: string;
}
interface RunJson {
  readonly id: string;
  readonly commit: string;
  readonly schema: string | null;
  readonly filter: string | null;
  readonly example_set: string;
  readonly example_count: number;
}
interface CocoDoc {
  images: { id: number; file_name: string }[];
  annotations: { id: number; image_id: number; [field: string]: Json }[];
  categories: { id: number; name: string }[];
}

let repo: TestRepo;
let files: string;
let v4Commit: string;
let classes22: SchemaClass[];
let classes23: SchemaClass[];
/** Every label of production-v4 with the label's review, and the base labels (production-v3). */
let v4: Map<string, StoredLabel>;
let v3: Map<string, StoredLabel>;
/** The labels the headline export must hold, in key order, content as stored (schema 2.2). */
let expected: StoredLabel[];

// ------------------------------------------------------------------ the independent model

/** [start of last quarter, start of this quarter) in UTC milliseconds, relative to `now`. */
function lastQuarter(now: string): [number, number] {
  const d = new Date(now);
  const q = Math.floor(d.getUTCMonth() / 3) * 3;
  return [Date.UTC(d.getUTCFullYear(), q - 3, 1), Date.UTC(d.getUTCFullYear(), q, 1)];
}

const reviewedAt = (s: StoredLabel): number => {
  const review = s.review === null ? {} : (JSON.parse(s.review) as Record<string, Json>);
  const at = review['reviewed_at'];
  return typeof at === 'string' ? Date.parse(at) : NaN;
};

/** Label content as schema 2.3 reads it: the rename, then the merge, as 2.3's delta says. */
function mapTo23(content: Record<string, Json>): Record<string, Json> {
  const id = content['category_id'];
  if (id === PERSON) return { ...content, category: 'pedestrian' };
  if (typeof id === 'number' && MERGED.includes(id))
    return { ...content, category_id: VEHICLE.id, category: VEHICLE.name };
  return content;
}

/** One export/cat line as a record: key, content (mapped or not), review. */
function recordOf(s: StoredLabel, map: boolean): Record<string, Json> {
  const content = JSON.parse(s.content) as Record<string, Json>;
  return {
    image: s.image,
    label: s.label,
    ...(map ? mapTo23(content) : content),
    ...(s.review === null ? {} : { review: JSON.parse(s.review) as Json }),
  };
}

const keysOf = (records: readonly { image: unknown; label?: unknown }[]): string[] =>
  records.map(keyOf);

// ------------------------------------------------------------------ setup

beforeAll(async () => {
  const ds = await generateProjectData(tmp.dir('data'), 3000, SEED, [400]);
  const edits = ds.editFiles[0]!.file;
  files = tmp.dir('files');
  repo = await initRepo(tmp.root());
  await repo.importLabels(ds.labelsFile);
  // Asset records with the images' sizes: a COCO export writes every image's size.
  const sized = writeGeneratedImageHeaders(tmp.dir('images'), 3000, SEED);
  await repo.ok(['add', 'images', '--reference', sized]);

  // Schema 2.2: every (category_id, category) pair the data uses, as the class list.
  const byId = new Map<number, string>();
  for (const r of [...readJsonLines(ds.labelsFile), ...readJsonLines(edits)])
    if (typeof r['category_id'] === 'number') byId.set(r['category_id'], String(r['category']));
  classes22 = [...byId].map(([id, name]) => ({ id, name })).sort((a, b) => a.id - b.id);
  expect(classes22.map((c) => c.name)).toEqual(expect.arrayContaining(['person', 'car', 'truck']));
  expect(byId.get(PERSON)).toBe('person');
  expect(MERGED.map((id) => byId.get(id))).toEqual(['car', 'truck']);
  writeFileSync(join(files, '2.2.json'), JSON.stringify({ classes: classes22 }));
  await repo.ok([
    'schema',
    'create',
    '2.2',
    '--from',
    join(files, '2.2.json'),
    '-m',
    'from the data',
  ]);
  await repo.ok(['migrate', '--branch', 'main', '--to', '2.2']);

  // Schema 2.3: rename person, merge car and truck into a new class.
  classes23 = [
    ...classes22
      .filter((c) => !MERGED.includes(c.id))
      .map((c) => (c.id === PERSON ? { id: PERSON, name: 'pedestrian' } : c)),
    VEHICLE,
  ].sort((a, b) => a.id - b.id);
  writeFileSync(
    join(files, '2.3.yaml'),
    [
      'message: pedestrians and vehicles',
      `classes:`,
      ...classes23.map((c) => `  - {id: ${c.id}, name: ${JSON.stringify(c.name)}}`),
      'ops:',
      `  - {op: merge_classes, from: [${MERGED.join(', ')}], into: ${VEHICLE.id}}`,
      '',
    ].join('\n'),
  );
  await repo.ok(['schema', 'create', '2.3', '--from', join(files, '2.3.yaml'), '--parent', '2.2']);

  await repo.ok(['tag', 'create', 'production-v3', 'main']);
  await repo.apply(edits, 'main');
  await repo.ok(['tag', 'create', 'production-v4', 'main']);
  v4Commit = await repo.head('production-v4');

  v3 = modelOf(readJsonLines(ds.labelsFile));
  v4 = applyToModel(v3, readJsonLines(edits));
  const [from, to] = lastQuarter(NOW);
  expected = [...v4.values()]
    .filter((s) => s.review !== (v3.get(keyOf(s))?.review ?? null))
    .filter((s) => reviewedAt(s) >= from && reviewedAt(s) < to)
    .sort(compareKeys);
}, 180_000);

// ------------------------------------------------------------------ the tests

/** `export production-v4 --where WHERE --format FORMAT --out OUT ...extra`. */
const exportArgs = (where: string, format: string, out: string, ...extra: string[]) => [
  'export',
  'production-v4',
  '--where',
  where,
  '--format',
  format,
  '--out',
  out,
  ...extra,
];

describe('setup', () => {
  it('has schema 2.2 on both tags and 2.3 as its child with the rename and the merge', async () => {
    expect(((await repo.show('production-v3')) as unknown as { schema: string }).schema).toBe(
      '2.2',
    );
    expect(((await repo.show('production-v4')) as unknown as { schema: string }).schema).toBe(
      '2.2',
    );
    const show = await repo.json<{ parent: string; classes: SchemaClass[] }>([
      'schema',
      'show',
      '2.3',
    ]);
    expect(show.parent).toBe('2.2');
    expect(show.classes.map((c) => ({ id: c.id, name: c.name }))).toEqual(classes23);
    const diff = await repo.ok(['schema', 'diff', '2.2', '2.3']);
    expect(diff).toContain("merge_classes 3 'car', 8 'truck' into 91 'vehicle'");
    expect(diff).toContain("rename_class 1 'person' -> 'pedestrian'");
  });

  it('the expected selection is non-empty, maps both ops, and each condition excludes labels', () => {
    expect(expected.length).toBeGreaterThanOrEqual(10);
    const ids = expected.map((s) => (JSON.parse(s.content) as { category_id: number }).category_id);
    expect(ids).toContain(PERSON);
    expect(ids.some((id) => MERGED.includes(id))).toBe(true);
    const [from, to] = lastQuarter(NOW);
    const inQuarter = (s: StoredLabel) => reviewedAt(s) >= from && reviewedAt(s) < to;
    const reviewChanged = (s: StoredLabel) => s.review !== (v3.get(keyOf(s))?.review ?? null);
    const all = [...v4.values()];
    // Newly reviewed, but outside the quarter; in the quarter, but reviewed before production-v3.
    expect(all.filter((s) => reviewChanged(s) && !inQuarter(s)).length).toBeGreaterThan(10);
    expect(all.filter((s) => inQuarter(s) && !reviewChanged(s)).length).toBeGreaterThan(100);
  });
});

describe('export production-v4 --where <headline> --schema 2.3', () => {
  it('jsonl: exactly the expected labels in key order, content mapped to 2.3, with reviews', async () => {
    const out = join(files, 'headline.jsonl');
    const r = await repo.json<{ labels: number; schema: string; commit: string }>(
      exportArgs(WHERE, 'jsonl', out, '--schema', '2.3'),
      ENV,
    );
    expect(r).toMatchObject({ labels: expected.length, schema: '2.3', commit: v4Commit });
    const lines = readJsonLines<Record<string, Json>>(out);
    expect(lines.map(canonicalJson)).toEqual(expected.map((s) => canonicalJson(recordOf(s, true))));
    // cat order: image and label first.
    expect(lines.every((l) => Object.keys(l).slice(0, 2).join() === 'image,label')).toBe(true);
    const classes = lines.map((l) => `${String(l['category_id'])} ${String(l['category'])}`);
    expect(classes).toContain('1 pedestrian');
    expect(classes).toContain('91 vehicle');
    expect(classes.some((c) => /^(1|3|8) (person|car|truck)$/.test(c))).toBe(false);
  });

  it('coco: the expected annotations by id and image, only their images, the 2.3 categories', async () => {
    const out = join(files, 'headline.json');
    const r = await repo.json<{ labels: number; images: number }>(
      exportArgs(WHERE, 'coco', out, '--schema', '2.3'),
      ENV,
    );
    const doc = JSON.parse(readFileSync(out, 'utf8')) as CocoDoc;
    const images = [...new Set(expected.map((s) => s.image))].sort();
    expect(r).toMatchObject({ labels: expected.length, images: images.length });

    expect(doc.images.map((i) => i.file_name).sort()).toEqual(images.map((i) => `${i}.png`));
    const fileNameOf = new Map(doc.images.map((i) => [i.id, i.file_name.replace(/\.png$/, '')]));
    expect(fileNameOf.size).toBe(doc.images.length);

    const byKey = new Map(expected.map((s) => [keyOf(s), s]));
    expect(doc.annotations).toHaveLength(expected.length);
    for (const a of doc.annotations) {
      const { id, image_id, ...rest } = a;
      const s = byKey.get(keyOf({ image: fileNameOf.get(image_id), label: String(id) }));
      expect(s, `annotation ${id} on image ${image_id}`).toBeDefined();
      // The content as 2.3 reads it; `category` is left out when it is the category's name.
      const { category: _name, ...mapped } = mapTo23(
        JSON.parse(s!.content) as Record<string, Json>,
      );
      expect(canonicalJson(rest)).toBe(
        canonicalJson({ ...mapped, review: JSON.parse(s!.review!) as Json }),
      );
    }
    expect(
      new Set(
        keysOf(
          doc.annotations.map((a) => ({
            image: fileNameOf.get(a.image_id),
            label: String(a.id),
          })),
        ),
      ),
    ).toEqual(new Set(keysOf(expected)));

    expect(
      [...doc.categories].sort((a, b) => a.id - b.id).map((c) => ({ id: c.id, name: c.name })),
    ).toEqual(classes23);
    const categoryIds = new Set(doc.categories.map((c) => c.id));
    expect(doc.annotations.every((a) => categoryIds.has(a.category_id as number))).toBe(true);
    expect(doc.annotations.some((a) => a.category_id === VEHICLE.id)).toBe(true);
  });
});

describe('the plan', () => {
  it('--explain: an index plan over the change set; nothing is written', async () => {
    const out = join(files, 'explained.json');
    const text = await repo.ok(exportArgs(WHERE, 'coco', out, '--schema', '2.3', '--explain'), ENV);
    const lines = text.split('\n').filter(Boolean);
    expect(lines[0]).toMatch(/^plan: index, \d+ candidates of 3000 labels of [0-9a-f]{12}$/);
    expect(text).toContain('review_changed_since(production-v3): change set of');
    expect(existsSync(out)).toBe(false);
  });

  it('neither --schema nor a scan plan changes the selected keys', async () => {
    const plain = join(files, 'plain.jsonl');
    await repo.ok(exportArgs(WHERE, 'jsonl', plain), ENV);
    expect(readJsonLines<Record<string, Json>>(plain).map(canonicalJson)).toEqual(
      expected.map((s) => canonicalJson(recordOf(s, false))),
    );

    const explain = await repo.ok(
      ['count', 'production-v4', '--where', WHERE_SCANNED, '--explain'],
      ENV,
    );
    expect(explain.split('\n')[0]).toMatch(/^plan: scan all 3000 labels/);
    const scanned = join(files, 'scanned.jsonl');
    await repo.ok(exportArgs(WHERE_SCANNED, 'jsonl', scanned, '--schema', '2.3'), ENV);
    expect(readJsonLines<Record<string, Json>>(scanned).map(canonicalJson)).toEqual(
      expected.map((s) => canonicalJson(recordOf(s, true))),
    );
  });
});

describe('run start on the headline selection', () => {
  const start = async (dataset: string): Promise<RunJson> =>
    (
      await repo.json<{ run: RunJson }>(
        ['run', 'start', '--dataset', dataset, '--where', WHERE, '--schema', '2.3'],
        ENV,
      )
    ).run;

  it('is reproducible on the tag, also after main moves; on the moved main it differs', async () => {
    const first = await start('production-v4');
    expect(first).toMatchObject({
      commit: v4Commit,
      schema: '2.3',
      filter: WHERE,
      example_count: expected.length,
    });
    const second = await start('production-v4');
    expect(second.id).not.toBe(first.id);
    expect(second.example_set).toBe(first.example_set);

    // Move main: jitter one selected label's box (its review stays, so it stays selected).
    const target = recordOf(expected[0]!, false);
    const bbox = target['bbox'] as number[];
    const { review: _kept, ...content } = target;
    await repo.apply(
      writeJsonLines(join(files, 'nudge.jsonl'), [
        { op: 'put', ...content, bbox: [bbox[0]! + 1, bbox[1]!, bbox[2]!, bbox[3]!] },
      ]),
      'main',
    );
    const mainHead = await repo.head('main');
    expect(mainHead).not.toBe(v4Commit);
    expect(await repo.head('production-v4')).toBe(v4Commit);

    const afterMove = await start('production-v4');
    expect(afterMove).toMatchObject({ commit: v4Commit, example_set: first.example_set });

    const onMain = await start('main');
    expect(onMain.commit).toBe(mainHead);
    expect(onMain.example_count).toBe(expected.length);
    expect(onMain.example_set).not.toBe(first.example_set);
  });
});

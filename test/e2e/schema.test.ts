/**
 * The schema registry and migrations through the CLI: versions from YAML/JSON files,
 * show/log/diff/--at, validation on import and apply (file:line field, exit 1, branch
 * unchanged, also in the worker half of a large import), adoption, migrate --dry-run and
 * real, migrate status, and `cat --schema` mapping and refusal.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  expectFailure,
  initRepo,
  parseJsonLines,
  pngHeader,
  useTempRoot,
  writeJsonLines,
  type LabelRecord,
  type TestRepo,
} from './helpers.js';

const tmp = useTempRoot('schema');
let repo: TestRepo;
let dir: string;

const at = (iso: string) => ({ env: { VERSO_COMMIT_TIME: iso } });

const V1 = `# the first taxonomy
classes:
  - id: 1
    name: person
  - id: 2
    name: car
    attributes:
      color: {type: enum, values: [red, blue], required: true}
  - {id: 3, name: truck}
  - {id: 4, name: vehicle}
`;

const V2 = {
  classes: [
    { id: 1, name: 'pedestrian' },
    { id: 4, name: 'vehicle' },
    { id: 5, name: 'sedan' },
    { id: 6, name: 'suv' },
  ],
  ops: [
    { op: 'merge_classes', from: [3], into: 4 },
    { op: 'split_class', id: 2, into: [5, 6] },
  ],
};

const LABELS: LabelRecord[] = [
  { image: 'a', label: '1', category_id: 1, category: 'person', bbox: [1, 2, 3, 4] },
  {
    image: 'a',
    label: '2',
    category_id: 2,
    category: 'car',
    attributes: { color: 'red' },
    review: { status: 'approved', reviewer: 'r1' },
  },
  { image: 'b', label: '1', category_id: 3, category: 'truck' },
];

beforeAll(async () => {
  dir = tmp.dir('files');
  repo = await initRepo(tmp.root());
  writeFileSync(join(dir, 'v1.yaml'), V1);
  writeFileSync(
    join(dir, 'v11.json'),
    JSON.stringify({
      classes: [
        { id: 1, name: 'person' },
        {
          id: 2,
          name: 'car',
          attributes: { color: { type: 'enum', values: ['red', 'blue'], required: true } },
        },
        { id: 3, name: 'lorry' },
        { id: 4, name: 'vehicle' },
      ],
    }),
  );
  writeFileSync(join(dir, 'v2.json'), JSON.stringify(V2));
  await repo.ok(
    ['schema', 'create', '1.0', '--from', join(dir, 'v1.yaml'), '-m', 'first'],
    at('2026-03-01T10:00:00Z'),
  );
  await repo.ok(
    ['schema', 'create', '1.1', '--from', join(dir, 'v11.json')],
    at('2026-03-03T09:00:00Z'),
  );
  await repo.ok(
    ['schema', 'create', '2.0', '--from', join(dir, 'v2.json'), '--parent', '1.0'],
    at('2026-03-05T09:00:00Z'),
  );
  writeJsonLines(join(dir, 'labels.jsonl'), LABELS);
  await repo.importLabels(join(dir, 'labels.jsonl'));
});

interface SchemaJson {
  version: string;
  parent: string | null;
  classes: { id: number; name: string }[];
}

describe('schema create / show / log / diff', () => {
  it('reconstructs each version from its deltas', async () => {
    const v11 = await repo.json<SchemaJson>(['schema', 'show', '1.1']);
    expect(v11).toMatchObject({ version: '1.1', parent: '1.0' });
    expect(v11.classes.map((c) => c.name)).toEqual(['person', 'car', 'lorry', 'vehicle']);
    const v2 = await repo.json<SchemaJson>(['schema', 'show', '2.0']);
    expect(v2.parent).toBe('1.0');
    expect(v2.classes.map((c) => `${c.id} ${c.name}`)).toEqual([
      '1 pedestrian',
      '4 vehicle',
      '5 sedan',
      '6 suv',
    ]);
  });

  it('--at picks the version in force then (a date is the end of that day)', async () => {
    const name = async (d: string) =>
      (await repo.json<SchemaJson>(['schema', 'show', '--at', d])).version;
    expect(await name('2026-03-01')).toBe('1.0');
    expect(await name('2026-03-03T08:59:59Z')).toBe('1.0');
    expect(await name('2026-03-03')).toBe('1.1');
    expect(await name('2026-04-01')).toBe('2.0');
    expectFailure(await repo.run(['schema', 'show', '--at', '2026-02-01']), 1, 'none created yet');
  });

  it('logs newest first and diffs with the recorded merge and split', async () => {
    const log = parseJsonLines<{ version: string; ops: number }>(
      await repo.ok(['schema', 'log', '--json']),
    );
    expect(log.map((v) => v.version)).toEqual(['2.0', '1.1', '1.0']);
    const diff = await repo.ok(['schema', 'diff', '1.0', '2.0']);
    expect(diff).toContain("merge_classes 3 'truck' into 4 'vehicle'");
    expect(diff).toContain("split_class 2 'car' into 5 'sedan', 6 'suv'");
    expect(diff).toContain("rename_class 1 'person' -> 'pedestrian'");
  });

  it('refuses an existing version name and a bad file, naming file:line and field', async () => {
    expectFailure(
      await repo.run(['schema', 'create', '1.0', '--from', join(dir, 'v1.yaml')]),
      1,
      "schema version '1.0' already exists",
    );
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, V1.replace('{id: 3, name: truck}', '{id: 3, name: truck, parent: 9}'));
    expectFailure(
      await repo.run(['schema', 'create', '9.0', '--from', bad]),
      1,
      `bad.yaml:9 field 'classes[2].parent'`,
    );
    expect((await repo.ok(['schema', 'log'])).split('\n').filter(Boolean)).toHaveLength(3);
  });
});

describe('validation and migration', () => {
  it('migrate --dry-run writes nothing; migrate adopts 1.0 once every label validates', async () => {
    const head = await repo.head();
    const dry = await repo.json<{ labels: number }>([
      'migrate',
      '--branch',
      'main',
      '--to',
      '1.0',
      '--dry-run',
    ]);
    expect(dry.labels).toBe(3);
    expect(await repo.head()).toBe(head);
    await repo.ok(['migrate', '--branch', 'main', '--to', '1.0']);
    expect((await repo.show()).operations).toMatchObject({
      op: 'migrate',
      from: null,
      to: '1.0',
      labels: 3,
    });
    expect(((await repo.show()) as unknown as { schema: string }).schema).toBe('1.0');
  });

  it('import rejects an unknown class with file:line and field, exit 1, branch unchanged', async () => {
    const log = await repo.log();
    const file = writeJsonLines(join(dir, 'unknown.jsonl'), [
      ...LABELS,
      { image: 'c', label: '1', category_id: 9 },
    ]);
    expectFailure(
      await repo.run(['import', 'labels', file]),
      1,
      `unknown.jsonl:4 field 'category_id': unknown class id 9 in schema 1.0`,
    );
    const apply = writeJsonLines(join(dir, 'edit.jsonl'), [
      { op: 'put', image: 'a', label: '2', category_id: 2, category: 'car' },
    ]);
    expectFailure(
      await repo.run(['apply', apply, '--branch', 'main']),
      1,
      `edit.jsonl:1 field 'attributes.color': missing required attribute`,
    );
    expect(await repo.log()).toEqual(log);
  });

  it('validates in the worker half of a large import too', async () => {
    const rows: LabelRecord[] = [];
    for (let i = 0; i < 60_000; i++)
      rows.push({
        image: String(i).padStart(8, '0'),
        label: '1',
        category_id: 1,
        category: 'person',
        bbox: [i % 100, 20.5, 30.25, 40],
        annotator: 'annotator_7',
      });
    rows[9] = { ...rows[9]!, category: 'human' };
    const file = writeJsonLines(join(dir, 'large.jsonl'), rows);
    const log = await repo.log();
    expectFailure(
      await repo.run(['import', 'labels', file]),
      1,
      `large.jsonl:10 field 'category': "human" does not match category_id 1`,
    );
    expect(await repo.log()).toEqual(log);
  });

  it('cat --schema refuses while a review op (the split) stands in the way', async () => {
    expectFailure(
      await repo.run(['cat', 'main', '--schema', '2.0']),
      1,
      'cannot read schema 1.0 as 2.0',
      "split_class 2 'car' into 5 'sedan', 6 'suv'",
    );
  });

  it('cat --schema maps renames on read when only auto ops separate the versions', async () => {
    const mapped = parseJsonLines<LabelRecord>(await repo.ok(['cat', 'main', '--schema', '1.1']));
    expect(mapped.find((l) => l.image === 'b')).toMatchObject({
      category_id: 3,
      category: 'lorry',
    });
    expect((await repo.cat()).find((l) => l.image === 'b')).toMatchObject({ category: 'truck' });
  });

  it("export --schema reads the same way: mapped labels, the version's classes as categories", async () => {
    const coco = join(dir, 'as-1.1.json');
    // COCO writes every image's size: `sized` is main plus asset records for its two images.
    const images = tmp.dir('images');
    for (const id of ['a', 'b']) writeFileSync(join(images, `${id}.png`), pngHeader(100, 100));
    await repo.ok(['branch', 'create', 'sized', '--from', 'main']);
    await repo.ok(['add', 'images', images, '--branch', 'sized']);
    await repo.ok(['export', 'sized', '--format', 'coco', '--out', coco, '--schema', '1.1']);
    const doc = JSON.parse(readFileSync(coco, 'utf8')) as {
      categories: { id: number; name: string }[];
      annotations: { category_id: number; category?: string }[];
    };
    expect(doc.categories.map((c) => `${c.id} ${c.name}`)).toEqual([
      '1 person',
      '2 car',
      '3 lorry',
      '4 vehicle',
    ]);
    expect(doc.annotations.map((a) => a.category_id).sort()).toEqual([1, 2, 3]);
    expect(doc.annotations.every((a) => a.category === undefined)).toBe(true);
    const jsonl = join(dir, 'as-1.1.jsonl');
    await repo.ok(['export', 'main', '--format', 'jsonl', '--out', jsonl, '--schema', '1.1']);
    expect(readFileSync(jsonl, 'utf8')).toBe(await repo.ok(['cat', 'main', '--schema', '1.1']));
    expectFailure(
      await repo.run([
        'export',
        'main',
        '--format',
        'coco',
        '--out',
        join(dir, 'x.json'),
        '--schema',
        '2.0',
      ]),
      1,
      'cannot read schema 1.0 as 2.0',
    );
  });

  it('migrates to 2.0: merge and rename rewritten, split marked needs_review, one commit', async () => {
    const head = await repo.head();
    const dry = await repo.json<{ rewritten: number; marked: number }>([
      'migrate',
      '--branch',
      'main',
      '--to',
      '2.0',
      '--dry-run',
    ]);
    expect(dry).toMatchObject({ rewritten: 2, marked: 1 });
    expect(await repo.head()).toBe(head);
    await repo.ok(['migrate', '--branch', 'main', '--to', '2.0']);
    const show = await repo.show();
    expect(show.parents).toEqual([head]);
    expect(show.operations).toMatchObject({
      op: 'migrate',
      from: '1.0',
      to: '2.0',
      rewritten: 2,
      marked: 1,
    });
    const ops = show.operations['ops'] as { op: string; policy: string; labels: number }[];
    expect(ops.filter((o) => o.labels > 0).map((o) => [o.op, o.policy, o.labels])).toEqual([
      ['merge_classes', 'auto', 1],
      ['split_class', 'review', 1],
      ['rename_class', 'auto', 1],
    ]);
    const labels = await repo.cat();
    expect(labels.map((l) => [l.category_id, l.category])).toEqual([
      [1, 'pedestrian'],
      [2, 'car'],
      [4, 'vehicle'],
    ]);
    expect(labels[1]!.review).toMatchObject({
      status: 'needs_review',
      reviewer: 'r1',
      reason: expect.stringContaining('split_class'),
    });
    const status = await repo.json<{ needs_review: { image: string; label: string }[] }>([
      'migrate',
      'status',
      '--branch',
      'main',
    ]);
    expect(status.needs_review).toEqual([
      { image: 'a', label: '2', reason: expect.stringContaining('split_class') },
    ]);
  });

  it('a policy file picks policies by op kind; auto without a mapping is refused', async () => {
    await repo.ok(['branch', 'create', 'other', '--from', 'main~1']);
    const refused = join(dir, 'refused.yaml');
    writeFileSync(refused, 'split_class: auto\n');
    expectFailure(
      await repo.run(['migrate', '--branch', 'other', '--to', '2.0', '--policy', refused]),
      1,
      'has no deterministic mapping',
    );
    const policy = join(dir, 'policy.json');
    writeFileSync(policy, JSON.stringify({ rename_class: 'review' }));
    const r = await repo.json<{ rewritten: number; marked: number }>([
      'migrate',
      '--branch',
      'other',
      '--to',
      '2.0',
      '--policy',
      policy,
    ]);
    expect(r).toMatchObject({ rewritten: 1, marked: 2 });
    const labels = await repo.cat('other');
    expect(labels[0]).toMatchObject({ category: 'person', review: { status: 'needs_review' } });
  });
});

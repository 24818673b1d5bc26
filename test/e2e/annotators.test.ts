/**
 * Several annotators on one image through the CLI (issue 18): `import labels --annotator`
 * writes one annotator's labeling beside the others' (the labels tree untouched), a re-import
 * replaces only that annotator's labeling, `cat --annotator` reads it back as imported,
 * Label Studio tasks with several annotations become several annotators (real export),
 * `consensus` fuses into the labels in one commit with lineage, `agreement` reports; bad input
 * exits with a clear error and writes nothing.
 */
import { copyFileSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  REPO_ROOT,
  expectFailure,
  initRepo,
  parseJsonLines,
  useTempRoot,
  writeJsonLines,
  type TestRepo,
} from './helpers.js';

const REAL = join(REPO_ROOT, '../shared/data/real');
const LS_DIR = join(
  REAL,
  'label_studio/label-studio-sdk/tests/custom/converter/data/test_export_yolo',
);
const LS_FILE = join(
  LS_DIR,
  readdirSync(LS_DIR).find((f) => f === 'data.json')!,
);

const tmp = useTempRoot('annotators');
let repo: TestRepo;
let data: string;

type Line = Record<string, unknown> & { image: string; label: string };

const A: Line[] = [
  {
    image: 'i1',
    label: '1',
    category: 'cat',
    bbox: [0, 0, 10, 10],
    annotated_at: '2026-01-01T00:00:00Z',
  },
  {
    image: 'i1',
    label: '2',
    category: 'dog',
    bbox: [20, 20, 10, 10],
    attributes: { occluded: true },
  },
  { image: 'i2', label: '1', category: 'cat', bbox: [5, 5, 10, 10] },
];
const B: Line[] = [
  { image: 'i1', label: 'b1', category: 'cat', bbox: [1, 0, 10, 10] },
  {
    image: 'i1',
    label: 'b2',
    category: 'dog',
    bbox: [20, 20, 10, 10],
    attributes: { occluded: true },
  },
  { image: 'i2', label: 'b3', category: 'dog', bbox: [5, 5, 10, 10] },
];
const C: Line[] = [
  { image: 'i1', label: 'c1', category: 'cat', bbox: [0, 0, 10, 10] },
  {
    image: 'i1',
    label: 'c2',
    category: 'dog',
    bbox: [21, 20, 10, 10],
    attributes: { occluded: false },
  },
  { image: 'i2', label: 'c3', category: 'cat', bbox: [5, 5, 10, 10] },
  { image: 'i2', label: 'c4', category: 'bird', bbox: [50, 50, 10, 10] },
];

/** `cat --annotator` lines without the members the read adds (annotator, object). */
async function labelingOf(name: string, ref = 'main'): Promise<Line[]> {
  const lines = (await repo.ok(['cat', ref, '--annotator', name])).trim().split('\n');
  return lines.map((l) => {
    const { annotator: _a, object: _o, ...rest } = JSON.parse(l) as Line;
    return rest as Line;
  });
}

const trees = async (ref = 'main') =>
  (await repo.json<{ trees: Record<string, string> }>(['show', ref])).trees;

beforeAll(async () => {
  repo = await initRepo(tmp.root());
  data = tmp.dir('data');
  for (const [name, lines] of [
    ['a', A],
    ['b', B],
    ['c', C],
  ] as const)
    await repo.ok([
      'import',
      'labels',
      writeJsonLines(join(data, `${name}.jsonl`), lines),
      '--annotator',
      name,
    ]);
});

describe('import labels --annotator and cat --annotator', () => {
  it('reads each labeling back exactly as imported; the labels tree is untouched', async () => {
    expect(await labelingOf('a')).toEqual(A);
    expect(await labelingOf('b')).toEqual(B);
    expect(await labelingOf('c')).toEqual(C);
    expect(await repo.cat('main')).toEqual([]);
    const t = await trees();
    expect(t['objects']).toBeDefined();
    expect(t['annotations']).toBeDefined();
  });

  it("matches annotators' labels to one object by IoU, a class disagreement included", async () => {
    const objects = (await repo.ok(['cat', 'main', '--annotator', 'b'])).trim().split('\n');
    expect(objects.map((l) => (JSON.parse(l) as { object: string }).object)).toEqual([
      '1',
      '2',
      '1',
    ]);
  });

  it("a re-import replaces only that annotator's labeling, in one commit", async () => {
    const before = (await repo.log()).length;
    const [a, c] = [await labelingOf('a'), await labelingOf('c')];
    const moved: Line[] = [{ image: 'i1', label: 'b1', category: 'cat', bbox: [2, 0, 10, 10] }];
    const r = await repo.json<{
      changes: { annotations: { added: number; removed: number; modified: number } };
    }>(['import', 'labels', writeJsonLines(join(data, 'b2.jsonl'), moved), '--annotator', 'b']);
    expect(r.changes.annotations).toEqual({ added: 0, removed: 1, modified: 1 });
    expect((await repo.log()).length).toBe(before + 1);
    expect(await labelingOf('b')).toEqual([moved[0], B[2]]);
    expect(await labelingOf('a')).toEqual(a);
    expect(await labelingOf('c')).toEqual(c);
    // diff shows b's labeling as b reads it, per object: one box moved, one label gone.
    const changes = await repo.jsonLines<Record<string, unknown>>(['diff', 'main~1', 'main']);
    const content = ({ image: _i, label: _l, ...rest }: Line) => rest;
    expect(changes.filter((x) => x['tree'] === 'annotations')).toEqual([
      expect.objectContaining({
        key: { image: 'i1', label: '1' },
        annotator: 'b',
        change: 'modified',
        before: content(B[0]!),
        after: content(moved[0]!),
        geometry: expect.objectContaining({ box: expect.objectContaining({ dx: 1 }) }),
      }),
      expect.objectContaining({
        key: { image: 'i1', label: '2' },
        annotator: 'b',
        change: 'removed',
        before: content(B[1]!),
      }),
    ]);
    const text = await repo.ok(['diff', 'main~1', 'main']);
    expect(text).toContain('~ annotations i1 1 by b');
    expect(text).toContain('- annotations i1 2 by b');
    await repo.ok(['import', 'labels', join(data, 'b.jsonl'), '--annotator', 'b']);
    expect(await labelingOf('b')).toEqual(B);
  });
});

describe('consensus and agreement', () => {
  it('writes the fused labels with their annotators in one commit; lists objects below K', async () => {
    const before = await trees();
    const r = await repo.json<{
      written: number;
      below: { image: string; object: string; supporters: string[]; of: number }[];
    }>(['consensus', '--strategy', 'majority', '--min-agreement', '2']);
    expect(r.written).toBe(3);
    expect(r.below.map((b) => [b.image, b.supporters])).toEqual([['i2', ['c']]]);
    const labels = await repo.cat('main');
    expect(labels.map((l) => [l.image, l.label, l['category'], l['bbox']])).toEqual([
      ['i1', '1', 'cat', [0.3333, 0, 10, 10]],
      ['i1', '2', 'dog', [20.3333, 20, 10, 10]],
      ['i2', '1', 'cat', [5, 5, 10, 10]],
    ]);
    expect(labels[2]!['consensus']).toEqual({
      annotators: ['a', 'c'],
      of: 3,
      strategy: 'majority',
    });
    expect(labels[1]!['attributes']).toEqual({ occluded: true });
    const [head] = await repo.jsonLines<{ operations: Record<string, unknown> }>(['log', 'main']);
    expect(head!.operations).toMatchObject({
      op: 'consensus',
      strategy: 'majority',
      min_agreement: 2,
    });
    const after = await trees();
    expect([after['objects'], after['annotations']]).toEqual([
      before['objects'],
      before['annotations'],
    ]);
  });

  it('run again, keeps the review of a label it gives unchanged', async () => {
    const edits = [
      { op: 'patch', image: 'i1', label: '1', review: { status: 'approved', reviewer: 'rev' } },
    ];
    await repo.apply(writeJsonLines(join(data, 'approve.jsonl'), edits), 'main');
    await repo.ok(['consensus', '--strategy', 'majority', '--min-agreement', '2']);
    const labels = await repo.cat('main');
    expect(labels.map((l) => [l.image, l.label, l.review?.status ?? null])).toEqual([
      ['i1', '1', 'approved'],
      ['i1', '2', null],
      ['i2', '1', null],
    ]);
  });

  it('reports pairwise F1, kappa and IoU as JSON and as a table', async () => {
    const r = await repo.json<{
      pairs: { a: string; b: string; f1: number; kappa: number | null }[];
      fleiss_kappa: number;
    }>(['agreement', 'main', '--by', 'annotator']);
    expect(r.pairs.map((p) => [p.a, p.b])).toEqual([
      ['a', 'b'],
      ['a', 'c'],
      ['b', 'c'],
    ]);
    // a and b: 3 labels each, 2 matches (i2 is cat for a, dog for b): F1 4/6; kappa over 3 shared.
    expect(r.pairs[0]!.f1).toBeCloseTo(4 / 6, 9);
    expect(r.fleiss_kappa).toBeLessThan(1);
    const text = await repo.ok(['agreement', 'main']);
    expect(text).toMatch(/annotator A\s+annotator B\s+F1\s+kappa\s+mean IoU\s+matches/);
  });
});

describe('filter terms annotators and agreement', () => {
  // After consensus, the labels are objects i1/1, i1/2 (cat and dog: a, b and c agree, boxes at
  // IoU >= 0.8) and i2/1 (a and c say cat, b dog: 1 of the image's 3 annotator pairs agrees).
  it('select consensus labels by their annotator count and agreement, by scan and by index', async () => {
    const count = async (where: string) =>
      (await repo.json<{ labels: number }>(['count', 'main', '--where', where])).labels;
    expect(await count('annotators >= 3')).toBe(3);
    expect(await count('annotators = 3 and agreement = 1')).toBe(2);
    expect(await count('annotators < 3 or agreement > 1')).toBe(0);
    const cat = async (where: string) =>
      parseJsonLines<Line>(await repo.ok(['cat', 'main', '--where', where])).map((l) => [
        l.image,
        l.label,
      ]);
    expect(await cat('agreement < 0.6')).toEqual([['i2', '1']]);
    // An indexed term first: the labels come by point lookups, and the join reads per image.
    expect(await cat('class = cat and agreement < 0.5')).toEqual([['i2', '1']]);
    const plan = await repo.ok(['count', 'main', '--where', 'agreement < 0.6', '--explain']);
    expect(plan).toMatch(/annotators, agreement: the objects and annotations trees/);
  });

  it('a label that is no object has 0 annotators and no agreement', async () => {
    const w = await initRepo(tmp.dir('plain-labels'));
    const file = writeJsonLines(join(data, 'plain.jsonl'), [A[0]]);
    await w.ok(['import', 'labels', file, '--allow-unknown-images']);
    const count = async (where: string) =>
      (await w.json<{ labels: number }>(['count', 'main', '--where', where])).labels;
    expect([await count('annotators = 0'), await count('exists agreement')]).toEqual([1, 0]);
  });
});

describe('merge', () => {
  it('two branches that each add an annotator merge without conflict', async () => {
    const m = await initRepo(tmp.root(), 'merge');
    const file = (name: string, lines: Line[]) =>
      writeJsonLines(join(data, `m-${name}.jsonl`), lines);
    await m.ok(['import', 'labels', file('a', A), '--annotator', 'a']);
    await m.ok(['branch', 'create', 'feat']);
    await m.ok(['import', 'labels', file('b', B), '--annotator', 'b']);
    await m.ok(['import', 'labels', file('c', C), '--annotator', 'c', '--branch', 'feat']);
    await m.ok(['merge', 'feat']);
    const read = async (name: string) =>
      (await m.ok(['cat', 'main', '--annotator', name])).trim().split('\n').length;
    expect([await read('a'), await read('b'), await read('c')]).toEqual([3, 3, 4]);
  });
});

describe('Label Studio tasks with several annotations', () => {
  it('become several annotators (completed_by), read back per annotator', async () => {
    const ls = await initRepo(tmp.root(), 'ls');
    await ls.ok(['import', 'label-studio', LS_FILE, '--annotators']);
    const one = (await ls.ok(['cat', 'main', '--annotator', '1'])).trim().split('\n');
    const two = (await ls.ok(['cat', 'main', '--annotator', '2'])).trim().split('\n');
    expect(one).toHaveLength(4);
    expect(two).toHaveLength(2);
    expect(await ls.cat('main')).toEqual([]);
    const r = await ls.json<{ annotators: string[] }>(['agreement', 'main']);
    expect(r.annotators).toEqual(['1', '2']);
  });
});

describe('bad input: a clear error and nothing written', () => {
  it('refuses an unknown annotator on read, an empty name and a malformed file', async () => {
    const head = await repo.head();
    expectFailure(
      await repo.run(['cat', 'main', '--annotator', 'zed']),
      1,
      "no annotator 'zed'",
      'a, b, c',
    );
    expectFailure(
      await repo.run(['import', 'labels', join(data, 'a.jsonl'), '--annotator', '']),
      1,
      'must not be empty',
    );
    const bad = join(data, 'bad.jsonl');
    writeFileSync(bad, `${JSON.stringify(A[0])}\n{"image": "i9", "label": "1", "bbox": [1, 2]}\n`);
    expectFailure(
      await repo.run(['import', 'labels', bad, '--annotator', 'a']),
      1,
      'bad.jsonl:2',
      'bbox',
    );
    writeFileSync(bad, '{"image": "i9", "label": \n');
    expectFailure(
      await repo.run(['import', 'labels', bad, '--annotator', 'a']),
      1,
      'bad.jsonl:1',
      'malformed JSON',
    );
    const other = writeJsonLines(bad, [{ ...A[0], annotator: 'b' }]);
    expectFailure(
      await repo.run(['import', 'labels', other, '--annotator', 'a']),
      1,
      'names annotator "b"',
    );
    expect(await repo.head()).toBe(head);
    expect(await labelingOf('a')).toEqual(A);
  });
});

describe('import coco --annotator', () => {
  const VOC_COCO = join(
    REAL,
    'coco/review_object_detection_metrics/data/database/gts/coco_format_v1/instances_default.json',
  );
  type Coco = { annotations: { bbox: number[]; category_id: number }[] };

  it("stores a real COCO file as an annotator's labeling, read back as a plain import reads it", async () => {
    const c = await initRepo(tmp.dir('coco-annotators'));
    await c.ok(['branch', 'create', 'plain']);
    await c.ok(['import', 'coco', VOC_COCO, '--branch', 'plain']);
    const r = await c.json<{ labelings: { annotators: string[] }; labels: { added: number } }>([
      'import',
      'coco',
      VOC_COCO,
      '--annotator',
      'ann',
    ]);
    expect(r.labelings.annotators).toEqual(['ann']);
    expect(r.labels.added).toBe(0);
    expect(await c.cat('main')).toEqual([]); // the labels are not touched
    const strip = (l: Line) => {
      const { annotator: _a, object: _o, ...rest } = l;
      return rest;
    };
    const byKey = (a: Line, b: Line) =>
      a.image === b.image ? (a.label < b.label ? -1 : 1) : a.image < b.image ? -1 : 1;
    const mine = parseJsonLines<Line>(await c.ok(['cat', 'main', '--annotator', 'ann']));
    const plain = (await c.cat('plain')) as unknown as Line[];
    expect(mine.length).toBe(273);
    expect(mine.map(strip).sort(byKey)).toEqual(plain.map(strip).sort(byKey));

    // A second annotator: every box 1 px right, one annotation's class changed.
    const coco = JSON.parse(readFileSync(VOC_COCO, 'utf8')) as Coco;
    coco.annotations.forEach((a) => (a.bbox = [a.bbox[0]! + 1, ...a.bbox.slice(1)]));
    const other = coco.annotations.find((a) => a.category_id !== coco.annotations[0]!.category_id)!;
    coco.annotations[0]!.category_id = other.category_id;
    const bobFile = join(tmp.dir('coco-bob'), 'bob.json');
    writeFileSync(bobFile, JSON.stringify(coco));
    await c.ok(['import', 'coco', bobFile, '--annotator', 'bob']);
    const a = await c.json<{ pairs: { a: string; b: string; f1: number; matches: number }[] }>([
      'agreement',
      'main',
    ]);
    expect(a.pairs).toMatchObject([{ a: 'ann', b: 'bob', matches: 272 }]);
    expect(a.pairs[0]!.f1).toBeCloseTo((2 * 272) / (273 + 273), 9);
  });

  it('refuses --annotator with --annotators or --replace-all, and --annotators without names', async () => {
    const c = await initRepo(tmp.dir('coco-refusals'));
    expectFailure(
      await c.run(['import', 'coco', VOC_COCO, '--annotator', 'a', '--annotators']),
      2,
      'not both',
    );
    expectFailure(
      await c.run(['import', 'coco', VOC_COCO, '--annotator', 'a', '--replace-all']),
      2,
      'no --replace-all',
    );
    expectFailure(
      await c.run(['import', 'coco', VOC_COCO, '--annotators']),
      1,
      'the label names no annotator',
    );
    expect((await c.log()).length).toBe(1);
  });
});

describe('the label write policy applies to annotators as to labels', () => {
  const IMAGES = join(REAL, 'images/review_object_detection_metrics/data/database/images');
  const VOC_DIR = join(
    REAL,
    'pascal_voc/review_object_detection_metrics/data/database/gts/pascalvoc_format',
  );
  let w: TestRepo;
  let dir: string;
  const person = { image: '2007_000027', label: '1', category_id: 1, category: 'person' };
  beforeAll(async () => {
    w = await initRepo(tmp.root(), 'policy');
    dir = tmp.dir('policy-files');
    const images = tmp.dir('policy-images');
    copyFileSync(join(IMAGES, '2007_000027.jpg'), join(images, '2007_000027.jpg')); // 486x500
    await w.ok(['add', 'images', images]);
  });

  it('a label on an image with no asset record: refused as a label import refuses it', async () => {
    const head = await w.head();
    const file = writeJsonLines(join(dir, 'unknown.jsonl'), [{ ...person, image: 'no-such-image', bbox: [1, 1, 2, 2] }]);
    const plain = await w.run(['import', 'labels', file, '--json']);
    const annotated = await w.run(['import', 'labels', file, '--annotator', 'a', '--json']);
    expectFailure(annotated, 1, "unknown.jsonl:1 field 'image'", "'no-such-image'");
    expect(annotated.stderr).toBe(plain.stderr);
    expect(await w.head()).toBe(head);
    await w.ok(['import', 'labels', file, '--annotator', 'a', '--allow-unknown-images']);
    const stored = (await w.ok(['cat', 'main', '--annotator', 'a'])).trim().split('\n');
    expect(stored.map((l) => (JSON.parse(l) as Line).image)).toEqual(['no-such-image']);
  }); // prettier-ignore

  it('a box far past its image is refused; --clip clips it and reports it', async () => {
    const head = await w.head();
    const file = writeJsonLines(join(dir, 'far.jsonl'), [{ ...person, bbox: [400, 100, 300, 100] }]);
    expectFailure(await w.run(['import', 'labels', file, '--annotator', 'b']), 1, "far.jsonl:1 field 'bbox'", '486x500', '--clip');
    expect(await w.head()).toBe(head);
    const r = await w.json<{ geometry: { clipped: number } }>(['import', 'labels', file, '--annotator', 'b', '--clip']);
    expect(r.geometry.clipped).toBe(1);
    const [line] = (await w.ok(['cat', 'main', '--annotator', 'b'])).trim().split('\n');
    expect((JSON.parse(line!) as Line)['bbox']).toEqual([400, 100, 86, 100]);
  }); // prettier-ignore

  it('an unknown class of the branch schema is refused as for a label import, format imports too', async () => {
    const classes = [{ id: 1, name: 'person' }];
    writeFileSync(join(dir, 'schema.json'), JSON.stringify({ classes }));
    await w.ok(['schema', 'create', '1.0', '--from', join(dir, 'schema.json')]);
    await w.ok(['branch', 'create', 's', '--from', 'main']);
    await w.ok(['migrate', '--branch', 's', '--to', '1.0']);
    const head = await w.head('s');
    const file = writeJsonLines(join(dir, 'class.jsonl'), [{ ...person, category_id: 7, category: 'zebra', bbox: [1, 1, 5, 5] }]);
    const plain = await w.run(['import', 'labels', file, '--branch', 's']);
    const annotated = await w.run(['import', 'labels', file, '--branch', 's', '--annotator', 'c']);
    expectFailure(annotated, 1, "class.jsonl:1 field 'category_id'", 'unknown class id 7');
    expect(annotated.stderr).toBe(plain.stderr);
    expect(await w.head('s')).toBe(head);
    // a format import's labels of classes the schema lacks (VOC's 'dog', ...) alike
    const vocPlain = await w.run(['import', 'voc', VOC_DIR, '--branch', 's']);
    const vocAnnotated = await w.run(['import', 'voc', VOC_DIR, '--branch', 's', '--annotator', 'v']);
    expectFailure(vocAnnotated, 1, "2007_000032.xml object[0] field 'category_id'", 'unknown class id 2');
    expect(vocAnnotated.stderr).toBe(vocPlain.stderr);
    expect(await w.head('s')).toBe(head);
  }); // prettier-ignore

  it('format imports with --annotator take --clip and --allow-unknown-images again', async () => {
    const voc = await initRepo(tmp.root(), 'policy-voc');
    const r = await voc.json<{ geometry: { clipped: number }; labelings: { annotators: string[] } }>(['import', 'voc', VOC_DIR, '--annotator', 'v', '--clip', '--allow-unknown-images']);
    expect(r.labelings.annotators).toEqual(['v']);
    expect(r.geometry.clipped).toBe(0);
  }); // prettier-ignore
});

describe("schema migration of annotators' labelings", () => {
  const cls = (id: number, name: string, bbox: number[]) => ({
    category_id: id,
    category: name,
    bbox,
  });
  const LABELINGS: Record<string, Line[]> = {
    a: [
      { image: 'm1', label: '1', ...cls(1, 'cat', [0, 0, 10, 10]) },
      { image: 'm1', label: '2', ...cls(2, 'dog', [30, 30, 10, 10]) },
    ],
    b: [
      { image: 'm1', label: '1', ...cls(1, 'cat', [0, 0, 10, 10]) },
      { image: 'm1', label: '2', ...cls(1, 'cat', [30, 30, 10, 10]) },
    ],
    c: [{ image: 'm1', label: '1', ...cls(1, 'cat', [1, 0, 10, 10]) }],
  };
  let m: TestRepo;
  let files: string;

  beforeAll(async () => {
    m = await initRepo(tmp.root(), 'migrate-annotators');
    files = tmp.dir('migrate-files');
    for (const [who, lines] of Object.entries(LABELINGS))
      await m.ok(['import', 'labels', writeJsonLines(join(files, `${who}.jsonl`), lines), '--annotator', who, '--allow-unknown-images']);
    writeFileSync(join(files, 'v1.json'), JSON.stringify({ classes: [{ id: 1, name: 'cat' }, { id: 2, name: 'dog' }] }));
    writeFileSync(join(files, 'v2.json'), JSON.stringify({ classes: [{ id: 1, name: 'feline' }, { id: 2, name: 'dog' }] }));
    await m.ok(['schema', 'create', '1.0', '--from', join(files, 'v1.json')]);
    await m.ok(['schema', 'create', '2.0', '--from', join(files, 'v2.json'), '--parent', '1.0']);
  }, 120_000); // prettier-ignore

  const labelingOf = async (who: string) =>
    parseJsonLines<Line>(await m.ok(['cat', 'main', '--annotator', who])).map(
      (l) => `${l.label} ${String(l['category'])}`,
    );

  it('adopting a version validates every labeling, naming the annotator of one that breaks it', async () => {
    await m.ok(['branch', 'create', 'bad']);
    const odd = writeJsonLines(join(files, 'odd.jsonl'), [{ image: 'm1', label: '9', ...cls(7, 'zebra', [60, 60, 5, 5]) }]);
    await m.ok(['import', 'labels', odd, '--branch', 'bad', '--annotator', 'z', '--allow-unknown-images']);
    const head = await m.head('bad');
    expectFailure(await m.run(['migrate', '--branch', 'bad', '--to', '1.0']), 1, "annotator 'z', object", "'category_id'");
    expect(await m.head('bad')).toBe(head);
    const r = await m.json<{ annotations: { labelings: number } }>(['migrate', '--branch', 'main', '--to', '1.0']);
    expect(r.annotations.labelings).toBe(5);
  }); // prettier-ignore

  it("rewrites every annotator's labeling through a rename in the same commit; agreement survives", async () => {
    const before = { a: await labelingOf('a'), b: await labelingOf('b'), c: await labelingOf('c') };
    const agreementBefore = await m.json<Record<string, unknown>>(['agreement', 'main']);
    const head = await m.head();
    const r = await m.json<{ rewritten: number; annotations: { labelings: number; rewritten: number; marked: number } }>(['migrate', '--branch', 'main', '--to', '2.0']);
    expect(r.annotations).toEqual({ labelings: 5, rewritten: 4, marked: 0 });
    const show = await m.show();
    expect(show.parents).toEqual([head]);
    expect(show.operations).toMatchObject({ op: 'migrate', annotations: { labelings: 5, rewritten: 4 } });
    for (const who of ['a', 'b', 'c'] as const)
      expect(await labelingOf(who)).toEqual(before[who].map((l) => l.replace(' cat', ' feline')));
    expect(await m.json<Record<string, unknown>>(['agreement', 'main'])).toEqual(agreementBefore);
    await m.ok(['consensus', '--strategy', 'majority', '--min-agreement', '2']);
    expect((await m.cat()).map((l) => l['category'])).toEqual(['feline']); // object 2 is dog vs cat: below K = 2
  }); // prettier-ignore

  it("blames each annotator's labeling: the migration changed the renamed ones only", async () => {
    const commit = async (ref: string) => (await m.show(ref)).commit;
    const [importA, importB, importC, migrated] = await Promise.all(['main~5', 'main~4', 'main~3', 'main~1'].map(commit));
    const { annotations } = await m.json<{ annotations: { object: string; annotator: string; introduced: { commit: string }; changed: { commit: string } }[] }>(['blame', 'm1', '--annotations']);
    expect(annotations.map((b) => [b.object, b.annotator, b.introduced.commit, b.changed.commit])).toEqual([
      ['1', 'a', importA, migrated],
      ['1', 'b', importB, migrated],
      ['1', 'c', importC, migrated],
      ['2', 'a', importA, importA],
      ['2', 'b', importB, migrated],
    ]);
    const text = await m.ok(['blame', 'm1', '2', '--annotations']);
    expect(text).toContain('m1 2 by a');
    expect(text).toContain(`introduced  ${importA!.slice(0, 12)}`);
    expectFailure(await m.run(['blame', 'nope', '--annotations']), 1, "no annotators' labelings of image 'nope' in main");
    expectFailure(await m.run(['blame', 'm1', '--annotations', '--track', '7']), 2, 'give --track or --annotations');
  }); // prettier-ignore

  it('a rename under the review policy leaves every labeling as it was and counts them', async () => {
    await m.ok(['branch', 'create', 'rev', '--from', 'main~2']);
    const policy = join(files, 'policy.json');
    writeFileSync(policy, JSON.stringify({ rename_class: 'review' }));
    const before = (await m.ok(['cat', 'rev', '--annotator', 'b'])).trim();
    const r = await m.json<{ annotations: { rewritten: number; marked: number } }>(['migrate', '--branch', 'rev', '--to', '2.0', '--policy', policy]);
    expect(r.annotations).toMatchObject({ rewritten: 0, marked: 4 });
    expect((await m.ok(['cat', 'rev', '--annotator', 'b'])).trim()).toBe(before);
  }); // prettier-ignore
});

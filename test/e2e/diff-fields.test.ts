/**
 * `verso diff` shows what changed inside each record (issue 10, item 17), on real files: the
 * same 100 VOC 2012 images as COCO (CVAT's export) and then as VOC XML, whose re-import adds
 * `difficult`/`pose`/`truncated` to every label; then an edit that moves a box and one that
 * changes a class. Text shows `field: before → after` and the box's movement (dx, dy, IoU);
 * `--json` carries `before`/`after` objects and the changed fields; `--stat` counts per class.
 */
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  REPO_ROOT,
  initRepo,
  parseJsonLines,
  useTempRoot,
  writeJsonLines,
  type LabelRecord,
  type TestRepo,
} from './helpers.js';

const REAL = resolve(REPO_ROOT, '../shared/data/real');
const COCO = join(
  REAL,
  'coco/review_object_detection_metrics/data/database/gts/coco_format_v1/instances_default.json',
);
const VOC = join(
  REAL,
  'pascal_voc/review_object_detection_metrics/data/database/gts/pascalvoc_format',
);

const tmp = useTempRoot('diff-fields');

interface ChangeJson {
  tree: string;
  key: { image: string; label?: string };
  change: string;
  before?: Record<string, unknown>;
  after?: Record<string, unknown>;
  fields?: { field: string; before?: unknown; after?: unknown }[];
  geometry?: { box?: { dx: number; dy: number; dw: number; dh: number; iou: number } };
}
interface StatJson {
  labels: { added: number; removed: number; modified: number };
  classes: Record<string, { added: number; removed: number; modified: number }>;
}

let repo: TestRepo;
let labels: LabelRecord[];

beforeAll(async () => {
  repo = await initRepo(tmp.root());
  await repo.ok(['import', 'coco', COCO]);
  await repo.ok(['tag', 'create', 'coco', 'main']);
  await repo.ok(['import', 'voc', VOC]);
  await repo.ok(['tag', 'create', 'voc', 'main']);
  labels = await repo.cat('voc');
  expect(labels.length).toBe(273);
}, 60_000);

describe('diff shows the changed fields', () => {
  it('shows the attributes a VOC re-import added, in text and JSON', async () => {
    const text = await repo.ok(['diff', 'coco', 'voc']);
    expect(text).toContain(
      [
        '~ labels   2007_000027 273',
        '    attributes.difficult: (absent) → false',
        '    attributes.pose: (absent) → "Unspecified"',
        '    attributes.truncated: (absent) → false',
      ].join('\n'),
    );
    const changes = parseJsonLines<ChangeJson>(await repo.ok(['diff', 'coco', 'voc', '--json']));
    expect(changes.length).toBe(273);
    const first = changes[0]!;
    expect(first).toMatchObject({
      tree: 'labels',
      key: { image: '2007_000027', label: '273' },
      change: 'modified',
      fields: [
        { field: 'attributes.difficult', after: false },
        { field: 'attributes.pose', after: 'Unspecified' },
        { field: 'attributes.truncated', after: false },
      ],
    });
    expect(first.before?.['attributes']).toEqual({ occluded: false });
    expect(first.after?.['attributes']).toEqual({
      difficult: false,
      occluded: false,
      pose: 'Unspecified',
      truncated: false,
    });
    expect(first.after?.['bbox']).toEqual(first.before?.['bbox']);
    expect(first.geometry).toBeUndefined();
    // Every change is exactly the attributes VOC has and COCO lacked.
    for (const c of changes)
      expect(c.fields!.map((f) => f.field).sort()).toEqual(
        expect.arrayContaining(['attributes.difficult', 'attributes.pose', 'attributes.truncated']),
      );
  });

  it('shows how a box moved, and a class change, with per-class counts', async () => {
    const moved = labels.find((l) => l.image === '2007_000027')!;
    const renamed = labels.find((l) => l.image === '2007_000032' && l['category'] === 'aeroplane')!;
    const [x, y, w, h] = moved['bbox'] as number[];
    const edits = writeJsonLines(join(tmp.dir('edits'), 'edits.jsonl'), [
      { ...moved, op: 'put', bbox: [x! + 10, y! - 4, w, h] },
      { ...renamed, op: 'put', category: 'bird', category_id: 16 },
    ]);
    await repo.ok(['apply', edits, '--branch', 'main']);
    const text = await repo.ok(['diff', 'voc', 'main']);
    const iou =
      Math.round((((w! - 10) * (h! - 4)) / (2 * w! * h! - (w! - 10) * (h! - 4))) * 1e4) / 1e4;
    expect(text).toContain(
      [
        '~ labels   2007_000027 273',
        `    bbox: ${JSON.stringify([x, y, w, h])} → ${JSON.stringify([x! + 10, y! - 4, w, h])}`,
        `    box moved dx +10 dy -4 dw 0 dh 0, IoU ${iou}`,
      ].join('\n'),
    );
    expect(text).toContain(
      [
        `~ labels   2007_000032 ${renamed.label}`,
        '    category: "aeroplane" → "bird"',
        '    category_id: 13 → 16',
      ].join('\n'),
    );
    const json = parseJsonLines<ChangeJson>(await repo.ok(['diff', 'voc', 'main', '--json']));
    expect(json.map((c) => c.key.image)).toEqual(['2007_000027', '2007_000032']);
    expect(json[0]!.geometry?.box).toEqual({ dx: 10, dy: -4, dw: 0, dh: 0, iou });

    const stat = await repo.json<StatJson>(['diff', 'voc', 'main', '--stat']);
    expect(stat.labels).toEqual({ added: 0, removed: 0, modified: 2 });
    expect(stat.classes).toEqual({
      aeroplane: { added: 0, removed: 1, modified: 0 },
      bird: { added: 1, removed: 0, modified: 0 },
      person: { added: 0, removed: 0, modified: 1 },
    });
    const statText = await repo.ok(['diff', 'voc', 'main', '--stat']);
    expect(statText).toMatch(/labels {3}\+0 -0 ~2/);
    expect(statText).toMatch(/aeroplane +\+0 +-1 +~0/);
    expect(statText).toMatch(/bird +\+1 +-0 +~0/);
  });

  it('counts an import per class', async () => {
    const stat = await repo.json<StatJson>(['diff', 'main~3', 'coco', '--stat']);
    expect(stat.labels.added).toBe(273);
    expect(Object.values(stat.classes).reduce((n, c) => n + c.added, 0)).toBe(273);
    expect(stat.classes['person']).toEqual({ added: 91, removed: 0, modified: 0 });
  });
});

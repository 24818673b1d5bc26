/**
 * Re-import without noise through the CLI: COCO -> Verso -> YOLO -> Verso (and VOC) gives an
 * empty diff; export YOLO, edit 3 labels in the files, re-import: the diff shows exactly those
 * 3, matched labels keep their ids and the fields YOLO cannot carry.
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, useTempRoot, type TestRepo } from './helpers.js';
import { freshRepo } from './repo-copy.js';

const tmp = useTempRoot('formats-reimport');
const REAL = resolve(REPO_ROOT, '../shared/data/real');

const COCO_FILES = [
  'coco/review_object_detection_metrics/data/database/gts/coco_format_v1/instances_default.json',
  'coco/mmpose/tests/data/coco/test_coco.json',
  'coco/mmdetection/tests/data/coco_dummy/annotations/instances_val2017.json',
];

interface DiffLine {
  readonly tree: string;
  readonly key: { image: string; label?: string };
  readonly change: string;
}
const diff = async (repo: TestRepo, a: string, b: string): Promise<DiffLine[]> =>
  (await repo.ok(['diff', a, b, '--json']))
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as DiffLine);

describe('COCO -> Verso -> FORMAT -> Verso', () => {
  it.each(COCO_FILES.flatMap((f) => ['yolo', 'yolo-seg', 'voc'].map((fmt) => [fmt, f] as const)))(
    '%s of %s: empty diff',
    async (format, rel) => {
      const slug = `${format}-${rel.replaceAll('/', '_')}`;
      const repo = await freshRepo(tmp.root(), slug);
      await repo.ok(['import', 'coco', join(REAL, rel)]);
      const out = join(tmp.root(), `${slug}-out`);
      await repo.ok(['export', 'main', '--format', format, '--out', out]);
      const back = format === 'voc' ? ['voc', join(out, 'Annotations')] : ['yolo', out];
      const head = await repo.head();
      expect(await repo.ok(['import', ...back])).toContain('nothing to commit');
      expect(await diff(repo, head, 'main')).toEqual([]);
    },
  );
});

describe('export YOLO, edit 3 labels, re-import', () => {
  const rel = COCO_FILES[0]!;
  const setUp = async (name: string) => {
    const repo = await freshRepo(tmp.root(), name);
    await repo.ok(['import', 'coco', join(REAL, rel)]);
    const out = join(tmp.root(), `${name}-out`);
    await repo.ok(['export', 'main', '--format', 'yolo', '--out', out]);
    return { repo, out };
  };
  /** Rewrites line `n` (0-based) of a label file. */
  const editLine = (file: string, n: number, f: (cols: string[]) => string[] | null) => {
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    const next = f(lines[n]!.split(' '));
    if (next === null) lines.splice(n, 1);
    else lines[n] = next.join(' ');
    writeFileSync(file, lines.join('\n') + '\n');
  };
  const nudge = (cols: string[]) =>
    cols.map((c, i) => (i === 1 ? (Number(c) + 0.002).toFixed(6) : c));

  it('three moved boxes: exactly 3 labels modified, ids and other fields kept', async () => {
    const { repo, out } = await setUp('edit-moves');
    const before = new Map((await repo.cat()).map((l) => [`${l.image}/${l.label}`, l]));
    editLine(join(out, 'labels', '2007_000027.txt'), 0, nudge);
    editLine(join(out, 'labels', '2007_000032.txt'), 1, nudge);
    editLine(join(out, 'labels', '2007_000033.txt'), 2, nudge);
    await repo.ok(['import', 'yolo', out]);
    const changes = await diff(repo, 'main~1', 'main');
    expect(changes).toHaveLength(3);
    expect(changes.every((c) => c.tree === 'labels' && c.change === 'modified')).toBe(true);
    expect(changes.map((c) => c.key.image).sort()).toEqual([
      '2007_000027',
      '2007_000032',
      '2007_000033',
    ]);
    for (const c of changes) {
      const now = (await repo.cat()).find(
        (l) => l.image === c.key.image && l.label === c.key.label,
      )!;
      const was = before.get(`${c.key.image}/${c.key.label}`)!;
      expect(now['bbox']).not.toEqual(was['bbox']);
      for (const f of ['category_id', 'category', 'iscrowd', 'attributes', 'segmentation'])
        expect(now[f], f).toEqual(was[f]);
      const [, , w, h] = now['bbox'] as number[];
      expect(now['area']).toBeCloseTo(w! * h!, 3);
    }
  });

  it('a move, a deletion and a new line: ~1 -1 +1', async () => {
    const { repo, out } = await setUp('edit-mixed');
    editLine(join(out, 'labels', '2007_000027.txt'), 0, nudge);
    editLine(join(out, 'labels', '2007_000032.txt'), 1, () => null);
    const added = join(out, 'labels', '2007_000033.txt');
    writeFileSync(added, readFileSync(added, 'utf8') + '0 0.2 0.2 0.1 0.1\n');
    await repo.ok(['import', 'yolo', out]);
    const changes = await diff(repo, 'main~1', 'main');
    expect(changes.map((c) => `${c.change} ${c.key.image}`).sort()).toEqual([
      'added 2007_000033',
      'modified 2007_000027',
      'removed 2007_000032',
    ]);
    // New ids count up from the largest label id in the branch: unique across the dataset.
    const newId = Number(changes.find((c) => c.change === 'added')!.key.label);
    expect(newId).toBe(Math.max(...(await repo.cat('main~1')).map((l) => Number(l.label))) + 1);
  });

  it('images the import does not cover keep their labels', async () => {
    const { repo, out } = await setUp('edit-partial');
    const partial = join(tmp.root(), 'partial');
    // A dataset of one (emptied) label file: only that image is covered.
    mkdirSync(join(partial, 'labels'), { recursive: true });
    copyFileSync(join(out, 'data.yaml'), join(partial, 'data.yaml'));
    writeFileSync(join(partial, 'labels', '2007_000027.txt'), '');
    await repo.ok(['import', 'yolo', partial]);
    const changes = await diff(repo, 'main~1', 'main');
    expect(changes.every((c) => c.key.image === '2007_000027' && c.change === 'removed')).toBe(
      true,
    );
    expect(changes.length).toBeGreaterThan(0);
  });
});

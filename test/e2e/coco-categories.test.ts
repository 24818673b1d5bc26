/**
 * The category list is part of the snapshot: two imports of one COCO file into two repositories
 * give one snapshot id; gc keeps the list (export still has it); later writes (`verso apply`)
 * keep it; `verify` checks it.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempRoot, writeJsonLines, type TestRepo } from './helpers.js';
import { freshRepo } from './repo-copy.js';

const tmp = useTempRoot('coco-categories');

const CATEGORIES = [
  { id: 3, name: 'person', supercategory: 'human', keypoints: ['nose', 'eye'], skeleton: [[1, 2]] },
  { id: 7, name: 'car', supercategory: 'vehicle' },
];

function cocoFile(dir: string): string {
  const file = join(dir, 'instances.json');
  writeFileSync(
    file,
    JSON.stringify({
      images: [
        { id: 10, file_name: 'a.jpg', width: 100, height: 80 },
        { id: 11, file_name: 'b.jpg', width: 100, height: 80 },
      ],
      annotations: [
        { id: 1, image_id: 10, category_id: 3, bbox: [1, 2, 30, 40], area: 1200, iscrowd: 0 },
        { id: 2, image_id: 11, category_id: 7, bbox: [5, 5, 10, 10], area: 100, iscrowd: 0 },
      ],
      categories: CATEGORIES,
    }),
  );
  return file;
}

async function exportedCategories(repo: TestRepo, dir: string): Promise<unknown[]> {
  const out = join(dir, `export-${Math.random().toString(36).slice(2)}.json`);
  await repo.ok(['export', 'main', '--format', 'coco', '--out', out]);
  return (JSON.parse(readFileSync(out, 'utf8')) as { categories: unknown[] }).categories;
}

describe('COCO categories in the snapshot', () => {
  it('two imports of one file into two repositories give the same snapshot id', async () => {
    const dir = tmp.dir('same-id');
    const file = cocoFile(dir);
    const a = await freshRepo(dir, 'a');
    const b = await freshRepo(dir, 'b');
    await a.ok(['import', 'coco', file]);
    await b.ok(['import', 'coco', file, '-m', 'another message']);
    expect((await a.show()).snapshot).toBe((await b.show()).snapshot);
    expect((await a.show()).categories).toEqual((await b.show()).categories);
    expect((await a.show()).categories!.count).toBe(2);
    expect(await a.ok(['show', 'main'])).toContain(
      `categories 2 (${(await a.show()).categories!.id})`,
    );
  });

  it('gc keeps the category list: export after gc still has it, verify is clean', async () => {
    const dir = tmp.dir('gc');
    const repo = await freshRepo(dir);
    await repo.ok(['import', 'coco', cocoFile(dir)]);
    await repo.ok(['gc']);
    await repo.verify();
    expect(await exportedCategories(repo, dir)).toEqual(CATEGORIES);
  });

  it('a later verso apply keeps the category list', async () => {
    const dir = tmp.dir('apply');
    const repo = await freshRepo(dir);
    await repo.ok(['import', 'coco', cocoFile(dir)]);
    const before = (await repo.show()).categories;
    const edits = writeJsonLines(join(dir, 'edits.jsonl'), [
      { op: 'put', image: 'a', label: '9', category_id: 7, category: 'car', bbox: [0, 0, 5, 5] },
    ]);
    await repo.apply(edits, 'main');
    expect((await repo.show()).counts.labels).toBe(3);
    expect((await repo.show()).categories).toEqual(before);
    expect(await exportedCategories(repo, dir)).toEqual(CATEGORIES);
  });
});

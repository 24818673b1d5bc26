/**
 * Splits through the CLI: `import coco --split` puts every image of the file in a split (other
 * images keep theirs), `split set` moves images in one commit, `split show` reads them back;
 * unknown images are refused with exit 1 and nothing moves.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { expectFailure, initRepo, useTempRoot } from './helpers.js';

const tmp = useTempRoot('splits');

function cocoFile(name: string, ids: readonly number[]): string {
  const file = join(tmp.dir('data'), name);
  const doc = {
    images: ids.map((id) => ({ id, file_name: `img/${id}.jpg`, width: 50, height: 50 })),
    categories: [{ id: 1, name: 'thing' }],
    annotations: ids.map((id) => ({
      id: 100 + id,
      image_id: id,
      category_id: 1,
      bbox: [1, 1, 5, 5],
    })),
  };
  writeFileSync(file, JSON.stringify(doc));
  return file;
}

it('import --split, split set and split show', async () => {
  const repo = await initRepo(tmp.root());
  await repo.ok(['import', 'coco', cocoFile('train.json', [1, 2, 3]), '--split', 'train']);
  await repo.ok(['import', 'coco', cocoFile('val.json', [4, 5]), '--split', 'val']);
  expect(await repo.json(['split', 'show', 'main'])).toEqual({ counts: { train: 3, val: 2 } });

  const head = await repo.head();
  expectFailure(
    await repo.run(['split', 'set', '2', 'nope', '--to', 'test', '--branch', 'main']),
    1,
    "'nope'",
  );
  expect(await repo.head()).toBe(head);

  const moved = await repo.json<{ splits: object }>([
    'split',
    'set',
    '2',
    '4',
    '--to',
    'test',
    '--branch',
    'main',
  ]);
  expect(moved.splits).toEqual({ added: 0, removed: 0, modified: 2 });
  expect(await repo.ok(['split', 'show', 'main', '--list'])).toBe(
    '1\ttrain\n2\ttest\n3\ttrain\n4\ttest\n5\tval\n',
  );
  expect(await repo.json(['split', 'show', 'main~1'])).toEqual({ counts: { train: 3, val: 2 } });
  expect((await repo.show()).operations).toMatchObject({
    op: 'split-set',
    split: 'test',
    images: 2,
  });
});

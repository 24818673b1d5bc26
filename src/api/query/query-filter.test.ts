/**
 * `--where` in the library on a real embedded repository: asset and split fields joined per
 * image, change predicates against an earlier commit, and count/cat agreeing.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catLabelBlocks, catLabels } from '../read/cat.js';
import { countLabels } from '../read/count.js';
import { importCoco } from '../interchange/import-coco.js';
import { initRepository } from '../repository/init-repository.js';
import { type Repository } from '../repository/repository.js';
import { openRepository } from '../repository/compose.js';
import { setSplits } from '../write/splits.js';

let dir: string;
let repo: Repository;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'verso-query-'));
  await initRepository(join(dir, 'repo'));
  repo = await openRepository(join(dir, 'repo'));
  const sizes = { a: [640, 480], b: [1920, 1080], c: [640, 480] } as const;
  const perImage = { a: 2, b: 3, c: 1 } as const;
  const images = Object.entries(sizes).map(([name, [width, height]], i) => ({
    id: i + 1,
    file_name: `${name}.jpg`,
    width,
    height,
  }));
  let id = 0;
  const annotations = images.flatMap((img) =>
    Array.from({ length: perImage[img.file_name[0] as 'a' | 'b' | 'c'] }, () => {
      id++;
      return { id, image_id: img.id, category_id: (id % 2) + 1, bbox: [1, 1, 10, 10], area: 100 };
    }),
  );
  const categories = [
    { id: 1, name: 'person' },
    { id: 2, name: 'car' },
  ];
  const file = join(dir, 'coco.json');
  writeFileSync(file, JSON.stringify({ images, annotations, categories }));
  await importCoco(repo, { file, branch: 'main', split: 'train' });
  await setSplits(repo, { branch: 'main', images: ['c'], split: 'val' });
});

afterAll(async () => {
  await repo.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('compileLabelFilter through count and cat', () => {
  it.each([
    ['image.width >= 1000', 3],
    ['image.height < 500', 3],
    ['image.file_name = b.jpg', 3],
    ['split = train', 5],
    ['split = val or image.width > 1000', 4],
    ['split = train and image.height < 500 and class = person', 1],
    ['not exists image.sha256', 6],
    ['changed_since(main~1)', 0],
    ['changed_since(main~2)', 6],
  ])('%s matches %i labels', async (where, expected) => {
    expect((await countLabels(repo, 'main', where)).labels).toBe(expected);
  });

  it('count without a filter reads the root', async () => {
    expect(await countLabels(repo, 'main')).toMatchObject({ labels: 6 });
  });

  it('cat --where prints the matching lines', async () => {
    let text = '';
    for await (const b of catLabelBlocks(repo, 'main', { where: 'split = train and class = car' }))
      text += b.toString('utf8');
    const all: string[] = [];
    for await (const l of catLabels(repo, 'main')) all.push(l);
    const expected = all.filter((l) => {
      const r = JSON.parse(l) as { image: string; category: string };
      return r.image !== 'c' && r.category === 'car';
    });
    expect(expected.length).toBeGreaterThan(0);
    expect(text.split('\n').filter(Boolean)).toEqual(expected);
  });
});

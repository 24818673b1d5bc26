/**
 * The import sink on a real embedded repository: per-image replacement of labels/reviews (and
 * `replace_all`), upsert for assets and splits, duplicates rejected, bad labels refused by the
 * write checks, nothing moves on error, no commit when nothing changes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeValue, encodeValue } from '../../core/canonical.js';
import { hashToHex, hexToHash } from '../../core/hash.js';
import { mutateTree } from '../../tree/mutate.js';
import { encodeImageKey } from '../../dataset/label-key.js';
import { InvalidArgumentError } from '../../core/errors.js';
import { decodeTuple } from '../../core/tuple.js';
import { scan } from '../../tree/read.js';
import { branchHead } from '../write/branch-head.js';
import { catLabels } from '../read/cat.js';
import { initRepository } from '../repository/init-repository.js';
import { importRecords, type RecordImportMode, type RecordSink } from './record-import.js';
import { type Repository } from '../repository/repository.js';
import { openRepository } from '../repository/compose.js';

let dir: string;
let repo: Repository;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'verso-record-import-'));
  await initRepository(join(dir, 'repo'));
  repo = await openRepository(join(dir, 'repo'));
});
afterEach(async () => {
  await repo.close();
  rmSync(dir, { recursive: true, force: true });
});

const duplicate = (kind: string, a: number, b: number, id: string) =>
  new InvalidArgumentError(kind, id, `given twice (records ${a} and ${b})`);

const invalid = (tag: number, key: { image: string; label: string }, p: { field: string }) =>
  new InvalidArgumentError(p.field, `${key.image}/${key.label}`, `record ${tag} refused`);

function run(fill: (sink: RecordSink) => void, mode?: RecordImportMode) {
  return importRecords(
    repo,
    { branch: 'main', message: 'test', duplicate, invalid, ...(mode ? { mode } : {}) },
    async (sink) => {
      fill(sink);
      return { operations: { format: 'test' } };
    },
  );
}

async function catLines(): Promise<string[]> {
  const lines: string[] = [];
  for await (const l of catLabels(repo, 'main')) lines.push(l);
  return lines;
}

async function imageTree(name: 'assets' | 'splits') {
  const head = await branchHead(repo, 'main');
  const out: Record<string, unknown> = {};
  for await (const [k, v] of scan(repo.nodes, hexToHash(head.snapshot.trees[name])))
    out[decodeTuple(k)[0]!] = decodeValue(v);
  return out;
}

describe('importRecords', () => {
  const first = (s: RecordSink) => {
    s.asset('a', { file_name: 'a.jpg', width: 10, height: 10 }, 0);
    s.asset('b', { file_name: 'b.jpg' }, 1);
    s.split('a', 'train', 0);
    s.label('a', '1', { category: 'cat' }, { status: 'approved' }, 0);
    s.label('b', '2', { category: 'dog' }, undefined, 1);
  };
  const second = (s: RecordSink) => {
    s.asset('b', { file_name: 'b.png' }, 0);
    s.split('b', 'val', 0);
    s.label('b', '3', { category: 'cow' }, undefined, 0);
  };

  it('replaces the labels of the images it covers only, upserts assets and splits', async () => {
    await run(first);
    const r = await run(second);
    expect(r.labels).toEqual({ added: 1, removed: 1, modified: 0 });
    expect(r.reviews).toEqual({ added: 0, removed: 0, modified: 0 });
    expect(r.assets).toEqual({ added: 0, removed: 0, modified: 1 });
    expect(r.removed).toEqual({ labels: 1, reviews: 0, images: 1, image_ids: ['b'] });
    expect(await catLines()).toEqual([
      '{"image":"a","label":"1","category":"cat","review":{"status":"approved"}}',
      '{"image":"b","label":"3","category":"cow"}',
    ]);
    expect(await imageTree('assets')).toEqual({
      a: { file_name: 'a.jpg', width: 10, height: 10 },
      b: { file_name: 'b.png' },
    });
    expect(await imageTree('splits')).toEqual({ a: 'train', b: 'val' });
  });

  it("replace_all: labels and reviews become exactly the import's", async () => {
    await run(first);
    const r = await run(second, 'replace_all');
    expect(r.labels).toEqual({ added: 1, removed: 2, modified: 0 });
    expect(r.reviews).toEqual({ added: 0, removed: 1, modified: 0 });
    expect(r.removed).toEqual({ labels: 2, reviews: 1, images: 2, image_ids: ['a', 'b'] });
    expect(await catLines()).toEqual(['{"image":"b","label":"3","category":"cow"}']);
  });

  it('a covered image without labels loses its labels; a repeat import makes no commit', async () => {
    await run(first);
    const r = await run((s) => s.cover('a', 0));
    expect(r).toMatchObject({ committed: true, labels: { added: 0, removed: 1, modified: 0 } });
    expect(await catLines()).toEqual(['{"image":"b","label":"2","category":"dog"}']);
    const head = (await branchHead(repo, 'main')).head;
    const again = await run((s) => s.cover('a', 0));
    expect(again).toMatchObject({ committed: false, commit: head });
    expect((await branchHead(repo, 'main')).head).toBe(head);
  });

  it('refuses a label the write checks reject (bad geometry), naming its tag', async () => {
    const before = (await branchHead(repo, 'main')).head;
    const err = await run((s) => {
      s.label('a', '1', { category: 'cat' }, undefined, 3);
      s.label('a', '2', { bbox: [1, 1, -5, 5] }, undefined, 7);
    }).catch((e: unknown) => e);
    expect((err as Error).message).toContain('record 7 refused');
    expect((await branchHead(repo, 'main')).head).toBe(before);
  });

  it("checks placement against the import's own assets: far outside refused", async () => {
    const err = await run((s) => {
      s.asset('a', { file_name: 'a.jpg', width: 10, height: 10 }, 0);
      s.label('a', '1', { bbox: [50, 50, 5, 5] }, undefined, 4);
    }).catch((e: unknown) => e);
    expect((err as Error).message).toContain('record 4 refused');
  });

  it.each(['label', 'asset', 'split', 'image'] as const)(
    'rejects a duplicate %s and leaves the branch unchanged',
    async (kind) => {
      const before = (await branchHead(repo, 'main')).head;
      const err = await run((s) => {
        for (const tag of [4, 9]) {
          if (kind === 'label') s.label('x', '1', {}, undefined, tag);
          if (kind === 'asset') s.asset('x', { tag }, tag);
          if (kind === 'split') s.split('x', 'train', tag);
          if (kind === 'image') s.cover('x', tag);
        }
      }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(InvalidArgumentError);
      expect((err as Error).message).toContain('records 4 and 9');
      expect((await branchHead(repo, 'main')).head).toBe(before);
    },
  );

  it('upserts a large asset batch by a merge build: the same tree as a batched mutation', async () => {
    const image = (i: number) => String(i).padStart(8, '0');
    const record = (i: number, v: number) => ({ file_name: `${i}.jpg`, v });
    await run((s) => {
      for (let i = 0; i < 1000; i++) s.asset(image(i * 100), record(i, 0), i);
    });
    const first = (await branchHead(repo, 'main')).snapshot.trees.assets;
    await run((s) => {
      for (let i = 0; i < 60_000; i++) s.asset(image(i * 3), record(i, 1), i);
    });
    const edits = Array.from({ length: 60_000 }, (_, i) => ({
      key: encodeImageKey(image(i * 3)),
      value: encodeValue(record(i, 1)),
    }));
    const expected = await mutateTree(repo.nodes, hexToHash(first), edits);
    expect((await branchHead(repo, 'main')).snapshot.trees.assets).toBe(hashToHex(expected));
    const tree = await imageTree('assets');
    expect(Object.keys(tree)).toHaveLength(60_000 + 1000 - 334);
    expect(tree['00000100']).toEqual(record(1, 0));
  });
});

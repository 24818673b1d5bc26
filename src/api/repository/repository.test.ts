/**
 * In-library tests of the api layer on a real embedded repository (LMDB + SQLite in a temp
 * folder). The CLI end-to-end suites in test/e2e/ drive the same operations as processes.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RefUpdateRaceError, RepositoryBusyError } from '../../catalog/catalog-errors.js';
import { FormatParseError } from '../../core/errors.js';
import { applyEdits } from '../write/apply-edits.js';
import { catLabels } from '../read/cat.js';
import { diffRefs } from '../read/diff.js';
import { collectGarbage } from '../maintenance/gc.js';
import { importLabels } from '../ingest/import-labels.js';
import { initRepository } from './init-repository.js';
import { withLease } from './lease.js';
import { createBranch, deleteBranch } from './refs.js';
import { type Repository } from './repository.js';
import { openRepository } from './compose.js';
import { showCommit } from '../read/show.js';
import { verifyRepository } from '../maintenance/verify.js';
import { commitToBranch } from '../write/commit-to-branch.js';
import { branchHead } from '../write/branch-head.js';

let dir: string;
let repo: Repository;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'verso-api-'));
  await initRepository(join(dir, 'repo'));
  repo = await openRepository(join(dir, 'repo'));
});
afterEach(async () => {
  await repo.close();
  rmSync(dir, { recursive: true, force: true });
});

function label(image: number, id: number, extra: Record<string, unknown> = {}) {
  return {
    image: String(image).padStart(4, '0'),
    label: String(id),
    category: id % 3 === 0 ? 'car' : 'person',
    bbox: [id % 50, 10.5, 20.25, 30],
    annotated_at: '2026-01-02T03:04:05Z',
    review: {
      status: id % 5 === 0 ? 'pending' : 'approved',
      reviewer: `rev_${id % 7}`,
      reviewed_at: null,
    },
    ...extra,
  };
}

function writeJsonl(name: string, rows: readonly object[]): string {
  const file = join(dir, name);
  writeFileSync(file, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
  return file;
}

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

const dataset = Array.from({ length: 3000 }, (_, i) => label(Math.floor(i / 3), i));

describe('import, cat, apply, diff', () => {
  it('cat reproduces the import, and re-importing cat gives the same snapshot', async () => {
    await importLabels(repo, { file: writeJsonl('labels.jsonl', dataset), branch: 'main' });
    const lines = await collect(catLabels(repo, 'main'));
    expect(lines).toHaveLength(dataset.length);
    const byKey = new Map(dataset.map((d) => [`${d.image}/${d.label}`, d]));
    for (const l of lines) {
      const o = JSON.parse(l);
      expect(o).toEqual(byKey.get(`${o.image}/${o.label}`));
    }
    await createBranch(repo, 'again', 'main~1');
    await importLabels(repo, {
      file: writeJsonl(
        'cat.jsonl',
        lines.map((l) => JSON.parse(l)),
      ),
      branch: 'again',
    });
    expect((await showCommit(repo, 'again')).snapshot).toBe(
      (await showCommit(repo, 'main')).snapshot,
    );
  });

  it('an edit batch shows up in diff exactly, and a review-only put touches only reviews', async () => {
    await importLabels(repo, { file: writeJsonl('labels.jsonl', dataset), branch: 'main' });
    await createBranch(repo, 'edit', 'main');
    const edits = [
      { op: 'put', ...label(1, 3, { category: 'truck' }) },
      {
        op: 'put',
        ...label(2, 6, {
          review: { status: 'rejected', reviewer: 'rev_1', reviewed_at: '2026-02-02T00:00:00Z' },
        }),
      },
      { op: 'delete', image: '0003', label: '9' },
      { op: 'put', ...label(4, 99999) },
    ];
    const r = await applyEdits(repo, { file: writeJsonl('edits.jsonl', edits), branch: 'edit' });
    expect(r.labels).toEqual({ added: 1, removed: 1, modified: 1 });
    expect(r.reviews).toEqual({ added: 1, removed: 1, modified: 1 });
    const changes = (await collect(diffRefs(repo, 'main', 'edit'))).map(
      (c) => `${c.tree} ${c.key.image}/${c.key.label} ${c.change}`,
    );
    expect(changes.sort()).toEqual(
      [
        'labels 0001/3 modified',
        'labels 0003/9 removed',
        'labels 0004/99999 added',
        'reviews 0002/6 modified',
        'reviews 0003/9 removed',
        'reviews 0004/99999 added',
      ].sort(),
    );
  });

  it('upsert keeps labels not in the file and reviews not given', async () => {
    await importLabels(repo, {
      file: writeJsonl('labels.jsonl', dataset.slice(0, 100)),
      branch: 'main',
    });
    const { review: _review, ...noReview } = label(0, 1, { category: 'bus' });
    await importLabels(repo, {
      file: writeJsonl('more.jsonl', [noReview, label(500, 5000)]),
      branch: 'main',
      mode: 'upsert',
    });
    const s = await showCommit(repo, 'main');
    expect(s.counts.labels).toBe(101);
    expect(s.counts.reviews).toBe(101);
    const line = (await collect(catLabels(repo, 'main')))
      .map((l) => JSON.parse(l))
      .find((o) => o.image === '0000' && o.label === '1');
    expect(line.category).toBe('bus');
    expect(line.review).toEqual(dataset[1]!.review);
  });

  it('rejects duplicate keys with both lines and moves nothing', async () => {
    const before = (await showCommit(repo, 'main')).id;
    const file = writeJsonl('dup.jsonl', [
      label(1, 1),
      label(1, 2),
      label(1, 1, { category: 'bus' }),
    ]);
    await expect(importLabels(repo, { file, branch: 'main' })).rejects.toThrow(
      /dup.jsonl:3 field 'label': duplicate label \(image '0001', label '1'\), first at line 1/,
    );
    await expect(importLabels(repo, { file, branch: 'main' })).rejects.toBeInstanceOf(
      FormatParseError,
    );
    expect((await showCommit(repo, 'main')).id).toBe(before);
  });
});

describe('edge inputs', () => {
  it('an empty file changes nothing; with replace_all it clears the labels', async () => {
    await importLabels(repo, {
      file: writeJsonl('labels.jsonl', dataset.slice(0, 20)),
      branch: 'main',
    });
    const empty = join(dir, 'empty.jsonl');
    writeFileSync(empty, '');
    const head = (await showCommit(repo, 'main')).id;
    expect(await importLabels(repo, { file: empty, branch: 'main' })).toMatchObject({
      committed: false,
      commit: head,
    });
    await importLabels(repo, { file: empty, branch: 'main', mode: 'replace_all' });
    expect((await showCommit(repo, 'main')).counts).toMatchObject({ labels: 0, reviews: 0 });
  });

  it.each([
    ['a number that overflows', '{"image":"a","label":"1","area":1e400}', 'area'],
    ['a lone surrogate in a value', '{"image":"a","label":"1","note":"\\ud800"}', 'note'],
    ['a lone surrogate in an id', '{"image":"a\\ud800","label":"1"}', 'image'],
    [
      'absurd nesting',
      `{"image":"a","label":"1","deep":${'['.repeat(20000)}${']'.repeat(20000)}}`,
      'deep[0][0][0][0][0]...',
    ],
  ])('rejects %s with file and line', async (_what, line, field) => {
    const file = join(dir, 'bad.jsonl');
    writeFileSync(file, JSON.stringify(label(0, 0)) + '\n' + line + '\n');
    const err = await importLabels(repo, { file, branch: 'main' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FormatParseError);
    expect((err as FormatParseError).data).toMatchObject({ file, line: 2, field });
  });

  it('import and apply store the same label the same way, odd member names included', async () => {
    const odd = { image: 'x', label: '1', __proto__: 7, constructor: 'c', category: 'car' };
    const text = '{"image":"x","label":"1","__proto__":7,"constructor":"c","category":"car"}';
    const file = join(dir, 'odd.jsonl');
    writeFileSync(file, text + '\n');
    await importLabels(repo, { file, branch: 'main' });
    await createBranch(repo, 'applied', 'main~1');
    const edits = join(dir, 'odd-edits.jsonl');
    writeFileSync(edits, text.replace('{', '{"op":"put",') + '\n');
    await applyEdits(repo, { file: edits, branch: 'applied' });
    expect(await collect(diffRefs(repo, 'main', 'applied'))).toEqual([]);
    expect(odd.category).toBe('car');
  });
});

describe('refs, verify and gc', () => {
  it('a commit collected by gc no longer resolves by id prefix', async () => {
    await createBranch(repo, 'tmp', 'main');
    const r = await importLabels(repo, {
      file: writeJsonl('labels.jsonl', dataset.slice(0, 30)),
      branch: 'tmp',
    });
    await deleteBranch(repo, 'tmp');
    await collectGarbage(repo);
    await expect(createBranch(repo, 'y', r.commit.slice(0, 12))).rejects.toThrow(/ref not found/);
  });

  it('a writer that lost the compare-and-swap gets RefUpdateRaceError and nothing moves', async () => {
    const head = await branchHead(repo, 'main');
    await importLabels(repo, {
      file: writeJsonl('labels.jsonl', dataset.slice(0, 10)),
      branch: 'main',
    });
    const moved = (await showCommit(repo, 'main')).id;
    await expect(
      commitToBranch(repo, {
        branch: 'main',
        expectedHead: head.head,
        snapshot: { ...head.snapshot, schema: 'stale' },
        message: 'stale',
        operations: {},
      }),
    ).rejects.toBeInstanceOf(RefUpdateRaceError);
    expect((await showCommit(repo, 'main')).id).toBe(moved);
  });

  it('gc deletes what no ref reaches, keeps the rest verifiable, and waits for no writer', async () => {
    await createBranch(repo, 'scratch', 'main');
    await importLabels(repo, { file: writeJsonl('labels.jsonl', dataset), branch: 'scratch' });
    await importLabels(repo, {
      file: writeJsonl('small.jsonl', dataset.slice(0, 50)),
      branch: 'main',
    });
    await expect(withLease(repo, 'writer', () => collectGarbage(repo))).rejects.toBeInstanceOf(
      RepositoryBusyError,
    );
    const keep = await collectGarbage(repo);
    expect(keep.deleted).toBe(0);
    await deleteBranch(repo, 'scratch');
    const gc = await collectGarbage(repo);
    expect(gc.deleted).toBeGreaterThan(10);
    const v = await verifyRepository(repo);
    expect(v.problems).toEqual([]);
    expect(v.chunks).toBe(gc.reachable);
    expect((await collect(catLabels(repo, 'main'))).length).toBe(50);
  });

  it('verify reports a chunk whose bytes were altered', async () => {
    await importLabels(repo, {
      file: writeJsonl('labels.jsonl', dataset.slice(0, 200)),
      branch: 'main',
    });
    const s = await showCommit(repo, 'main');
    const root = Buffer.from(s.trees.labels, 'hex');
    const bytes = Buffer.from((await repo.chunks.get(root))!);
    bytes.writeUInt8(bytes.readUInt8(bytes.length - 1) ^ 1, bytes.length - 1);
    await repo.chunks.delete([root]);
    repo.chunks.put(root, bytes);
    await repo.chunks.flush();
    const v = await verifyRepository(repo, 'main');
    expect(v.problems.map((p) => p.problem)).toEqual([
      expect.stringMatching(
        /^content does not match its hash \(its \d+ bytes hash to [0-9a-f]{64}\)$/,
      ),
    ]);
  });
});

/**
 * The public library surface, used as a program embedding Verso would: every feature's verbs
 * reachable from `src/index.ts`, and a repository composed there carries the identity and
 * clock it was given through a write and a read; the embedded backends are exported, and a
 * repository composed from them with `createRepository` writes and reads.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import * as verso from './index.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'verso-lib-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

it('exports the verbs of every feature and the error base class', () => {
  const verbs = [
    'openRepository',
    'createRepository',
    'initRepository',
    'createBranch',
    'applyEdits',
    'setSplits',
    'catLabels',
    'diffRefs',
    'logCommits',
    'addImages',
    'importLabels',
    'importCoco',
    'exportSnapshot',
    'merge',
    'resolveConflicts',
    'buildIndexes',
    'blame',
    'migrateBranch',
    'startRun',
    'explainPrediction',
    'collectGarbage',
    'verifyRepository',
    'cloneRepository',
    'pushTo',
    'importAnnotatorLabels',
    'readLabelings',
    'consensus',
    'agreement',
  ] as const;
  for (const v of verbs) expect(typeof verso[v], v).toBe('function');
  const e = new verso.VersoError('NotFound', 'INVALID_ARGUMENT', 'm');
  expect(e).toBeInstanceOf(Error);
  expect(verso.isVersoError(e)).toBe(true);
  expect(verso.isVersoError(new Error('m'))).toBe(false);
  const code: verso.ErrorCode = e.code;
  expect(code).toBe('INVALID_ARGUMENT');
});

it('exports the backends createRepository composes, and not the commit pipeline internals', () => {
  for (const backend of ['LmdbChunkStore', 'MemoryChunkStore', 'FsBlobStore', 'SqliteCatalog'])
    expect(typeof (verso as Record<string, unknown>)[backend], backend).toBe('function');
  for (const internal of ['STANDARD_MAINTAINERS', 'explanationLines', 'openBackends'])
    expect(verso, internal).not.toHaveProperty(internal);
});

it('a repository composed from the exported backends writes and reads', async () => {
  const root = join(dir, 'composed');
  await verso.initRepository(root);
  const repo = verso.createRepository({
    root,
    chunks: await verso.LmdbChunkStore.open(join(root, '.verso', 'chunks'), { create: false }),
    catalog: verso.SqliteCatalog.open(join(root, '.verso', 'catalog.sqlite'), { create: false }),
    blobs: new verso.FsBlobStore(join(root, '.verso', 'blobs')),
    identity: { author: 'composer' },
  });
  try {
    const file = join(dir, 'composed.jsonl');
    writeFileSync(file, JSON.stringify({ image: 'b', label: '2', category: 'dog' }) + '\n');
    expect((await verso.importLabels(repo, { file, branch: 'main' })).committed).toBe(true);
    expect(await verso.showCommit(repo, 'main')).toMatchObject({ author: 'composer' });
    const lines: string[] = [];
    for await (const line of verso.catLabels(repo, 'main')) lines.push(line);
    expect(lines.map((l) => JSON.parse(l) as object)).toEqual([
      expect.objectContaining({ image: 'b', label: '2', category: 'dog' }),
    ]);
  } finally {
    await repo.close();
  }
  // What the composed repository wrote is the repository folder's: opening it reads the label.
  const reopened = await verso.openRepository(root);
  try {
    expect(await verso.countLabels(reopened, 'main')).toMatchObject({ labels: 1 });
  } finally {
    await reopened.close();
  }
});

it('a memory chunk store holds what it is given', async () => {
  const store = new verso.MemoryChunkStore();
  const bytes = new TextEncoder().encode('chunk');
  const hash = new Uint8Array(createHash('sha256').update(bytes).digest());
  store.put(hash, bytes);
  await store.flush();
  expect(await store.get(hash)).toEqual(bytes);
  await store.close();
});

it('a repository opened through the surface writes and reads with its own identity and clock', async () => {
  const root = join(dir, 'repo');
  const clock: verso.Clock = {
    now: () => new Date('2026-05-06T07:08:09Z'),
    queryNow: () => Date.parse('2026-05-06T07:08:09Z'),
  };
  await verso.initRepository(root, { clock });
  const repo = await verso.openRepository(root, { identity: { author: 'lib-user' }, clock });
  try {
    const file = join(dir, 'labels.jsonl');
    writeFileSync(file, JSON.stringify({ image: 'a', label: '1', category: 'car' }) + '\n');
    const r = await verso.importLabels(repo, { file, branch: 'main' });
    expect(r.committed).toBe(true);
    const shown = await verso.showCommit(repo, 'main');
    expect(shown).toMatchObject({ author: 'lib-user', time: '2026-05-06T07:08:09.000Z' });
    const lines: string[] = [];
    for await (const line of verso.catLabels(repo, 'main')) lines.push(line);
    expect(lines.map((l) => JSON.parse(l) as object)).toEqual([
      expect.objectContaining({ image: 'a', label: '1', category: 'car' }),
    ]);
  } finally {
    await repo.close();
  }
});

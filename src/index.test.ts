/**
 * The public library surface, used as a program embedding Verso would: every feature's verbs
 * reachable from `src/index.ts`, and a repository composed there carries the identity and
 * clock it was given through a write and a read.
 */
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
  ] as const;
  for (const v of verbs) expect(typeof verso[v], v).toBe('function');
  expect(new verso.VersoError('NotFound', 'INVALID_ARGUMENT', 'm')).toBeInstanceOf(Error);
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

/**
 * A `merge commit` that died after moving the branch but before deleting its pending record
 * leaves the record behind; it must not block the branch: `merge commit` reports the landed
 * commit, and a new merge into the branch goes ahead.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MergeConflictError } from './merge-errors.js';
import { applyEdits } from '../write/apply-edits.js';
import { importLabels } from '../ingest/import-labels.js';
import { initRepository } from '../repository/init-repository.js';
import { merge } from './merge.js';
import { commitMerge } from './merge-commit.js';
import { resolveConflicts } from './merge-resolve.js';
import { createBranch } from '../repository/refs.js';
import { type Repository } from '../repository/repository.js';
import { openRepository } from '../repository/compose.js';

let dir: string;
let repo: Repository;

const put = (x: number) => ({
  op: 'put',
  image: 'a',
  label: '1',
  category_id: 1,
  bbox: [x, 0, 5, 5],
});

function jsonl(name: string, rows: readonly object[]): string {
  const file = join(dir, name);
  writeFileSync(file, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
  return file;
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'verso-merge-recovery-'));
  await initRepository(join(dir, 'repo'));
  repo = await openRepository(join(dir, 'repo'));
  const { op: _op, ...base } = put(0);
  void _op;
  await importLabels(repo, { file: jsonl('base.jsonl', [base]), branch: 'main' });
  await createBranch(repo, 'dev');
  await applyEdits(repo, { file: jsonl('ours.jsonl', [put(1)]), branch: 'main' });
  await applyEdits(repo, { file: jsonl('theirs.jsonl', [put(2)]), branch: 'dev' });
});
afterEach(async () => {
  await repo.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('a pending merge whose commit already landed', () => {
  it('is settled by merge commit and no longer blocks new merges', async () => {
    await expect(merge(repo, { source: 'dev', into: 'main' })).rejects.toBeInstanceOf(
      MergeConflictError,
    );
    await resolveConflicts(repo, { into: 'main', all: true, choice: 'theirs' });
    const leftover = (await repo.catalog.getPendingMerge('main'))!.state;
    const landed = await commitMerge(repo, 'main');
    expect(await repo.catalog.getPendingMerge('main')).toBeUndefined();

    // The crash window: the branch moved, the record is still there.
    await repo.catalog.putPendingMerge('main', leftover, null);
    const again = await commitMerge(repo, 'main');
    expect(again.commit).toBe(landed.commit);
    expect(await repo.catalog.getPendingMerge('main')).toBeUndefined();

    await repo.catalog.putPendingMerge('main', leftover, null);
    expect(await merge(repo, { source: 'dev', into: 'main' })).toMatchObject({
      status: 'up-to-date',
    });
    expect(await repo.catalog.getPendingMerge('main')).toBeUndefined();
  });
});

/**
 * MOT Challenge round trip on the real MOT15 files: import, export, re-import gives the same
 * snapshot (no new commit) and every row back (numbers in their shortest form); rows that
 * linear interpolation reproduces are not stored as keyframes.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countEntries } from '../../tree/read.js';
import { treeRoot } from '../../vcs/snapshot.js';
import { motNumber } from '../../formats/mot/write-mot.js';
import { openRepository } from '../repository/compose.js';
import { initRepository } from '../repository/init-repository.js';
import type { Repository } from '../repository/repository.js';
import { branchHead } from '../write/branch-head.js';
import { exportSnapshot } from './export.js';
import { importMot } from './import-mot.js';

const MOT = join(__dirname, '../../../../shared/data/real/mot/SU-T/motmetrics/data');
const CASES = [
  ['TUD-Campus/gt.txt', 'campus'],
  ['TUD-Stadtmitte/gt.txt', 'stadtmitte'],
  ['TUD-Campus/test.txt', 'campus-test'],
  ['TUD-Stadtmitte/test.txt', 'stadtmitte-test'],
] as const;

let dir: string;
let repo: Repository;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'verso-mot-'));
  await initRepository(join(dir, 'repo'));
  repo = await openRepository(join(dir, 'repo'));
});
afterAll(async () => {
  await repo.close();
  rmSync(dir, { recursive: true, force: true });
});

const normalized = (text: string) =>
  text
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '')
    .map((l) =>
      l
        .split(',')
        .map((c) => motNumber(Number(c)))
        .join(','),
    );

describe('MOT round trip', () => {
  it.each(CASES)('%s comes back row for row', async (file, sequence) => {
    const path = join(MOT, file);
    const imported = await importMot(repo, { path, branch: 'main', sequence });
    const rows = normalized(readFileSync(path, 'utf8'));
    expect(imported.records.keyframes).toBeLessThanOrEqual(rows.length + imported.records.tracks);

    const out = join(dir, `out-${sequence}`);
    await exportSnapshot(repo, { ref: 'main', format: 'mot', out });
    const written = readFileSync(join(out, sequence, 'gt', 'gt.txt'), 'utf8');
    expect(normalized(written)).toEqual(rows);

    const before = (await branchHead(repo, 'main')).head;
    const again = await importMot(repo, {
      path: join(out, sequence, 'gt', 'gt.txt'),
      branch: 'main',
      sequence,
    });
    expect(again.committed).toBe(false);
    expect((await branchHead(repo, 'main')).head).toBe(before);
  });

  it('stores fewer keyframes than rows where boxes move linearly', async () => {
    const { snapshot } = await branchHead(repo, 'main');
    const stored = await countEntries(repo.nodes, treeRoot(snapshot, 'keyframes'));
    const rows = CASES.reduce(
      (n, [file]) => n + normalized(readFileSync(join(MOT, file), 'utf8')).length,
      0,
    );
    expect(stored).toBeLessThan(rows);
  });
});

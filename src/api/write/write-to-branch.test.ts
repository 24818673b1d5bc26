/**
 * The writer skeleton on a real embedded repository: the commit builds on the head read under
 * the lease and reports the writer's counts beside it; a writer that throws, or loses the race
 * to another commit, leaves the branch where it was and releases its lease; a branch that does
 * not exist is refused before anything is built. And the composition root: the clock, identity
 * and limits a repository is opened with stamp its commits and ref moves.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VersoError } from '../../core/errors.js';
import { RefUpdateRaceError } from '../../catalog/catalog-errors.js';
import { RefNotFoundError } from '../../vcs/ref-errors.js';
import { getCommit } from '../../vcs/commit.js';
import { collectGarbage } from '../maintenance/gc.js';
import type { Clock } from '../repository/identity.js';
import type { CommitMaintainer } from './commit-maintainer.js';
import { initRepository } from '../repository/init-repository.js';
import { type Repository } from '../repository/repository.js';
import { openRepository } from '../repository/compose.js';
import { branchHead } from './branch-head.js';
import { commitToBranch } from './commit-to-branch.js';
import { writeToBranch } from './write-to-branch.js';

const FIXED = '2026-03-04T05:06:07.000Z';
const clock: Clock = { now: () => new Date(FIXED), queryNow: () => Date.parse(FIXED) };

let dir: string;
let repo: Repository;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'verso-write-'));
  await initRepository(join(dir, 'repo'), { identity: { author: 'init-bot' }, clock });
  repo = await openRepository(join(dir, 'repo'), { identity: { author: 'ada' }, clock });
});
afterEach(async () => {
  await repo.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('writeToBranch', () => {
  it('commits what the writer built on the head and returns its report', async () => {
    const before = await branchHead(repo, 'main');
    const r = await writeToBranch(repo, 'main', async (base) => {
      expect(base.head).toBe(before.head);
      return {
        snapshot: { ...base.snapshot, schema: 'v1' },
        message: 'set schema',
        operations: { op: 'test' },
        report: { answer: 42 },
      };
    });
    expect(r).toMatchObject({ committed: true, answer: 42 });
    const after = await branchHead(repo, 'main');
    expect(after.head).toBe(r.commit);
    expect(after.snapshot.schema).toBe('v1');
    const c = await getCommit(repo.chunks, r.commit);
    expect(c).toMatchObject({ parents: [before.head], author: 'ada', time: FIXED });
    expect(c.message).toBe('set schema');
    const [move] = await repo.catalog.readRefLog({ ref: 'main', limit: 1 });
    expect(move).toMatchObject({ author: 'ada', operation: 'commit: test' });
  });

  it('an unchanged snapshot makes no commit', async () => {
    const before = await branchHead(repo, 'main');
    const r = await writeToBranch(repo, 'main', async (base) => ({
      snapshot: base.snapshot,
      message: 'nothing',
      operations: { op: 'test' },
      report: {},
    }));
    expect(r).toEqual({ commit: before.head, snapshot: expect.any(String), committed: false });
    expect((await branchHead(repo, 'main')).head).toBe(before.head);
  });

  it('a writer that throws moves nothing and releases its lease', async () => {
    const before = await branchHead(repo, 'main');
    const failure = new VersoError('InvalidInput', 'INVALID_ARGUMENT', 'bad input');
    await expect(
      writeToBranch(repo, 'main', async () => {
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect((await branchHead(repo, 'main')).head).toBe(before.head);
    await expect(collectGarbage(repo)).resolves.toBeDefined(); // gc needs no writer holding on
  });

  it('a writer that loses the race to another commit gets RefUpdateRaceError', async () => {
    let other = '';
    await expect(
      writeToBranch(repo, 'main', async (base) => {
        const moved = await commitToBranch(repo, {
          branch: 'main',
          expectedHead: base.head,
          snapshot: { ...base.snapshot, schema: 'other' },
          message: 'other writer',
          operations: { op: 'other' },
        });
        other = moved.commit;
        return {
          snapshot: { ...base.snapshot, schema: 'mine' },
          message: 'mine',
          operations: { op: 'test' },
          report: {},
        };
      }),
    ).rejects.toBeInstanceOf(RefUpdateRaceError);
    expect((await branchHead(repo, 'main')).head).toBe(other);
  });

  it('a branch that does not exist is refused before the writer builds anything', async () => {
    let built = false;
    await expect(
      writeToBranch(repo, 'nope', async (base) => {
        built = true;
        return { snapshot: base.snapshot, message: '', operations: {}, report: {} };
      }),
    ).rejects.toBeInstanceOf(RefNotFoundError);
    expect(built).toBe(false);
  });
});

describe('the composition root', () => {
  it('runs the maintainers it registered in order: staged before the flush, recorded after the commit row and before the ref moves', async () => {
    const events: string[] = [];
    const spy = (name: string): CommitMaintainer<Repository> => ({
      name,
      async stage(r, facts) {
        events.push(
          `stage ${name}: head moved ${(await branchHead(r, 'main')).head === facts.commit}`,
        );
        return async () => {
          const indexed = (await r.catalog.getCommit(facts.commit)) !== undefined;
          const moved = (await branchHead(r, 'main')).head === facts.commit;
          events.push(`record ${name}: commit indexed ${indexed}, head moved ${moved}`);
        };
      },
    });
    const root = join(dir, 'spied');
    await initRepository(root);
    const r = await openRepository(root, { maintainers: [spy('a'), spy('b')] });
    try {
      await writeToBranch(r, 'main', async (base) => ({
        snapshot: { ...base.snapshot, schema: 'v1' },
        message: 'spied',
        operations: { op: 'test' },
        report: {},
      }));
      expect(events).toEqual([
        'stage a: head moved false',
        'stage b: head moved false',
        'record a: commit indexed true, head moved false',
        'record b: commit indexed true, head moved false',
      ]);
    } finally {
      await r.close();
    }
  });

  it('the standard maintainers index the new trees and record blame', async () => {
    const r = await writeToBranch(repo, 'main', async (base) => ({
      snapshot: { ...base.snapshot, schema: 'v3' },
      message: 'indexed',
      operations: { op: 'test' },
      report: {},
    }));
    expect(repo.maintainers.map((m) => m.name)).toEqual(['secondary indexes', 'blame']);
    expect(await repo.catalog.derived.getBlameRoot(r.commit)).toBeDefined();
  });

  it('init stamps the root commit with the identity and clock it was given', async () => {
    const c = await getCommit(repo.chunks, (await branchHead(repo, 'main')).head);
    expect(c).toMatchObject({ author: 'init-bot', time: FIXED, parents: [] });
  });

  it('an explicit author wins over the identity', async () => {
    const r = await writeToBranch(repo, 'main', async (base) => ({
      snapshot: { ...base.snapshot, schema: 'v2' },
      message: 'by someone',
      author: 'grace',
      operations: { op: 'test' },
      report: {},
    }));
    expect((await getCommit(repo.chunks, r.commit)).author).toBe('grace');
  });
});

describe('commitToBranch when the catalog loses the answer to the ref move', () => {
  /** The catalog's updateRef throws CATALOG_WRITE_UNKNOWN once, after applying the move or not. */
  function loseAnswerOnce(applied: boolean): void {
    const real = repo.catalog.updateRef.bind(repo.catalog);
    let lost = false;
    repo.catalog.updateRef = async (...args) => {
      if (lost) return real(...args);
      lost = true;
      if (applied) await real(...args);
      throw new VersoError('Internal', 'CATALOG_WRITE_UNKNOWN', 'connection lost during updateRef');
    };
  }

  for (const applied of [true, false])
    it(`commits once when the lost move was ${applied ? '' : 'not '}applied`, async () => {
      const before = await branchHead(repo, 'main');
      loseAnswerOnce(applied);
      const r = await commitToBranch(repo, {
        branch: 'main',
        expectedHead: before.head,
        snapshot: { ...before.snapshot, schema: 'v2' },
        message: 'after a lost answer',
        operations: { op: 'test' },
      });
      expect((await branchHead(repo, 'main')).head).toBe(r.commit);
      const log = await repo.catalog.readRefLog({ ref: 'main' });
      expect(log.filter((e) => e.to === r.commit)).toHaveLength(1);
    });
});

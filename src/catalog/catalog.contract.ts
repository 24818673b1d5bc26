/**
 * The Catalog contract suite (layer: catalog, tests only).
 *
 * Every backend runs these same tests through `describeCatalogContract`, given a factory for a
 * fresh, empty catalog; `reopen` (close, then open the same storage) is optional. One test per
 * clause of the contract in `catalog.ts`: ref compare-and-swap, tags, the shared namespace, the
 * ref log, the commit index, config and leases.
 */
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SchemaVersionNotFoundError } from '../core/errors.js';
import {
  LineageRecordExistsError,
  LineageRecordImmutableError,
  LineageRecordNotFoundError,
  MergeInProgressError,
  PendingMergeRaceError,
  RefExistsError,
  RefUpdateRaceError,
  RepositoryBusyError,
  RunFinishedError,
  SchemaVersionExistsError,
} from './catalog-errors.js';
import { sha256Hex } from '../core/hash.js';
import type { ChunkHash } from '../core/hash.js';
import type {
  Catalog,
  CommitIndexEntry,
  LeaseHolder,
  LeaseRecord,
  PredictionRecord,
  RefLogEntry,
  RunRecord,
  SchemaVersionRecord,
} from './catalog.js';

export interface CatalogHarness {
  readonly catalog: Catalog;
  readonly reopen?: () => Promise<Catalog>;
  cleanup(): Promise<void>;
}

const A = sha256Hex(new TextEncoder().encode('a'));
const B = sha256Hex(new TextEncoder().encode('b'));
const C = sha256Hex(new TextEncoder().encode('c'));
const ME: LeaseHolder = { pid: 1001, host: 'test-host' };
const never = (): boolean => false;

/** A fake commit id: `prefix` padded with zeros to 64 hex chars. */
function id(prefix: string): ChunkHash {
  return prefix.padEnd(64, '0') as ChunkHash;
}

function run(runId: string, at: ChunkHash): RunRecord {
  return {
    id: runId,
    datasetRef: 'v1',
    commit: at,
    filter: 'class = cat',
    schema: null,
    exampleSet: B,
    exampleCount: 3,
    params: { lr: '0.1' },
    author: 'ann',
    startedAt: '2024-01-02T03:04:05.000Z',
    finishedAt: null,
    status: 'running',
    vectors: null,
  };
}

function prediction(
  predId: string,
  model: string,
  vector: Uint8Array | null = null,
): PredictionRecord {
  const time = '2024-01-03T00:00:00.000Z';
  return { id: predId, model, image: 'img1', output: '{"c":1}', time, externalId: null, vector };
}

function commit(
  commitId: ChunkHash,
  parents: readonly ChunkHash[] = [],
  generation = 1,
): CommitIndexEntry {
  return { id: commitId, snapshot: A, parents, generation, time: '2024-01-02T03:04:05.000Z' };
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.fail('expected a rejection'),
    (error: unknown) => error,
  );
}

export function describeCatalogContract(name: string, create: () => Promise<CatalogHarness>): void {
  describe(`Catalog contract: ${name}`, () => {
    let h: CatalogHarness;
    let cat: Catalog;
    beforeEach(async () => {
      h = await create();
      cat = h.catalog;
    });
    afterEach(async () => {
      await h.cleanup();
    });

    describe('refs', () => {
      it('creates a ref when expected is null and reads it back', async () => {
        expect(await cat.getRef('main')).toBeUndefined();
        await cat.updateRef('main', 'branch', null, A);
        const ref = await cat.getRef('main');
        expect(ref).toMatchObject({ name: 'main', kind: 'branch', target: A });
        expect(Number.isNaN(Date.parse(ref?.updatedAt ?? ''))).toBe(false);
      });

      it('refuses to create a ref whose name is taken (RefExistsError)', async () => {
        await cat.updateRef('main', 'branch', null, A);
        const error = await rejection(cat.updateRef('main', 'branch', null, B));
        expect(error).toBeInstanceOf(RefExistsError);
        expect((error as RefExistsError).data).toEqual({ ref: 'main' });
        expect((await cat.getRef('main'))?.target).toBe(A);
      });

      it('moves a ref when expected matches', async () => {
        await cat.updateRef('main', 'branch', null, A);
        await cat.updateRef('main', 'branch', A, B);
        expect((await cat.getRef('main'))?.target).toBe(B);
      });

      it('refuses a move from a stale expected, naming expected and actual', async () => {
        await cat.updateRef('main', 'branch', null, A);
        await cat.updateRef('main', 'branch', A, B);
        const error = await rejection(cat.updateRef('main', 'branch', A, C));
        expect(error).toBeInstanceOf(RefUpdateRaceError);
        expect((error as RefUpdateRaceError).data).toEqual({ ref: 'main', expected: A, actual: B });
        expect((await cat.getRef('main'))?.target).toBe(B);
      });

      it('refuses to move a ref that does not exist (actual null)', async () => {
        const error = await rejection(cat.updateRef('ghost', 'branch', A, B));
        expect(error).toBeInstanceOf(RefUpdateRaceError);
        expect((error as RefUpdateRaceError).data).toEqual({
          ref: 'ghost',
          expected: A,
          actual: null,
        });
        expect(await cat.getRef('ghost')).toBeUndefined();
      });

      it('deletes a ref when expected matches and next is null', async () => {
        await cat.updateRef('topic', 'branch', null, A);
        const error = await rejection(cat.updateRef('topic', 'branch', B, null));
        expect(error).toBeInstanceOf(RefUpdateRaceError);
        expect((await cat.getRef('topic'))?.target).toBe(A);
        await cat.updateRef('topic', 'branch', A, null);
        expect(await cat.getRef('topic')).toBeUndefined();
        await cat.updateRef('topic', 'branch', null, B);
        expect((await cat.getRef('topic'))?.target).toBe(B);
      });

      it('lets exactly one of many concurrent compare-and-swaps win', async () => {
        await cat.updateRef('main', 'branch', null, A);
        const nexts = Array.from({ length: 10 }, (_, i) => sha256Hex(new Uint8Array([i])));
        const results = await Promise.allSettled(
          nexts.map((next) => cat.updateRef('main', 'branch', A, next)),
        );
        const won = results.flatMap((result, i) =>
          result.status === 'fulfilled' ? [nexts[i]] : [],
        );
        expect(won).toHaveLength(1);
        for (const result of results) {
          if (result.status === 'rejected')
            expect(result.reason).toBeInstanceOf(RefUpdateRaceError);
        }
        expect((await cat.getRef('main'))?.target).toBe(won[0]);
      });

      it('makes tags immutable: moving or deleting one throws RefExistsError', async () => {
        await cat.updateRef('v1', 'tag', null, A);
        expect(await cat.getRef('v1')).toMatchObject({ kind: 'tag', target: A });
        expect(await rejection(cat.updateRef('v1', 'tag', A, B))).toBeInstanceOf(RefExistsError);
        expect(await rejection(cat.updateRef('v1', 'tag', A, null))).toBeInstanceOf(RefExistsError);
        expect(await rejection(cat.updateRef('v1', 'tag', null, B))).toBeInstanceOf(RefExistsError);
        expect(await rejection(cat.updateRef('v1', 'branch', A, B))).toBeInstanceOf(RefExistsError);
        expect((await cat.getRef('v1'))?.target).toBe(A);
      });

      it('shares one namespace between branches and tags', async () => {
        await cat.updateRef('x', 'branch', null, A);
        expect(await rejection(cat.updateRef('x', 'tag', null, A))).toBeInstanceOf(RefExistsError);
        await cat.updateRef('y', 'tag', null, A);
        expect(await rejection(cat.updateRef('y', 'branch', null, A))).toBeInstanceOf(
          RefExistsError,
        );
        expect((await cat.getRef('x'))?.kind).toBe('branch');
        expect((await cat.getRef('y'))?.kind).toBe('tag');
      });

      it('refuses to update a branch under the wrong kind (RefUpdateRaceError)', async () => {
        await cat.updateRef('main', 'branch', null, A);
        const error = await rejection(cat.updateRef('main', 'tag', A, B));
        expect(error).toBeInstanceOf(RefUpdateRaceError);
        expect((error as RefUpdateRaceError).data).toMatchObject({ ref: 'main', actual: A });
        expect(await cat.getRef('main')).toMatchObject({ kind: 'branch', target: A });
      });

      it('lists refs sorted by name, optionally of one kind', async () => {
        for (const [refName, kind] of [
          ['b', 'branch'],
          ['v2', 'tag'],
          ['a', 'branch'],
          ['v10', 'tag'],
          ['Z', 'branch'],
        ] as const) {
          await cat.updateRef(refName, kind, null, A);
        }
        expect((await cat.listRefs()).map((ref) => ref.name)).toEqual(['Z', 'a', 'b', 'v10', 'v2']);
        expect((await cat.listRefs('branch')).map((ref) => ref.name)).toEqual(['Z', 'a', 'b']);
        expect((await cat.listRefs('tag')).map((ref) => ref.name)).toEqual(['v10', 'v2']);
        expect(
          (await cat.listRefs('tag')).every((ref) => ref.kind === 'tag' && ref.target === A),
        ).toBe(true);
      });
    });

    describe('ref log', () => {
      const note = (operation: string, message?: string) => ({
        operation,
        author: 'ann <ann@example.test>',
        ...(message === undefined ? {} : { message }),
      });
      const moves = (entries: readonly RefLogEntry[]) =>
        entries.map((e) => [e.ref, e.from, e.to, e.operation]);

      it('appends one entry per create, move and delete, newest first, with who and why', async () => {
        await cat.updateRef('main', 'branch', null, A, note('init'));
        await cat.updateRef('main', 'branch', A, B, note('commit: import', 'add labels'));
        await cat.updateRef('v1', 'tag', null, B, note('tag create'));
        await cat.updateRef('main', 'branch', B, null, note('branch delete'));
        const log = await cat.readRefLog();
        expect(moves(log)).toEqual([
          ['main', B, null, 'branch delete'],
          ['v1', null, B, 'tag create'],
          ['main', A, B, 'commit: import'],
          ['main', null, A, 'init'],
        ]);
        expect(log[2]).toMatchObject({
          kind: 'branch',
          author: 'ann <ann@example.test>',
          message: 'add labels',
        });
        expect(log[1]).toMatchObject({ kind: 'tag', message: '' });
        expect(log.every((e) => !Number.isNaN(Date.parse(e.time)))).toBe(true);
        const seqs = log.map((e) => e.seq);
        expect([...seqs].sort((a, b) => b - a)).toEqual(seqs);
        expect(new Set(seqs).size).toBe(seqs.length);
      });

      it('keeps the history of a deleted ref, per ref name and with a limit', async () => {
        await cat.updateRef('topic', 'branch', null, A, note('branch create'));
        await cat.updateRef('other', 'branch', null, C, note('branch create'));
        await cat.updateRef('topic', 'branch', A, B, note('commit: apply'));
        await cat.updateRef('topic', 'branch', B, null, note('branch delete'));
        expect(await cat.getRef('topic')).toBeUndefined();
        expect(moves(await cat.readRefLog({ ref: 'topic' }))).toEqual([
          ['topic', B, null, 'branch delete'],
          ['topic', A, B, 'commit: apply'],
          ['topic', null, A, 'branch create'],
        ]);
        expect(moves(await cat.readRefLog({ ref: 'topic', limit: 1 }))).toEqual([
          ['topic', B, null, 'branch delete'],
        ]);
        expect(await cat.readRefLog({ ref: 'never-existed' })).toEqual([]);
      });

      it('appends nothing for a refused update', async () => {
        await cat.updateRef('main', 'branch', null, A, note('init'));
        await cat.updateRef('v1', 'tag', null, A, note('tag create'));
        await rejection(cat.updateRef('main', 'branch', B, C, note('stale')));
        await rejection(cat.updateRef('main', 'branch', null, C, note('taken')));
        await rejection(cat.updateRef('v1', 'tag', A, null, note('tags never move')));
        await rejection(cat.updateRef('ghost', 'branch', A, B, note('missing')));
        expect(moves(await cat.readRefLog())).toEqual([
          ['v1', null, A, 'tag create'],
          ['main', null, A, 'init'],
        ]);
      });

      it('names the operation create, move or delete when no note is given', async () => {
        await cat.updateRef('main', 'branch', null, A);
        await cat.updateRef('main', 'branch', A, B);
        await cat.updateRef('main', 'branch', B, null);
        const log = await cat.readRefLog({ ref: 'main' });
        expect(log.map((e) => e.operation)).toEqual(['delete', 'move', 'create']);
        expect(log.every((e) => e.author === '' && e.message === '')).toBe(true);
      });

      it('logs exactly the updates that succeed, for any sequence of updates (model-based)', async () => {
        let run = 0;
        const target = fc.constantFrom<ChunkHash | null>(null, A, B, C);
        const op = fc.record({ ref: fc.constantFrom('x', 'y'), expected: target, next: target });
        await fc.assert(
          fc.asyncProperty(fc.array(op, { maxLength: 16 }), async (ops) => {
            const prefix = `run${run++}/`;
            const model = new Map<string, ChunkHash>();
            const logged: (string | null)[][] = [];
            for (const { ref, expected, next } of ops) {
              const name = prefix + ref;
              const current = model.get(name) ?? null;
              const done = await cat.updateRef(name, 'branch', expected, next, note('op')).then(
                () => true,
                () => false,
              );
              expect(done).toBe(current === expected);
              if (!done || (current === null && next === null)) continue;
              logged.push([name, current, next]);
              if (next === null) model.delete(name);
              else model.set(name, next);
            }
            const log = (await cat.readRefLog()).filter((e) => e.ref.startsWith(prefix));
            expect(log.reverse().map((e) => [e.ref, e.from, e.to])).toEqual(logged);
          }),
          { seed: 2, numRuns: 60 },
        );
      });

      it('logs exactly the winners of concurrent compare-and-swaps, as one unbroken chain', async () => {
        await cat.updateRef('main', 'branch', null, A, note('init'));
        let head = A;
        for (let round = 0; round < 5; round++) {
          const nexts = Array.from({ length: 6 }, (_, i) => sha256Hex(new Uint8Array([round, i])));
          const results = await Promise.allSettled(
            nexts.map((next) => cat.updateRef('main', 'branch', head, next, note('race'))),
          );
          const winner = nexts.find((_, i) => results[i]!.status === 'fulfilled');
          head = winner!;
        }
        const log = await cat.readRefLog({ ref: 'main' });
        expect(log).toHaveLength(6);
        expect(log[0]!.to).toBe(head);
        for (let i = 0; i + 1 < log.length; i++) expect(log[i]!.from).toBe(log[i + 1]!.to);
      });
    });

    describe('commit index', () => {
      it('records a commit idempotently and reads it back', async () => {
        const root = commit(id('aa'));
        const child = commit(id('ab'), [id('aa'), id('cc')], 2);
        await cat.recordCommit(root);
        await cat.recordCommit(child);
        await cat.recordCommit(child);
        expect(await cat.getCommit(id('aa'))).toEqual(root);
        expect(await cat.getCommit(id('ab'))).toEqual(child);
        expect(await cat.getCommit(id('ff'))).toBeUndefined();
        expect(await cat.findCommitsByPrefix('ab', 10)).toEqual([id('ab')]);
      });

      it('finds commits by prefix, in id order, at most limit, without spilling into neighbours', async () => {
        const ids = ['a8', 'a9', 'a9f', 'a9ff', 'aa', 'af', 'b0', '9f', 'ff'].map(id);
        for (const commitId of ids) await cat.recordCommit(commit(commitId));
        expect(await cat.findCommitsByPrefix('a9', 10)).toEqual([id('a9'), id('a9f'), id('a9ff')]);
        expect(await cat.findCommitsByPrefix('a9', 2)).toEqual([id('a9'), id('a9f')]);
        expect(await cat.findCommitsByPrefix('af', 10)).toEqual([id('af')]);
        expect(await cat.findCommitsByPrefix('9', 10)).toEqual([id('9f')]);
        expect(await cat.findCommitsByPrefix('f', 10)).toEqual([id('ff')]);
        expect(await cat.findCommitsByPrefix(id('a9f'), 10)).toEqual([id('a9f')]);
        expect(await cat.findCommitsByPrefix('c', 10)).toEqual([]);
        expect(await cat.findCommitsByPrefix('', 3)).toEqual([id('9f'), id('a8'), id('a9')]);
        expect(await cat.findCommitsByPrefix('a', 0)).toEqual([]);
      });
    });

    describe('pending merges', () => {
      it('creates, replaces by version, and deletes a branch pending merge', async () => {
        expect(await cat.getPendingMerge('main')).toBeUndefined();
        expect(await cat.putPendingMerge('main', '{"a":1}', null)).toBe(1);
        expect(await cat.putPendingMerge('main', '{"a":2}', 1)).toBe(2);
        const got = await cat.getPendingMerge('main');
        expect(got).toMatchObject({ branch: 'main', version: 2, state: '{"a":2}' });
        expect(await cat.getPendingMerge('dev')).toBeUndefined();
        expect((await cat.listPendingMerges()).map((p) => [p.branch, p.version])).toEqual([
          ['main', 2],
        ]);
        expect(await cat.deletePendingMerge('main', 1)).toBe(false);
        expect(await cat.deletePendingMerge('main', 2)).toBe(true);
        expect(await cat.deletePendingMerge('main')).toBe(false);
        expect(await cat.getPendingMerge('main')).toBeUndefined();
      });

      it('refuses a second pending merge into the same branch', async () => {
        await cat.putPendingMerge('main', '{}', null);
        expect(await rejection(cat.putPendingMerge('main', '{}', null))).toBeInstanceOf(
          MergeInProgressError,
        );
        expect(await cat.putPendingMerge('dev', '{}', null)).toBe(1);
      });

      it('refuses a replace from a stale version (no lost resolution)', async () => {
        await cat.putPendingMerge('main', 'v1', null);
        await cat.putPendingMerge('main', 'v2', 1);
        expect(await rejection(cat.putPendingMerge('main', 'lost', 1))).toBeInstanceOf(
          PendingMergeRaceError,
        );
        expect((await cat.getPendingMerge('main'))?.state).toBe('v2');
      });
    });

    // ---- schema registry
    describe('schema registry', () => {
      const version = (name: string, parent: string | null, at: string): SchemaVersionRecord => ({
        name,
        parent,
        delta: `[{"op":"add_class","class":{"id":1,"name":"${name}"}}]`,
        author: 'Ada',
        createdAt: at,
        message: `version ${name}`,
      });

      it('stores versions immutably and lists them in creation order', async () => {
        const v1 = version('1.0', null, '2026-03-01T00:00:00.000Z');
        const v2 = version('1.1', '1.0', '2026-02-01T00:00:00.000Z');
        await cat.createSchemaVersion(v1);
        await cat.createSchemaVersion(v2);
        expect(await cat.getSchemaVersion('1.1')).toEqual(v2);
        expect(await cat.getSchemaVersion('9.9')).toBeUndefined();
        expect(await cat.listSchemaVersions()).toEqual([v1, v2]);
        const again = await rejection(cat.createSchemaVersion({ ...v2, message: 'changed' }));
        expect(again).toBeInstanceOf(SchemaVersionExistsError);
        expect(await cat.getSchemaVersion('1.1')).toEqual(v2);
      });

      it('refuses a version whose parent is not stored', async () => {
        const orphan = await rejection(
          cat.createSchemaVersion(version('2.0', 'ghost', '2026-03-01T00:00:00.000Z')),
        );
        expect(orphan).toBeInstanceOf(SchemaVersionNotFoundError);
        expect(await cat.listSchemaVersions()).toEqual([]);
      });
    });

    describe('config', () => {
      it('gets, sets and overwrites values', async () => {
        expect(await cat.getConfig('user.name')).toBeUndefined();
        await cat.setConfig('user.name', 'Ada');
        await cat.setConfig('user.name', 'Grace');
        await cat.setConfig('core.other', '');
        expect(await cat.getConfig('user.name')).toBe('Grace');
        expect(await cat.getConfig('core.other')).toBe('');
      });
    });

    describe('leases', () => {
      it('grants concurrent writer leases with distinct ids', async () => {
        const first = await cat.acquireLease('writer', ME, never);
        const second = await cat.acquireLease('writer', { pid: 1002, host: 'other' }, never);
        expect(first).not.toBe(second);
      });

      it('refuses gc while a writer lease is live, and writers while gc is', async () => {
        const writer = await cat.acquireLease('writer', ME, never);
        const error = await rejection(cat.acquireLease('gc', ME, never));
        expect(error).toBeInstanceOf(RepositoryBusyError);
        expect((error as RepositoryBusyError).code).toBe('REPOSITORY_BUSY');
        await cat.releaseLease(writer);
        const gc = await cat.acquireLease('gc', ME, never);
        expect(await rejection(cat.acquireLease('writer', ME, never))).toBeInstanceOf(
          RepositoryBusyError,
        );
        expect(await rejection(cat.acquireLease('gc', ME, never))).toBeInstanceOf(
          RepositoryBusyError,
        );
        await cat.releaseLease(gc);
        await cat.acquireLease('writer', ME, never);
      });

      it('removes leases that isStale judges dead, passing it the full record', async () => {
        const dead: LeaseHolder = { pid: 4242, host: 'gone' };
        const deadId = await cat.acquireLease('writer', dead, never);
        const seen: LeaseRecord[] = [];
        const gc = await cat.acquireLease('gc', ME, (lease) => {
          seen.push(lease);
          return lease.pid === dead.pid;
        });
        expect(seen).toHaveLength(1);
        expect(seen[0]).toMatchObject({ id: deadId, kind: 'writer', pid: 4242, host: 'gone' });
        expect(Number.isNaN(Date.parse(seen[0]?.acquiredAt ?? ''))).toBe(false);
        await cat.releaseLease(gc);
        // The stale writer is gone for good: a gc that trusts every lease now succeeds.
        await cat.releaseLease(await cat.acquireLease('gc', ME, never));
      });

      it('releases leases; releasing an unknown id is a no-op', async () => {
        const gc = await cat.acquireLease('gc', ME, never);
        await cat.releaseLease(gc);
        await cat.releaseLease(gc);
        await cat.releaseLease(987654);
        await cat.releaseLease(await cat.acquireLease('gc', ME, never));
      });
    });

    describe('derived data', () => {
      it('keeps the first index per (kind, source, format), replaces on compaction, deletes exactly what it is told', async () => {
        const rec = {
          kind: 'labels' as const,
          source: A,
          index: B,
          adds: null,
          removes: C,
          format: 1,
        };
        await cat.derived.putTreeIndex(rec);
        await cat.derived.putTreeIndex({ ...rec, index: C });
        expect(await cat.derived.getTreeIndex('labels', A, 1)).toEqual(rec);
        expect(await cat.derived.getTreeIndex('labels', A, 2)).toBeUndefined();
        expect(await cat.derived.getTreeIndex('reviews', A, 1)).toBeUndefined();
        const compacted = { ...rec, index: C, removes: null };
        await cat.derived.replaceTreeIndex(compacted);
        expect(await cat.derived.getTreeIndex('labels', A, 1)).toEqual(compacted);
        const reviews = {
          kind: 'reviews' as const,
          source: A,
          index: C,
          adds: B,
          removes: null,
          format: 1,
        };
        await cat.derived.putTreeIndex(reviews);
        expect(await cat.derived.listTreeIndexes()).toHaveLength(2);
        await cat.derived.deleteTreeIndexes([rec]);
        expect(await cat.derived.listTreeIndexes()).toEqual([reviews]);
      });

      it('keeps blame roots per commit and numbers commits stably', async () => {
        await cat.derived.putBlameRoot({ commit: A, root: B });
        await cat.derived.putBlameRoot({ commit: A, root: C });
        expect(await cat.derived.getBlameRoot(A)).toBe(B);
        expect(await cat.derived.listBlameRoots()).toEqual([{ commit: A, root: B }]);
        await cat.derived.deleteBlameRoots([A]);
        expect(await cat.derived.getBlameRoot(A)).toBeUndefined();
        const a = await cat.derived.commitNumber(A);
        const c = await cat.derived.commitNumber(C);
        expect(a).not.toBe(c);
        expect(await cat.derived.commitNumber(A)).toBe(a);
        expect(await cat.derived.commitOfNumber(a)).toBe(A);
        expect(await cat.derived.commitOfNumber(c)).toBe(C);
        expect(await cat.derived.commitOfNumber(c + 1000)).toBeUndefined();
      });
    });

    describe('lineage', () => {
      const model = {
        id: 'model-1',
        run: 'run-1',
        name: 'det',
        version: '1',
        metrics: { map: 0.5 },
        createdAt: '2024-01-02T04:00:00.000Z',
      };

      it('stores runs, finds them by commit, finishes a run once', async () => {
        await cat.lineage.insertRun(run('run-1', A));
        await cat.lineage.insertRun(run('run-2', C));
        expect(await cat.lineage.getRun('run-1')).toEqual(run('run-1', A));
        expect((await cat.lineage.runsByCommit(A)).map((r) => r.id)).toEqual(['run-1']);
        expect(await rejection(cat.lineage.insertRun(run('run-1', A)))).toBeInstanceOf(
          LineageRecordExistsError,
        );
        const done = await cat.lineage.finishRun('run-1', 'ok', '2024-01-02T05:00:00.000Z');
        expect(done).toMatchObject({ status: 'ok', finishedAt: '2024-01-02T05:00:00.000Z' });
        expect(await rejection(cat.lineage.finishRun('run-1', 'failed', 'x'))).toBeInstanceOf(
          RunFinishedError,
        );
        expect(await rejection(cat.lineage.finishRun('nope', 'ok', 'x'))).toBeInstanceOf(
          LineageRecordNotFoundError,
        );
        expect((await cat.lineage.listRuns()).length).toBe(2);
      });

      it('attaches vectors once, to a running run only: finished runs are immutable', async () => {
        const vectors = { blob: C, dim: 4, count: 3, kind: 'gradient' as const };
        const other = { blob: A, dim: 2, count: 1, kind: 'embedding' as const };
        await cat.lineage.insertRun(run('run-1', A));
        await cat.lineage.insertRun(run('run-2', A));
        await cat.lineage.setRunVectors('run-1', vectors);
        expect((await cat.lineage.getRun('run-1'))?.vectors).toEqual(vectors);
        const swap = await rejection(cat.lineage.setRunVectors('run-1', other));
        expect(swap).toBeInstanceOf(LineageRecordImmutableError);
        expect((swap as Error).message).toContain('already has vectors');
        await cat.lineage.finishRun('run-1', 'ok', '2024-01-02T05:00:00.000Z');
        await cat.lineage.finishRun('run-2', 'ok', '2024-01-02T05:00:00.000Z');
        const late = await rejection(cat.lineage.setRunVectors('run-2', other));
        expect(late).toBeInstanceOf(LineageRecordImmutableError);
        expect((late as Error).message).toContain('has finished (ok)');
        expect(await rejection(cat.lineage.setRunVectors('nope', other))).toBeInstanceOf(
          LineageRecordNotFoundError,
        );
        expect((await cat.lineage.getRun('run-1'))?.vectors).toEqual(vectors);
        expect((await cat.lineage.getRun('run-2'))?.vectors).toBeNull();
      });

      it('lists models and pages through predictions, of all models or one', async () => {
        await cat.lineage.insertRun(run('run-1', A));
        await cat.lineage.insertModel(model);
        const second = { ...model, id: 'model-2', version: '2', createdAt: '2024-01-02T06:00:00Z' };
        await cat.lineage.insertModel(second);
        expect((await cat.lineage.listModels()).map((m) => m.id)).toEqual(['model-1', 'model-2']);
        await cat.lineage.insertPredictions([
          prediction('p1', 'model-1'),
          prediction('p2', 'model-2'),
          prediction('p3', 'model-1'),
        ]);
        const ids = async (page: { model?: string; after?: string; limit: number }) =>
          (await cat.lineage.listPredictions(page)).map((p) => p.id);
        expect(await ids({ limit: 2 })).toEqual(['p1', 'p2']);
        expect(await ids({ after: 'p2', limit: 2 })).toEqual(['p3']);
        expect(await ids({ model: 'model-1', limit: 10 })).toEqual(['p1', 'p3']);
        expect(await ids({ model: 'model-1', after: 'p1', limit: 10 })).toEqual(['p3']);
      });

      it('stores models under a run, unique by name and version', async () => {
        expect(await rejection(cat.lineage.insertModel(model))).toBeInstanceOf(
          LineageRecordNotFoundError,
        );
        await cat.lineage.insertRun(run('run-1', A));
        await cat.lineage.insertModel(model);
        expect(await cat.lineage.getModel('model-1')).toEqual(model);
        expect(await cat.lineage.findModel('det', '1')).toEqual(model);
        expect(await cat.lineage.modelsByRun('run-1')).toEqual([model]);
        expect(
          await rejection(cat.lineage.insertModel({ ...model, id: 'model-2' })),
        ).toBeInstanceOf(LineageRecordExistsError);
      });

      it('stores prediction batches whole or not at all, with vectors', async () => {
        await cat.lineage.insertRun(run('run-1', A));
        await cat.lineage.insertModel(model);
        const vec = new Uint8Array(new Float32Array([1, 2]).buffer);
        await cat.lineage.insertPredictions([
          prediction('p1', 'model-1', vec),
          { ...prediction('p2', 'model-1'), externalId: 'ext-2' },
        ]);
        expect(await cat.lineage.getPrediction('p1')).toEqual(prediction('p1', 'model-1', vec));
        expect((await cat.lineage.findPredictionByExternalId('ext-2'))?.id).toBe('p2');
        const bad = [prediction('p3', 'model-1'), prediction('p4', 'no-model')];
        expect(await rejection(cat.lineage.insertPredictions(bad))).toBeInstanceOf(
          LineageRecordNotFoundError,
        );
        expect(await cat.lineage.getPrediction('p3')).toBeUndefined();
        const page = await cat.lineage.predictionsByModel('model-1', 1);
        expect(page.total).toBe(2);
        expect(page.first.map((p) => p.id)).toEqual(['p1']);
      });

      it('stores slices by content hash and finds them by commit', async () => {
        const slice = {
          id: B,
          name: 'cats',
          commit: A,
          filter: 'class = cat',
          schema: null,
          exampleCount: 3,
          createdAt: '2024-01-02T03:04:05.000Z',
        };
        await cat.lineage.insertSlice(slice);
        expect(await cat.lineage.getSlice(B)).toEqual(slice);
        expect(await cat.lineage.slicesByCommit(A)).toEqual([slice]);
        expect(await rejection(cat.lineage.insertSlice(slice))).toBeInstanceOf(
          LineageRecordExistsError,
        );
      });
    });

    it('keeps refs, the ref log, commits, config and leases across reopen', async () => {
      await cat.updateRef('main', 'branch', null, A);
      await cat.recordCommit(commit(id('abc')));
      await cat.setConfig('k', 'v');
      await cat.acquireLease('writer', ME, never);
      const again = h.reopen ? await h.reopen() : cat;
      expect((await again.getRef('main'))?.target).toBe(A);
      expect((await again.readRefLog()).map((e) => [e.ref, e.to])).toEqual([['main', A]]);
      expect(await again.findCommitsByPrefix('abc', 5)).toEqual([id('abc')]);
      expect(await again.getConfig('k')).toBe('v');
      expect(await rejection(again.acquireLease('gc', ME, never))).toBeInstanceOf(
        RepositoryBusyError,
      );
    });
  });
}

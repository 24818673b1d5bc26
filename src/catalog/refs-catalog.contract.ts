/**
 * The RefsCatalog contract suite (layer: catalog, tests only): one test per clause of
 * `refs-catalog.ts`: compare-and-swap (expected old value, tags, the shared namespace, the
 * typed errors), concurrent conflicting updates (one wins, the others get the typed race
 * error), and the ref log written in the same step as every move. Every backend runs it.
 */
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RefExistsError, RefUpdateRaceError } from './catalog-errors.js';
import { sha256Hex } from '../core/hash.js';
import type { ChunkHash } from '../core/hash.js';
import type { RefLogEntry, RefsCatalog } from './refs-catalog.js';
import { A, B, C, race, rejection, reopened } from './testing.js';
import type { ContractHarness, HarnessFactory } from './testing.js';

export function describeRefsCatalogContract(
  name: string,
  create: HarnessFactory<RefsCatalog>,
): void {
  describe(`RefsCatalog contract: ${name}`, () => {
    let h: ContractHarness<RefsCatalog>;
    let cat: RefsCatalog;
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

    describe('compare-and-swap under concurrency', () => {
      it('lets exactly one of many concurrent creates win; the others get RefExistsError', async () => {
        const nexts = Array.from({ length: 8 }, (_, i) => sha256Hex(new Uint8Array([i, 1])));
        const { won, errors } = await race(
          nexts.map((next) => () => cat.updateRef('new', 'branch', null, next)),
        );
        expect(won).toHaveLength(1);
        expect(errors).toHaveLength(nexts.length - 1);
        for (const error of errors) expect(error).toBeInstanceOf(RefExistsError);
        expect((await cat.getRef('new'))?.target).toBe(nexts[won[0]!]);
        const log = await cat.readRefLog({ ref: 'new' });
        expect(log.map((e) => [e.from, e.to])).toEqual([[null, nexts[won[0]!]]]);
      });

      it('lets one of a concurrent move and delete win; the other gets RefUpdateRaceError', async () => {
        await cat.updateRef('topic', 'branch', null, A);
        const { won, errors } = await race([
          () => cat.updateRef('topic', 'branch', A, B),
          () => cat.updateRef('topic', 'branch', A, null),
        ]);
        expect(won).toHaveLength(1);
        expect(errors).toHaveLength(1);
        expect(errors[0]).toBeInstanceOf(RefUpdateRaceError);
        expect((await cat.getRef('topic'))?.target).toBe(won[0] === 0 ? B : undefined);
        expect(await cat.readRefLog({ ref: 'topic' })).toHaveLength(2);
      });

      it('keeps moves of different refs independent when they run concurrently', async () => {
        const names = ['r0', 'r1', 'r2', 'r3', 'r4'];
        for (const name of names) await cat.updateRef(name, 'branch', null, A);
        const { won } = await race(names.map((name) => () => cat.updateRef(name, 'branch', A, B)));
        expect(won).toHaveLength(names.length);
        for (const name of names) expect((await cat.getRef(name))?.target).toBe(B);
      });
    });

    describe('refs and their log agree', () => {
      it('names the ref current target in its newest log entry after every move', async () => {
        const steps: (ChunkHash | null)[] = [A, B, C, null, B];
        let current: ChunkHash | null = null;
        for (const next of steps) {
          await cat.updateRef('main', 'branch', current, next);
          const [newest] = await cat.readRefLog({ ref: 'main', limit: 1 });
          expect(newest).toMatchObject({ ref: 'main', kind: 'branch', from: current, to: next });
          expect((await cat.getRef('main'))?.target ?? null).toBe(next);
          current = next;
        }
        expect(await cat.readRefLog({ ref: 'main' })).toHaveLength(steps.length);
      });

      it('lists no deleted ref', async () => {
        await cat.updateRef('a', 'branch', null, A);
        await cat.updateRef('b', 'branch', null, A);
        await cat.updateRef('a', 'branch', A, null);
        expect((await cat.listRefs()).map((ref) => ref.name)).toEqual(['b']);
        expect(await cat.listRefs('tag')).toEqual([]);
      });

      it('keeps refs and the ref log across reopen', async () => {
        await cat.updateRef('main', 'branch', null, A, { operation: 'init', author: 'ann' });
        await cat.updateRef('main', 'branch', A, B, { operation: 'commit', author: 'ann' });
        await cat.updateRef('v1', 'tag', null, A);
        const again = await reopened(h);
        expect(await again.getRef('main')).toMatchObject({ kind: 'branch', target: B });
        expect(await again.getRef('v1')).toMatchObject({ kind: 'tag', target: A });
        expect((await again.readRefLog()).map((e) => [e.ref, e.from, e.to, e.operation])).toEqual([
          ['v1', null, A, 'create'],
          ['main', A, B, 'commit'],
          ['main', null, A, 'init'],
        ]);
        await again.updateRef('main', 'branch', B, C);
        const [newest] = await again.readRefLog({ limit: 1 });
        expect(newest).toMatchObject({ ref: 'main', from: B, to: C });
        expect(newest!.seq).toBeGreaterThan((await again.readRefLog())[1]!.seq);
      });
    });
  });
}

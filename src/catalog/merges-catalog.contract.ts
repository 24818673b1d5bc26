/**
 * The MergesCatalog contract suite (layer: catalog, tests only): the pending-merge lifecycle
 * (create, versioned replace, delete), one pending merge per branch, and the typed errors when
 * concurrent starts or replaces conflict (no resolution is lost). Every backend runs it.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MergeInProgressError, PendingMergeRaceError } from './catalog-errors.js';
import type { MergesCatalog } from './merges-catalog.js';
import { race, rejection, reopened } from './testing.js';
import type { ContractHarness, HarnessFactory } from './testing.js';

export function describeMergesCatalogContract(
  name: string,
  create: HarnessFactory<MergesCatalog>,
): void {
  describe(`MergesCatalog contract: ${name}`, () => {
    let h: ContractHarness<MergesCatalog>;
    let cat: MergesCatalog;
    beforeEach(async () => {
      h = await create();
      cat = h.catalog;
    });
    afterEach(async () => {
      await h.cleanup();
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

    describe('pending merges: lifecycle and races', () => {
      it('runs the whole lifecycle: create, resolve step by step, finish, start again at 1', async () => {
        expect(await cat.putPendingMerge('main', 'started', null)).toBe(1);
        expect(await cat.putPendingMerge('main', 'resolved 1 of 2', 1)).toBe(2);
        expect(await cat.putPendingMerge('main', 'resolved 2 of 2', 2)).toBe(3);
        expect(await cat.getPendingMerge('main')).toMatchObject({
          version: 3,
          state: 'resolved 2 of 2',
        });
        expect(Number.isNaN(Date.parse((await cat.getPendingMerge('main'))!.updatedAt))).toBe(
          false,
        );
        expect(await cat.deletePendingMerge('main', 3)).toBe(true);
        expect(await cat.listPendingMerges()).toEqual([]);
        expect(await cat.putPendingMerge('main', 'again', null)).toBe(1);
      });

      it('refuses to replace a pending merge that does not exist (PendingMergeRaceError)', async () => {
        expect(await rejection(cat.putPendingMerge('main', 'x', 1))).toBeInstanceOf(
          PendingMergeRaceError,
        );
        expect(await cat.getPendingMerge('main')).toBeUndefined();
      });

      it('deletes without a version whatever the version is (abort)', async () => {
        await cat.putPendingMerge('main', 'a', null);
        await cat.putPendingMerge('main', 'b', 1);
        expect(await cat.deletePendingMerge('main')).toBe(true);
        expect(await cat.getPendingMerge('main')).toBeUndefined();
      });

      it('keeps branches apart and lists them by branch name', async () => {
        await cat.putPendingMerge('topic', 't', null);
        await cat.putPendingMerge('main', 'm', null);
        await cat.putPendingMerge('main', 'm2', 1);
        expect((await cat.listPendingMerges()).map((p) => [p.branch, p.version, p.state])).toEqual([
          ['main', 2, 'm2'],
          ['topic', 1, 't'],
        ]);
        expect(await cat.deletePendingMerge('topic', 1)).toBe(true);
        expect((await cat.getPendingMerge('main'))?.state).toBe('m2');
      });

      it('lets exactly one of concurrent starts win; the others get MergeInProgressError', async () => {
        const { won, errors } = await race(
          [0, 1, 2, 3].map((i) => () => cat.putPendingMerge('main', `s${i}`, null)),
        );
        expect(won).toHaveLength(1);
        for (const error of errors) expect(error).toBeInstanceOf(MergeInProgressError);
        expect(await cat.getPendingMerge('main')).toMatchObject({
          version: 1,
          state: `s${won[0]}`,
        });
      });

      it('lets exactly one of concurrent replaces of one version win (no lost resolution)', async () => {
        await cat.putPendingMerge('main', 'base', null);
        const { won, errors } = await race(
          [0, 1, 2, 3].map((i) => () => cat.putPendingMerge('main', `r${i}`, 1)),
        );
        expect(won).toHaveLength(1);
        for (const error of errors) expect(error).toBeInstanceOf(PendingMergeRaceError);
        expect(await cat.getPendingMerge('main')).toMatchObject({
          version: 2,
          state: `r${won[0]}`,
        });
      });

      it('keeps pending merges across reopen', async () => {
        await cat.putPendingMerge('main', '{"step":1}', null);
        await cat.putPendingMerge('main', '{"step":2}', 1);
        const again = await reopened(h);
        expect(await again.getPendingMerge('main')).toMatchObject({
          version: 2,
          state: '{"step":2}',
        });
        expect(await again.putPendingMerge('main', '{"step":3}', 2)).toBe(3);
      });
    });
  });
}

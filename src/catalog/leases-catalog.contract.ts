/**
 * The LeasesCatalog contract suite (layer: catalog, tests only): writer leases are shared, a gc
 * lease is exclusive (`RepositoryBusyError` otherwise, also when requests race), leases of a
 * holder that is gone are reclaimed for good, and live leases survive reopen. Every backend
 * runs it.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RepositoryBusyError } from './catalog-errors.js';
import type { LeaseHolder, LeaseRecord, LeasesCatalog } from './leases-catalog.js';
import { race, rejection, reopened } from './testing.js';
import type { ContractHarness, HarnessFactory } from './testing.js';

const ME: LeaseHolder = { pid: 1001, host: 'test-host' };
const never = (): boolean => false;

export function describeLeasesCatalogContract(
  name: string,
  create: HarnessFactory<LeasesCatalog>,
): void {
  describe(`LeasesCatalog contract: ${name}`, () => {
    let h: ContractHarness<LeasesCatalog>;
    let cat: LeasesCatalog;
    beforeEach(async () => {
      h = await create();
      cat = h.catalog;
    });
    afterEach(async () => {
      await h.cleanup();
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

    describe('leases: shared writers, exclusive gc, reclaim', () => {
      it('shares writer leases: gc waits until every writer has released', async () => {
        const writers = [
          await cat.acquireLease('writer', { pid: 1, host: 'h' }, never),
          await cat.acquireLease('writer', { pid: 2, host: 'h' }, never),
          await cat.acquireLease('writer', { pid: 3, host: 'h' }, never),
        ];
        for (const writer of writers) {
          expect(await rejection(cat.acquireLease('gc', ME, never))).toBeInstanceOf(
            RepositoryBusyError,
          );
          await cat.releaseLease(writer);
        }
        await cat.releaseLease(await cat.acquireLease('gc', ME, never));
      });

      it('grants exactly one of concurrent gc requests', async () => {
        const { won, errors } = await race(
          [1, 2, 3, 4].map((pid) => () => cat.acquireLease('gc', { pid, host: 'h' }, never)),
        );
        expect(won).toHaveLength(1);
        for (const error of errors) expect(error).toBeInstanceOf(RepositoryBusyError);
      });

      it('reclaims a gc lease whose holder is gone, so writers can proceed', async () => {
        const gone: LeaseHolder = { pid: 777, host: 'crashed' };
        await cat.acquireLease('gc', gone, never);
        expect(await rejection(cat.acquireLease('writer', ME, never))).toBeInstanceOf(
          RepositoryBusyError,
        );
        const isGone = (lease: LeaseRecord) => lease.pid === gone.pid && lease.host === gone.host;
        const writer = await cat.acquireLease('writer', ME, isGone);
        // Reclaimed for good: the next request need not judge it again.
        await cat.acquireLease('writer', { pid: 1002, host: 'test-host' }, never);
        await cat.releaseLease(writer);
      });

      it('reclaims only the dead holder lease: the live one still blocks, and is named', async () => {
        const live = await cat.acquireLease('writer', ME, never);
        await cat.acquireLease('writer', { pid: 666, host: 'dead' }, never);
        const isDead = (lease: LeaseRecord) => lease.pid === 666;
        const error = await rejection(cat.acquireLease('gc', ME, isDead));
        expect(error).toBeInstanceOf(RepositoryBusyError);
        const holders = (error as RepositoryBusyError).data['holders'] as LeaseRecord[];
        expect(holders.map((lease) => [lease.kind, lease.pid, lease.host])).toEqual([
          ['writer', ME.pid, ME.host],
        ]);
        await cat.releaseLease(live);
        await cat.releaseLease(await cat.acquireLease('gc', ME, isDead));
      });

      it('keeps leases across reopen until released', async () => {
        const writer = await cat.acquireLease('writer', ME, never);
        const again = await reopened(h);
        expect(await rejection(again.acquireLease('gc', ME, never))).toBeInstanceOf(
          RepositoryBusyError,
        );
        await again.releaseLease(writer);
        await again.releaseLease(await again.acquireLease('gc', ME, never));
      });
    });
  });
}

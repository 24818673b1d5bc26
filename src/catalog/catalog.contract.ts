/**
 * The Catalog contract suite (layer: catalog, tests only): every per-concern suite, run on one
 * backend through one factory. A backend's test calls `describeCatalogContract` with a factory
 * for a fresh, empty catalog; `reopen` (close, then open the same storage) is optional. The
 * suites themselves live beside the interfaces they check (`<concern>-catalog.contract.ts`).
 */
import { describe, expect, it } from 'vitest';
import { RepositoryBusyError } from './catalog-errors.js';
import type { Catalog } from './catalog.js';
import { describeCommitsCatalogContract } from './commits-catalog.contract.js';
import { describeConfigCatalogContract } from './config-catalog.contract.js';
import { describeDerivedCatalogContract } from './derived-catalog.contract.js';
import { describeAccessCatalogContract } from './access-catalog.contract.js';
import { describeLeasesCatalogContract } from './leases-catalog.contract.js';
import { describeLineageCatalogContract } from './lineage-catalog.contract.js';
import { describeMergesCatalogContract } from './merges-catalog.contract.js';
import { describeRefsCatalogContract } from './refs-catalog.contract.js';
import { describeSchemasCatalogContract } from './schemas-catalog.contract.js';
import { A, fakeId, rejection, reopened, sectionHarness } from './testing.js';
import type { ContractHarness, HarnessFactory } from './testing.js';

/** A harness for a whole catalog (kept under its old name for backends' tests). */
export type CatalogHarness = ContractHarness<Catalog>;

export function describeCatalogContract(name: string, create: HarnessFactory<Catalog>): void {
  describeRefsCatalogContract(name, create);
  describeCommitsCatalogContract(name, create);
  describeMergesCatalogContract(name, create);
  describeSchemasCatalogContract(name, create);
  describeConfigCatalogContract(name, create);
  describeLeasesCatalogContract(name, create);
  describeLineageCatalogContract(
    name,
    sectionHarness(create, (catalog) => catalog.lineage),
  );
  describeDerivedCatalogContract(
    name,
    sectionHarness(create, (catalog) => catalog.derived),
  );
  describeAccessCatalogContract(
    name,
    sectionHarness(create, (catalog) => catalog.access),
  );

  describe(`Catalog contract: ${name}`, () => {
    it('keeps every concern across one reopen', async () => {
      const h = await create();
      try {
        const cat = h.catalog;
        await cat.updateRef('main', 'branch', null, A);
        await cat.recordCommit({
          id: fakeId('abc'),
          snapshot: A,
          parents: [],
          generation: 1,
          time: 't',
        });
        await cat.setConfig('k', 'v');
        await cat.acquireLease('writer', { pid: 1001, host: 'test-host' }, () => false);
        const again = await reopened(h);
        expect((await again.getRef('main'))?.target).toBe(A);
        expect((await again.readRefLog()).map((e) => [e.ref, e.to])).toEqual([['main', A]]);
        expect(await again.findCommitsByPrefix('abc', 5)).toEqual([fakeId('abc')]);
        expect(await again.getConfig('k')).toBe('v');
        expect(
          await rejection(again.acquireLease('gc', { pid: 1, host: 'h' }, () => false)),
        ).toBeInstanceOf(RepositoryBusyError);
      } finally {
        await h.cleanup();
      }
    });
  });
}

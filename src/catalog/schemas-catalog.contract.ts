/**
 * The SchemasCatalog contract suite (layer: catalog, tests only): immutable named versions,
 * listed in creation order, refused when the name is taken or the parent is unknown (storing
 * nothing), and kept across reopen. Every backend runs it.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SchemaVersionExistsError } from './catalog-errors.js';
import { SchemaVersionNotFoundError } from '../core/errors.js';
import type { SchemaVersionRecord, SchemasCatalog } from './schemas-catalog.js';
import { race, rejection, reopened } from './testing.js';
import type { ContractHarness, HarnessFactory } from './testing.js';

function version(name: string, parent: string | null, at: string): SchemaVersionRecord {
  return {
    name,
    parent,
    delta: `[{"op":"add_class","class":{"id":1,"name":"${name}"}}]`,
    author: 'Ada',
    createdAt: at,
    message: `version ${name}`,
  };
}

export function describeSchemasCatalogContract(
  name: string,
  create: HarnessFactory<SchemasCatalog>,
): void {
  describe(`SchemasCatalog contract: ${name}`, () => {
    let h: ContractHarness<SchemasCatalog>;
    let cat: SchemasCatalog;
    beforeEach(async () => {
      h = await create();
      cat = h.catalog;
    });
    afterEach(async () => {
      await h.cleanup();
    });

    describe('schema registry', () => {
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

    describe('schema registry: chains and durability', () => {
      it('stores a chain of versions and keeps it across reopen', async () => {
        const v1 = version('1.0', null, '2026-03-01T00:00:00.000Z');
        const v2 = version('1.1', '1.0', '2026-03-02T00:00:00.000Z');
        const v3 = version('2.0', '1.1', '2026-03-03T00:00:00.000Z');
        for (const v of [v1, v2, v3]) await cat.createSchemaVersion(v);
        const again = await reopened(h);
        expect(await again.listSchemaVersions()).toEqual([v1, v2, v3]);
        expect(await again.getSchemaVersion('2.0')).toEqual(v3);
        expect(await rejection(again.createSchemaVersion(v1))).toBeInstanceOf(
          SchemaVersionExistsError,
        );
      });

      it('lets exactly one of concurrent creates of one name win', async () => {
        const { won, errors } = await race(
          ['a', 'b', 'c'].map(
            (author) => () =>
              cat.createSchemaVersion({
                ...version('1.0', null, '2026-03-01T00:00:00.000Z'),
                author,
              }),
          ),
        );
        expect(won).toHaveLength(1);
        for (const error of errors) expect(error).toBeInstanceOf(SchemaVersionExistsError);
        expect(await cat.listSchemaVersions()).toHaveLength(1);
      });
    });
  });
}

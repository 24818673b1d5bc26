/**
 * The ConfigCatalog contract suite (layer: catalog, tests only): get, set, overwrite, the empty
 * string as a value, and durability across reopen. Every backend runs it.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ConfigCatalog } from './config-catalog.js';
import { reopened } from './testing.js';
import type { ContractHarness, HarnessFactory } from './testing.js';

export function describeConfigCatalogContract(
  name: string,
  create: HarnessFactory<ConfigCatalog>,
): void {
  describe(`ConfigCatalog contract: ${name}`, () => {
    let h: ContractHarness<ConfigCatalog>;
    let cat: ConfigCatalog;
    beforeEach(async () => {
      h = await create();
      cat = h.catalog;
    });
    afterEach(async () => {
      await h.cleanup();
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

      it('keeps keys apart and values across reopen', async () => {
        await cat.setConfig('a', '1');
        await cat.setConfig('b', 'two words\nand a line');
        const again = await reopened(h);
        expect(await again.getConfig('a')).toBe('1');
        expect(await again.getConfig('b')).toBe('two words\nand a line');
        expect(await again.getConfig('c')).toBeUndefined();
      });
    });
  });
}

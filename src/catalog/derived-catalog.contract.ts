/**
 * The DerivedCatalog contract suite (layer: catalog, tests only): idempotent puts (the first
 * value stays), replace on compaction, exact deletes, stable commit numbers and their inverse,
 * and durability across reopen. Every backend runs it (on `catalog.derived`).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sha256Hex } from '../core/hash.js';
import type { DerivedCatalog } from './derived-catalog.js';
import { A, B, C, reopened } from './testing.js';
import type { ContractHarness, HarnessFactory } from './testing.js';

export function describeDerivedCatalogContract(
  name: string,
  create: HarnessFactory<DerivedCatalog>,
): void {
  describe(`DerivedCatalog contract: ${name}`, () => {
    let h: ContractHarness<DerivedCatalog>;
    let cat: DerivedCatalog;
    beforeEach(async () => {
      h = await create();
      cat = h.catalog;
    });
    afterEach(async () => {
      await h.cleanup();
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
        await cat.putTreeIndex(rec);
        await cat.putTreeIndex({ ...rec, index: C });
        expect(await cat.getTreeIndex('labels', A, 1)).toEqual(rec);
        expect(await cat.getTreeIndex('labels', A, 2)).toBeUndefined();
        expect(await cat.getTreeIndex('reviews', A, 1)).toBeUndefined();
        const compacted = { ...rec, index: C, removes: null };
        await cat.replaceTreeIndex(compacted);
        expect(await cat.getTreeIndex('labels', A, 1)).toEqual(compacted);
        const reviews = {
          kind: 'reviews' as const,
          source: A,
          index: C,
          adds: B,
          removes: null,
          format: 1,
        };
        await cat.putTreeIndex(reviews);
        expect(await cat.listTreeIndexes()).toHaveLength(2);
        await cat.deleteTreeIndexes([rec]);
        expect(await cat.listTreeIndexes()).toEqual([reviews]);
      });

      it('keeps blame roots per commit and numbers commits stably', async () => {
        await cat.putBlameRoot({ commit: A, root: B });
        await cat.putBlameRoot({ commit: A, root: C });
        expect(await cat.getBlameRoot(A)).toBe(B);
        expect(await cat.listBlameRoots()).toEqual([{ commit: A, root: B }]);
        await cat.deleteBlameRoots([A]);
        expect(await cat.getBlameRoot(A)).toBeUndefined();
        const a = await cat.commitNumber(A);
        const c = await cat.commitNumber(C);
        expect(a).not.toBe(c);
        expect(await cat.commitNumber(A)).toBe(a);
        expect(await cat.commitOfNumber(a)).toBe(A);
        expect(await cat.commitOfNumber(c)).toBe(C);
        expect(await cat.commitOfNumber(c + 1000)).toBeUndefined();
      });
    });

    describe('derived data: numbering and durability', () => {
      it('numbers many commits distinctly and inverts every number', async () => {
        const commits = Array.from({ length: 20 }, (_, i) => sha256Hex(new Uint8Array([i, 9])));
        const numbers = [];
        for (const commit of commits) numbers.push(await cat.commitNumber(commit));
        expect(new Set(numbers).size).toBe(commits.length);
        for (let i = 0; i < commits.length; i++)
          expect(await cat.commitOfNumber(numbers[i]!)).toBe(commits[i]);
      });

      it('gives one number to concurrent requests for the same commit', async () => {
        const numbers = await Promise.all([0, 1, 2, 3].map(() => cat.commitNumber(A)));
        expect(new Set(numbers).size).toBe(1);
      });

      it('keeps index rows, blame roots and commit numbers across reopen', async () => {
        const rec = {
          kind: 'splits' as const,
          source: A,
          index: B,
          adds: C,
          removes: null,
          format: 2,
        };
        await cat.putTreeIndex(rec);
        await cat.putBlameRoot({ commit: B, root: C });
        const n = await cat.commitNumber(C);
        const again = await reopened(h);
        expect(await again.getTreeIndex('splits', A, 2)).toEqual(rec);
        expect(await again.getBlameRoot(B)).toBe(C);
        expect(await again.commitNumber(C)).toBe(n);
        expect(await again.commitOfNumber(n)).toBe(C);
      });
    });
  });
}

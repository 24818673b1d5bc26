/**
 * The CommitsCatalog contract suite (layer: catalog, tests only): the commit index records
 * idempotently, reads entries back as recorded, finds ids by prefix in order and within a
 * limit, and keeps them across reopen. Every backend runs it.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChunkHash } from '../core/hash.js';
import type { CommitIndexEntry, CommitsCatalog } from './commits-catalog.js';
import { A, fakeId, reopened } from './testing.js';
import type { ContractHarness, HarnessFactory } from './testing.js';

function commit(
  commitId: ChunkHash,
  parents: readonly ChunkHash[] = [],
  generation = 1,
): CommitIndexEntry {
  return { id: commitId, snapshot: A, parents, generation, time: '2024-01-02T03:04:05.000Z' };
}

export function describeCommitsCatalogContract(
  name: string,
  create: HarnessFactory<CommitsCatalog>,
): void {
  describe(`CommitsCatalog contract: ${name}`, () => {
    let h: ContractHarness<CommitsCatalog>;
    let cat: CommitsCatalog;
    beforeEach(async () => {
      h = await create();
      cat = h.catalog;
    });
    afterEach(async () => {
      await h.cleanup();
    });

    describe('commit index', () => {
      it('records a commit idempotently and reads it back', async () => {
        const root = commit(fakeId('aa'));
        const child = commit(fakeId('ab'), [fakeId('aa'), fakeId('cc')], 2);
        await cat.recordCommit(root);
        await cat.recordCommit(child);
        await cat.recordCommit(child);
        expect(await cat.getCommit(fakeId('aa'))).toEqual(root);
        expect(await cat.getCommit(fakeId('ab'))).toEqual(child);
        expect(await cat.getCommit(fakeId('ff'))).toBeUndefined();
        expect(await cat.findCommitsByPrefix('ab', 10)).toEqual([fakeId('ab')]);
      });

      it('finds commits by prefix, in id order, at most limit, without spilling into neighbours', async () => {
        const ids = ['a8', 'a9', 'a9f', 'a9ff', 'aa', 'af', 'b0', '9f', 'ff'].map(fakeId);
        for (const commitId of ids) await cat.recordCommit(commit(commitId));
        expect(await cat.findCommitsByPrefix('a9', 10)).toEqual([
          fakeId('a9'),
          fakeId('a9f'),
          fakeId('a9ff'),
        ]);
        expect(await cat.findCommitsByPrefix('a9', 2)).toEqual([fakeId('a9'), fakeId('a9f')]);
        expect(await cat.findCommitsByPrefix('af', 10)).toEqual([fakeId('af')]);
        expect(await cat.findCommitsByPrefix('9', 10)).toEqual([fakeId('9f')]);
        expect(await cat.findCommitsByPrefix('f', 10)).toEqual([fakeId('ff')]);
        expect(await cat.findCommitsByPrefix(fakeId('a9f'), 10)).toEqual([fakeId('a9f')]);
        expect(await cat.findCommitsByPrefix('c', 10)).toEqual([]);
        expect(await cat.findCommitsByPrefix('', 3)).toEqual([
          fakeId('9f'),
          fakeId('a8'),
          fakeId('a9'),
        ]);
        expect(await cat.findCommitsByPrefix('a', 0)).toEqual([]);
      });
    });

    describe('commit index: recording again and durability', () => {
      it('keeps the first entry when a commit id is recorded again', async () => {
        const first = commit(fakeId('ab'), [fakeId('aa')], 2);
        await cat.recordCommit(first);
        await cat.recordCommit(first);
        expect(await cat.getCommit(fakeId('ab'))).toEqual(first);
        expect(await cat.findCommitsByPrefix('ab', 10)).toEqual([fakeId('ab')]);
      });

      it('keeps parents in their recorded order', async () => {
        const merge = commit(fakeId('dd'), [fakeId('cc'), fakeId('aa'), fakeId('bb')], 5);
        await cat.recordCommit(merge);
        expect((await cat.getCommit(fakeId('dd')))?.parents).toEqual([
          fakeId('cc'),
          fakeId('aa'),
          fakeId('bb'),
        ]);
      });

      it('keeps commits across reopen', async () => {
        const entry = commit(fakeId('abc'), [fakeId('123')], 2);
        await cat.recordCommit(entry);
        const again = await reopened(h);
        expect(await again.getCommit(fakeId('abc'))).toEqual(entry);
        expect(await again.findCommitsByPrefix('abc', 5)).toEqual([fakeId('abc')]);
      });
    });
  });
}

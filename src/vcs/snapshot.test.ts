/**
 * Snapshot encoding: ids of snapshots without a category list are pinned (golden hashes), so
 * adding the optional `categories` member did not change any stored snapshot id; nor did the
 * optional trees of issue 18 (annotators' objects and annotations, video tracks and keyframes).
 */
import { describe, expect, it } from 'vitest';
import { MemoryChunkStore } from '../store/memory/memory-chunk-store.js';
import { NodeStore } from '../tree/node-store.js';
import { getCategoryList, putCategoryList } from './category-list.js';
import { OPTIONAL_TREE_NAMES } from '../dataset/tree-names.js';
import { EMPTY_TREE_ID, emptySnapshot, getSnapshot, putSnapshot } from './snapshot.js';
import { hashToHex } from '../core/hash.js';

describe('snapshot', () => {
  it('pins the id of a snapshot without categories (golden hash)', async () => {
    const chunks = new MemoryChunkStore();
    const empty = emptySnapshot(new NodeStore(chunks, 1 << 20));
    expect(empty.categories).toBeNull();
    expect(putSnapshot(chunks, empty)).toBe(
      '014fa10b0684ae786e814aae5b30c59c66f6080cbad009e8421010fa7c58c64b',
    );
    expect(putSnapshot(chunks, { ...empty, schema: 'v1' })).toBe(
      '692ce9ae4e1a305d450d4e5e138091c6ec92873d8327badd00469425a6d4d549',
    );
  });

  it('round-trips a category list and keeps it in the snapshot id', async () => {
    const chunks = new MemoryChunkStore();
    const empty = emptySnapshot(new NodeStore(chunks, 1 << 20));
    const list = [{ id: 1, name: 'person', supercategory: 'human' }];
    const categories = putCategoryList(chunks, list);
    expect(putCategoryList(chunks, [{ name: 'person', supercategory: 'human', id: 1 }])).toBe(
      categories,
    );
    const id = putSnapshot(chunks, { ...empty, categories });
    expect(id).not.toBe(putSnapshot(chunks, empty));
    const back = await getSnapshot(chunks, id);
    expect(back.categories).toBe(categories);
    expect(await getCategoryList(chunks, categories)).toEqual(list);
    expect((await getSnapshot(chunks, putSnapshot(chunks, empty))).categories).toBeNull();
  });

  it('names an optional tree only when it holds records, and reads it back', async () => {
    const chunks = new MemoryChunkStore();
    const nodes = new NodeStore(chunks, 1 << 20);
    const empty = emptySnapshot(nodes);
    for (const name of OPTIONAL_TREE_NAMES) expect(empty.trees[name]).toBe(EMPTY_TREE_ID);
    const key = new TextEncoder().encode('k');
    const leaf = hashToHex(nodes.write(0, [key], [key], []).hash);
    for (const name of OPTIONAL_TREE_NAMES) {
      const withTree = { ...empty, trees: { ...empty.trees, [name]: leaf } };
      const id = putSnapshot(chunks, withTree);
      expect(id).not.toBe(putSnapshot(chunks, empty));
      expect((await getSnapshot(chunks, id)).trees).toEqual(withTree.trees);
    }
    expect((await getSnapshot(chunks, putSnapshot(chunks, empty))).trees).toEqual(empty.trees);
  });
});

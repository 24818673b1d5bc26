/**
 * Prefetch over a store with `getMany` (a remote store's shape): diffs, batched mutations and
 * scans give exactly the results they give without it, and wait on O(depth) round trips
 * instead of one per node.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MemoryChunkStore } from '../store/memory/memory-chunk-store.js';
import { buildTree } from './builder.js';
import { diffTrees, prefetchTreeDiffs, type Change } from './diff.js';
import { mutateTree, type Edit } from './mutate.js';
import { NodeStore } from './node-store.js';
import { scan } from './read.js';
import { enc, freshNodes, keyArb, modelArb, sortedEntries, valueArb } from './testing.js';

/** A memory store with `getMany`, counting round trips: each `get` or `getMany` call is one. */
class RoundTripStore extends MemoryChunkStore {
  roundTrips = 0;
  chunksRead = 0;

  override async get(hash: Uint8Array): Promise<Uint8Array | undefined> {
    this.roundTrips++;
    this.chunksRead++;
    return super.get(hash);
  }

  async getMany(hashes: readonly Uint8Array[]): Promise<(Uint8Array | undefined)[]> {
    this.roundTrips++;
    this.chunksRead += hashes.length;
    return Promise.all(hashes.map((h) => super.get(h)));
  }

  reset(): void {
    this.roundTrips = 0;
    this.chunksRead = 0;
  }
}

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

async function copyInto(from: NodeStore, to: MemoryChunkStore): Promise<void> {
  for await (const h of from.chunks.hashes()) to.put(h, (await from.chunks.get(h))!);
}

const key = (i: number) => `k${String((i * 7919) % 1000003).padStart(7, '0')}`;

/** A 60,000-entry tree and the same tree after 500 scattered edits, both in a plain store. */
async function editedTree() {
  const nodes = freshNodes();
  const entries = new Map<string, string>();
  for (let i = 0; i < 60_000; i++) entries.set(key(i), `value ${i}`.padEnd(100, '.'));
  const before = await buildTree(nodes, sortedEntries(entries));
  const edits: Edit[] = [];
  for (let i = 0; i < 60_000; i += 120)
    edits.push({
      key: enc(key(i)),
      value: i % 240 === 0 ? null : enc(`edited ${i}`.padEnd(100, '-')),
    });
  edits.sort((a, b) => Buffer.compare(a.key, b.key));
  const after = await mutateTree(nodes, before, edits);
  const depth = (await nodes.load(before)).level + 1;
  return { nodes, before, after, edits, depth };
}

describe('prefetch over a store with getMany', () => {
  it('a 500-edit diff waits on O(depth) round trips and finds the same changes', async () => {
    const { nodes, before, after, depth } = await editedTree();
    const expected = await collect(diffTrees(nodes, before, after));
    const store = new RoundTripStore();
    await copyInto(nodes, store);
    store.reset();
    const cold = new NodeStore(store);
    const changes: Change[] = await collect(diffTrees(cold, before, after));
    expect(changes).toEqual(expected);
    expect(changes).toHaveLength(500);
    // One round trip for both roots, then one per level below them.
    expect(store.roundTrips).toBeLessThanOrEqual(depth + 1);
    expect(store.chunksRead).toBeGreaterThan(500 / 20);
  });

  it("several trees' diffs prefetched together wait on one round trip per level in all", async () => {
    const first = await editedTree();
    const { nodes, before, after, depth } = first;
    // A second pair of trees in the same store: the first pair with more edits.
    const more: Edit[] = [1, 2, 3].map((i) => ({
      key: enc(key(i * 977)),
      value: enc(`more ${i}`),
    }));
    more.sort((x, y) => Buffer.compare(x.key, y.key));
    const later = await mutateTree(nodes, after, more);
    const expected = [
      await collect(diffTrees(nodes, before, after)),
      await collect(diffTrees(nodes, after, later)),
    ];
    const store = new RoundTripStore();
    await copyInto(nodes, store);
    store.reset();
    const cold = new NodeStore(store);
    await prefetchTreeDiffs(cold, [
      [before, after],
      [after, later],
    ]);
    expect(store.roundTrips).toBeLessThanOrEqual(depth + 1);
    const prefetched = store.roundTrips;
    expect([
      await collect(diffTrees(cold, before, after)),
      await collect(diffTrees(cold, after, later)),
    ]).toEqual(expected);
    expect(store.roundTrips).toBe(prefetched); // the diffs themselves read only the cache
  });

  it('a 500-edit batched mutation waits on O(depth) round trips and builds the same root', async () => {
    const { nodes, before, after, edits, depth } = await editedTree();
    const store = new RoundTripStore();
    await copyInto(nodes, store);
    store.reset();
    const root = await mutateTree(new NodeStore(store), before, edits);
    expect(Buffer.from(root)).toEqual(Buffer.from(after));
    const prefetched = store.roundTrips;
    // The same mutation on a store without getMany: one round trip per node.
    const plain = new MemoryChunkStore();
    await copyInto(nodes, plain);
    let oneByOne = 0;
    const get = plain.get.bind(plain);
    plain.get = (hash) => {
      oneByOne++;
      return get(hash);
    };
    await mutateTree(new NodeStore(plain), before, edits);
    expect(oneByOne).toBeGreaterThan(300);
    // One round trip per level, plus the re-chunks that run on past the nodes fetched after
    // each path (a deletion moves size-weighted boundaries; measured: ~25 of 500 here).
    expect(prefetched).toBeLessThanOrEqual(depth + 40);
    expect(prefetched).toBeLessThan(oneByOne / 10);
  });

  it('a streaming scan waits once per parent node, not once per leaf', async () => {
    const { nodes, after } = await editedTree();
    const expected = await collect(scan(nodes, after));
    const store = new RoundTripStore();
    await copyInto(nodes, store);
    store.reset();
    const rows = await collect(scan(new NodeStore(store), after));
    const text = (entries: readonly (readonly [Uint8Array, Uint8Array])[]) =>
      entries
        .map(([k, v]) => `${Buffer.from(k).toString()}=${Buffer.from(v).toString()}`)
        .join('\n');
    expect(rows).toHaveLength(expected.length);
    expect(text(rows)).toBe(text(expected));
    const leaves = store.chunksRead;
    expect(store.roundTrips).toBeLessThan(leaves / 10);
  });

  it('diffs and mutations of random trees are the same with and without prefetch', async () => {
    await fc.assert(
      fc.asyncProperty(
        modelArb(400),
        fc.array(fc.tuple(keyArb, fc.option(valueArb, { nil: null })), { maxLength: 60 }),
        async (model, rawEdits) => {
          const plain = freshNodes();
          const before = await buildTree(plain, sortedEntries(model));
          const byKey = new Map(rawEdits.map(([k, v]) => [k, v]));
          const edits: Edit[] = [...byKey]
            .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
            .map(([k, v]) => ({ key: enc(k), value: v === null ? null : enc(v) }));
          const after = await mutateTree(plain, before, edits);
          const store = new RoundTripStore();
          await copyInto(plain, store);
          const remote = new NodeStore(store, 1 << 16);
          const afterRemote = await mutateTree(remote, before, edits);
          expect(Buffer.from(afterRemote)).toEqual(Buffer.from(after));
          const cold = new NodeStore(store, 1 << 16);
          expect(await collect(diffTrees(cold, before, after))).toEqual(
            await collect(diffTrees(plain, before, after)),
          );
        },
      ),
      { seed: 20261207, numRuns: 60 },
    );
  });
});

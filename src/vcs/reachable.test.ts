/**
 * walkReachable over a store with `getMany` (a remote store's shape) yields exactly the chunks
 * it yields over a plain store, and reads them in batches: far fewer round trips than chunks.
 */
import { describe, expect, it } from 'vitest';
import { hashToHex } from '../core/hash.js';
import { MemoryChunkStore } from '../store/memory/memory-chunk-store.js';
import { buildTree } from '../tree/builder.js';
import { NodeStore } from '../tree/node-store.js';
import { enc } from '../tree/testing.js';
import { walkReachable } from './reachable.js';

class BatchingStore extends MemoryChunkStore {
  roundTrips = 0;
  override async get(hash: Uint8Array): Promise<Uint8Array | undefined> {
    if (!this.warm.has(hashToHex(hash))) this.roundTrips++;
    return super.get(hash);
  }
  /** Chunks fetched by getMany (a remote store keeps them in its read cache). */
  private readonly warm = new Set<string>();
  async getMany(hashes: readonly Uint8Array[]): Promise<(Uint8Array | undefined)[]> {
    this.roundTrips++;
    for (const h of hashes) this.warm.add(hashToHex(h));
    return Promise.all(hashes.map((h) => super.get(h)));
  }
}

async function ids(chunks: MemoryChunkStore, root: Uint8Array): Promise<string[]> {
  const out: string[] = [];
  for await (const c of walkReachable(chunks, [], new Set(), [
    { id: hashToHex(root), kind: 'node' },
  ])) {
    expect(c.bytes).toBeDefined();
    out.push(c.id);
  }
  return out.sort();
}

describe('walkReachable over a store with getMany', () => {
  it('yields the same chunks in batched round trips', async () => {
    const plain = new MemoryChunkStore();
    const entries: [Uint8Array, Uint8Array][] = [];
    for (let i = 0; i < 40_000; i++)
      entries.push([enc(`key ${String(i).padStart(6, '0')}`), enc(`value ${i}`.padEnd(80, '.'))]);
    const root = await buildTree(new NodeStore(plain), entries);
    const batching = new BatchingStore();
    for await (const h of plain.hashes()) batching.put(h, (await plain.get(h))!);
    const expected = await ids(plain, root);
    const walked = await ids(batching, root);
    expect(walked).toEqual(expected);
    expect(expected.length).toBeGreaterThan(500);
    expect(batching.roundTrips).toBeLessThan(expected.length / 20);
  });
});

/**
 * The transfer engine between two real embedded repositories through the in-process transport
 * (`localSyncPeer`): clone, fetch, push, pull. Checks what the negotiation promises: after a
 * fetch the receiver has every chunk reachable from its refs, and an edit of k labels moves
 * about k x depth chunks, not the dataset (a property over random edits); push refuses a
 * non-fast-forward with the current head unless forced with a matching lease; a push cut off
 * after any batch leaves the receiver's refs and "has" answers consistent, and a retry finishes.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChunkHash } from '../../core/hash.js';
import { hexToHash, sha256Hex } from '../../core/hash.js';
import { decodeNode } from '../../tree/node.js';
import { getCommit } from '../../vcs/commit.js';
import { walkReachable } from '../../vcs/reachable.js';
import { getSnapshot } from '../../vcs/snapshot.js';
import { addImages } from '../images/add-images.js';
import { importLabels } from '../ingest/import-labels.js';
import { collectGarbage } from '../maintenance/gc.js';
import { verifyRepository } from '../maintenance/verify.js';
import { openRepository } from '../repository/compose.js';
import { initRepository } from '../repository/init-repository.js';
import type { Repository } from '../repository/repository.js';
import { applyEdits } from '../write/apply-edits.js';
import { cloneRepository } from './clone.js';
import { fetchFrom } from './fetch.js';
import { pullFrom } from './pull.js';
import { pushTo } from './push.js';
import { localSyncPeer } from './sync-peer.js';
import type { SyncPeer } from './sync-remote.js';

const LABELS = 20000;
let dir: string;
let origin: Repository;
let clone: Repository;
let serial = 0;

function label(id: number, extra: Record<string, unknown> = {}) {
  return {
    image: String(Math.floor(id / 3)).padStart(5, '0'),
    label: String(id),
    category: id % 3 === 0 ? 'car' : 'person',
    bbox: [id % 50, 10.5, 20.25, 30],
    annotated_at: '2026-01-02T03:04:05Z',
    review: { status: 'approved', reviewer: `rev_${id % 7}`, reviewed_at: null },
    ...extra,
  };
}

function writeJsonl(rows: readonly object[]): string {
  const file = join(dir, `f${serial++}.jsonl`);
  writeFileSync(file, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
  return file;
}

async function edit(repo: Repository, branch: string, ids: readonly number[], tag: string) {
  const rows = ids.map((id) => ({ op: 'put', ...label(id, { category: `${tag}-${id}` }) }));
  return applyEdits(repo, { file: writeJsonl(rows), branch });
}

async function head(repo: Repository, branch: string): Promise<ChunkHash> {
  return (await repo.catalog.getRef(branch))!.target;
}

/** Chunks reachable from every ref of `repo`; fails on one missing. */
async function reachableCount(repo: Repository): Promise<number> {
  const refs = (await repo.catalog.listRefs()).map((r) => r.target);
  let n = 0;
  for await (const c of walkReachable(repo.chunks, refs)) {
    expect(c.bytes, `${c.kind} ${c.id}`).toBeDefined();
    n++;
  }
  return n;
}

async function labelsDepth(repo: Repository, branch: string): Promise<number> {
  const s = await getSnapshot(
    repo.chunks,
    (await getCommit(repo.chunks, await head(repo, branch))).snapshot,
  );
  const root = hexToHash(s.trees.labels);
  return decodeNode(root, (await repo.chunks.get(root))!).level + 1;
}

/** The most children a node of the labels tree's top two levels has (for the bound on ids asked). */
async function labelsFanout(repo: Repository, branch: string): Promise<number> {
  const s = await getSnapshot(
    repo.chunks,
    (await getCommit(repo.chunks, await head(repo, branch))).snapshot,
  );
  const root = decodeNode(
    hexToHash(s.trees.labels),
    (await repo.chunks.get(hexToHash(s.trees.labels)))!,
  );
  let most = root.values.length;
  for (const child of root.values)
    most = Math.max(most, decodeNode(child, (await repo.chunks.get(child))!).values.length);
  return most;
}

/** A peer that counts what crosses it. */
function counting(peer: SyncPeer) {
  const seen = { pushes: 0, fetches: 0, hasCalls: 0 };
  const wrapped: SyncPeer = {
    ...peer,
    has: (ids) => (seen.hasCalls++, peer.has(ids)),
    fetchChunks: (ids) => (seen.fetches++, peer.fetchChunks(ids)),
    pushChunks: (pack) => (seen.pushes++, peer.pushChunks(pack)),
  };
  return { peer: wrapped, seen };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'verso-sync-'));
  await initRepository(join(dir, 'origin'));
  origin = await openRepository(join(dir, 'origin'), { identity: { author: 'origin-user' } });
  const rows = Array.from({ length: LABELS }, (_, i) => label(i));
  await importLabels(origin, { file: writeJsonl(rows), branch: 'main' });
  const cloned = await cloneRepository(join(dir, 'clone'), localSyncPeer(origin), {
    url: 'http://127.0.0.1:1/repos/origin',
  });
  expect(cloned.localBranches).toEqual(['main']);
  clone = await openRepository(join(dir, 'clone'), { identity: { author: 'clone-user' } });
}, 60_000);

afterAll(async () => {
  await clone?.close();
  await origin?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('clone', () => {
  it('copies every reachable chunk, the same commits and a clean repository', async () => {
    expect(await head(clone, 'main')).toBe(await head(origin, 'main'));
    expect(await head(clone, 'origin/main')).toBe(await head(origin, 'main'));
    expect(await reachableCount(clone)).toBe(await reachableCount(origin));
    expect((await verifyRepository(clone)).problems).toEqual([]);
    const entry = await clone.catalog.getCommit(await head(clone, 'main'));
    expect(entry).toEqual(await origin.catalog.getCommit(await head(origin, 'main')));
  });
});

describe('fetch', () => {
  it('moves about changes x depth chunks for an edit, and leaves nothing unreachable (property)', async () => {
    const depth = await labelsDepth(origin, 'main');
    expect(depth).toBeGreaterThanOrEqual(3);
    const total = await reachableCount(origin);
    const fanout = await labelsFanout(origin, 'main');
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.integer({ min: 0, max: LABELS - 1 }), { minLength: 1, maxLength: 12 }),
        async (ids) => {
          await edit(origin, 'main', ids, `p${serial}`);
          const r = await fetchFrom(clone, localSyncPeer(origin), { remote: 'origin' });
          // Per edited label: its leaf and the path above it, in the labels tree (a category
          // change touches only that tree); boundary shifts may rewrite a neighbour, hence x2;
          // plus the commit and the snapshot.
          expect(r.chunks).toBeLessThanOrEqual(2 + 2 * ids.length * depth);
          expect(r.chunks).toBeLessThan(total / 10);
          // Asked: the children of every changed internal node (one round per level).
          expect(r.asked).toBeLessThanOrEqual(2 + 4 + r.chunks * fanout);
          expect(r.asked).toBeLessThan(total);
          expect(await head(clone, 'origin/main')).toBe(await head(origin, 'main'));
          await reachableCount(clone);
        },
      ),
      { numRuns: 8, seed: 1313 },
    );
  }, 60_000);

  it('batches: a fetch uses a few requests, not one per chunk', async () => {
    await edit(origin, 'main', [1, 2000, 4000, 5999], 'batch');
    const { peer, seen } = counting(localSyncPeer(origin));
    const r = await fetchFrom(clone, peer, { remote: 'origin' });
    expect(r.chunks).toBeGreaterThan(4);
    expect(seen.fetches).toBeLessThanOrEqual(r.rounds + 1);
  });
});

describe('clone --blobs', () => {
  it('all: fetches the bytes of every blob asset; none: fetches nothing', async () => {
    const images = join(
      process.cwd(),
      '../shared/data/real/images/review_object_detection_metrics/data/database/images',
    );
    await initRepository(join(dir, 'pictures'));
    const pictures = await openRepository(join(dir, 'pictures'));
    try {
      const files = ['2007_000549.jpg', '2007_000636.jpg', '2007_001284.jpg'].map((f) =>
        join(images, f),
      );
      await addImages(pictures, { paths: files, branch: 'main' });
      const all = await cloneRepository(join(dir, 'pictures-all'), localSyncPeer(pictures), {
        url: 'http://127.0.0.1:1/repos/pictures',
        blobs: 'all',
      });
      expect(all.images.blobs).toBe(3);
      const none = await cloneRepository(join(dir, 'pictures-none'), localSyncPeer(pictures), {
        url: 'http://127.0.0.1:1/repos/pictures',
        blobs: 'none',
      });
      expect(none.images.blobs).toBe(0);
      const withBytes = await openRepository(join(dir, 'pictures-all'));
      const without = await openRepository(join(dir, 'pictures-none'));
      try {
        for (const f of files) {
          const sha = sha256Hex(readFileSync(f));
          expect(Buffer.from((await withBytes.blobs.get(sha))!).equals(readFileSync(f))).toBe(true);
          expect(await without.blobs.has(sha)).toBe(false);
        }
        expect(await without.catalog.getConfig('clone_blobs')).toBe('none');
      } finally {
        await withBytes.close();
        await without.close();
      }
    } finally {
      await pictures.close();
    }
  }, 30_000);
});

describe('push and pull', () => {
  it('refuses a non-fast-forward with the current head, pulls (merge), then pushes', async () => {
    await pullFrom(clone, localSyncPeer(origin), { remote: 'origin', branch: 'main' });
    await edit(origin, 'main', [10], 'theirs');
    await edit(clone, 'main', [20], 'ours');
    const refused = pushTo(clone, localSyncPeer(origin), { remote: 'origin', branch: 'main' });
    await expect(refused).rejects.toMatchObject({
      code: 'SYNC_NON_FAST_FORWARD',
      data: { current: await head(origin, 'main') },
    });
    const pulled = await pullFrom(clone, localSyncPeer(origin), {
      remote: 'origin',
      branch: 'main',
    });
    expect(pulled.merge.status).toBe('merged');
    const pushed = await pushTo(clone, localSyncPeer(origin), { remote: 'origin', branch: 'main' });
    expect(pushed.status).toBe('pushed');
    expect(await head(origin, 'main')).toBe(await head(clone, 'main'));
    expect(await reachableCount(origin)).toBeGreaterThan(0);
    expect((await verifyRepository(origin)).problems).toEqual([]);
  }, 30_000);

  it('force-with-lease moves a diverged branch only when the lease matches', async () => {
    await edit(origin, 'main', [30], 'gone');
    await edit(clone, 'main', [31], 'forced');
    const lease = pushTo(clone, localSyncPeer(origin), {
      remote: 'origin',
      branch: 'main',
      forceWithLease: true,
    });
    // origin/main in the clone is older than origin's head: the lease does not match.
    await expect(lease).rejects.toMatchObject({ code: 'SYNC_REF_MOVED' });
    await fetchFrom(clone, localSyncPeer(origin), { remote: 'origin' });
    const forced = await pushTo(clone, localSyncPeer(origin), {
      remote: 'origin',
      branch: 'main',
      forceWithLease: true,
    });
    expect(forced.status).toBe('pushed');
    expect(await head(origin, 'main')).toBe(await head(clone, 'main'));
  }, 30_000);

  it('a gc on the receiver between batches: the ref move is refused, nothing half-moved', async () => {
    await fetchFrom(clone, localSyncPeer(origin), { remote: 'origin' });
    await pullFrom(clone, localSyncPeer(origin), { remote: 'origin', branch: 'main' });
    const before = await head(origin, 'main');
    await edit(
      clone,
      'main',
      Array.from({ length: 300 }, (_, i) => i * 61),
      'gc',
    );
    let batches = 0;
    const collecting: SyncPeer = {
      ...localSyncPeer(origin),
      pushChunks: async (pack) => {
        const r = await localSyncPeer(origin).pushChunks(pack);
        // The first batch (leaves) is unreachable on the receiver until the ref moves.
        if (++batches === 1) expect((await collectGarbage(origin)).deleted).toBeGreaterThan(0);
        return r;
      },
    };
    await expect(
      pushTo(clone, collecting, { remote: 'origin', branch: 'main', batchBytes: 64 << 10 }),
    ).rejects.toMatchObject({ code: 'SYNC_BATCH_REFUSED' });
    expect(batches).toBeGreaterThan(1);
    expect(await head(origin, 'main')).toBe(before);
    expect((await verifyRepository(origin)).problems).toEqual([]);
    // The next gc removes the partial upload; then the push goes through whole.
    await collectGarbage(origin);
    const retry = await pushTo(clone, localSyncPeer(origin), { remote: 'origin', branch: 'main' });
    expect(retry.status).toBe('pushed');
    expect(await reachableCount(origin)).toBeGreaterThan(0);
  }, 30_000);

  it('a push cut off after its first batch leaves refs unchanged; a retry completes', async () => {
    const before = await head(origin, 'main');
    const many = Array.from({ length: 400 }, (_, i) => i * 49);
    await edit(clone, 'main', many, 'cut');
    let batches = 0;
    const flaky: SyncPeer = {
      ...localSyncPeer(origin),
      pushChunks: async (pack) => {
        if (++batches > 1) throw new Error('connection reset');
        return localSyncPeer(origin).pushChunks(pack);
      },
    };
    // Small batches so the cut lands mid-transfer.
    const { peer } = counting(flaky);
    await expect(
      pushTo(clone, peer, { remote: 'origin', branch: 'main', batchBytes: 64 << 10 }),
    ).rejects.toThrow('connection reset');
    expect(await head(origin, 'main')).toBe(before);
    expect((await verifyRepository(origin)).problems).toEqual([]);
    const { peer: counted, seen } = counting(localSyncPeer(origin));
    const retry = await pushTo(clone, counted, { remote: 'origin', branch: 'main' });
    expect(retry.status).toBe('pushed');
    expect(seen.pushes).toBe(1);
    expect(await head(origin, 'main')).toBe(await head(clone, 'main'));
    expect(await reachableCount(origin)).toBeGreaterThan(0);
  }, 30_000);
});

/**
 * `verso gc`: deletes chunks that nothing live reaches: refs, training runs, saved slices and
 * pending merges (`live-roots.ts`), and the derived trees of what they reach
 * (`derived-roots.ts`: indexes, blame) (layer: api).
 *
 * Safe with concurrent writers: gc holds the exclusive `gc` lease, which is granted only when
 * no writer holds a lease and blocks new writers until gc ends, so no chunk a writer has
 * staged (but not yet made reachable by moving its ref) can be collected.
 */
import { hashToHex } from '../core/hash.js';
import { walkReachable } from '../vcs/reachable.js';
import { withLease } from './lease.js';
import { liveRoots } from './live-roots.js';
import { derivedRoots, forgetDeadDerived } from './derived-roots.js';
import { throttled, type ProgressFn } from './progress.js';
import type { Repository } from './repository.js';

export interface GcResult {
  readonly reachable: number;
  readonly deleted: number;
  readonly bytesBefore: number;
  readonly bytesAfter: number;
}

const DELETE_BATCH = 10_000;

export async function collectGarbage(repo: Repository, onProgress?: ProgressFn): Promise<GcResult> {
  return withLease(repo, 'gc', async () => {
    const bytesBefore = await repo.chunks.sizeBytes();
    const roots = await liveRoots(repo);
    const seen = new Set<string>();
    const mark = throttled(onProgress, 'mark', 10_000);
    let reachable = 0;
    for await (const _ of walkReachable(repo.chunks, roots.commits, seen, roots.others))
      mark.tick(++reachable);
    const derived = await derivedRoots(repo, seen);
    await forgetDeadDerived(repo, derived);
    for await (const _ of walkReachable(repo.chunks, [], seen, derived.live))
      mark.tick(++reachable);
    mark.end(reachable);
    let deleted = 0;
    let batch: Uint8Array[] = [];
    for await (const h of repo.chunks.hashes()) {
      if (seen.has(hashToHex(h))) continue;
      batch.push(h);
      if (batch.length >= DELETE_BATCH) {
        await repo.chunks.delete(batch);
        deleted += batch.length;
        batch = [];
      }
    }
    if (batch.length > 0) await repo.chunks.delete(batch);
    deleted += batch.length;
    await repo.chunks.flush();
    return { reachable, deleted, bytesBefore, bytesAfter: await repo.chunks.sizeBytes() };
  });
}

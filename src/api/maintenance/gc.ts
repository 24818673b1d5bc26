/**
 * `verso gc`: deletes chunks that nothing live reaches: refs, training runs, saved slices and
 * pending merges (`live-roots.ts`), and the derived trees of what they reach
 * (`derived-roots.ts`: indexes, blame) (layer: api).
 *
 * Safe with concurrent writers: gc holds the exclusive `gc` lease, which is granted only when
 * no writer holds a lease and blocks new writers until gc ends, so no chunk a writer has
 * staged (but not yet made reachable by moving its ref) can be collected.
 *
 * Damage stops gc before it deletes anything: a reachable chunk that is missing or corrupt hides
 * what lies below it, which would look unreachable (`RepositoryDamagedError`; `verify` lists
 * the damage). An unreadable or empty catalog never gets here (`repository.ts` refuses to open).
 */
import { RepositoryDamagedError } from '../repository/repository-errors.js';
import { hashToHex } from '../../core/hash.js';
import { walkReachable, type ReachableChunk } from '../../vcs/reachable.js';
import { withLease } from '../repository/lease.js';
import { liveRoots } from './live-roots.js';
import { derivedRoots, forgetDeadDerived } from './derived-roots.js';
import { throttled, type ProgressFn } from '../repository/progress.js';
import type { Repository } from '../repository/repository.js';
import { failpoint } from '../../core/failpoints.js';

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
    const damaged: ReachableChunk[] = [];
    const visit = (c: ReachableChunk) => {
      if (!c.bytes) damaged.push(c);
      mark.tick(++reachable);
    };
    for await (const c of walkReachable(repo.chunks, roots.commits, seen, roots.others)) visit(c);
    const derived = await derivedRoots(repo, seen);
    for await (const c of walkReachable(repo.chunks, [], seen, derived.live)) visit(c);
    mark.end(reachable);
    if (damaged.length > 0) throw damageError(damaged);
    failpoint('gc-after-mark');
    await forgetDeadDerived(repo, derived);
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
    failpoint('gc-after-sweep');
    await repo.chunks.flush();
    return { reachable, deleted, bytesBefore, bytesAfter: await repo.chunks.sizeBytes() };
  });
}

function damageError(damaged: readonly ReachableChunk[]): RepositoryDamagedError {
  const first = damaged[0]!;
  return new RepositoryDamagedError(
    `gc refused: ${damaged.length} chunk(s) that refs reach are missing or corrupt ` +
      `(first: ${first.kind} ${first.id}: ${first.damage ?? 'missing'}), so what lies below ` +
      `them cannot be told from garbage; nothing was deleted`,
    'verify-and-restore',
    { damaged: damaged.length, first: first.id },
  );
}

/**
 * `verso log [REF]`: the commits reachable from REF, newest first (layer: api).
 *
 * A walk over parents ordered by commit time (ties by id), each commit listed once, so merge
 * histories come out interleaved like `git log`.
 */
import type { ChunkHash } from '../../core/hash.js';
import { getCommit, type Commit } from '../../vcs/commit.js';
import { resolveRef } from '../../vcs/resolve-ref.js';
import type { Repository } from '../repository/repository.js';

export interface LogEntry extends Commit {
  readonly id: ChunkHash;
}

export async function* logCommits(
  repo: Repository,
  refSpec: string,
  limit = Infinity,
): AsyncGenerator<LogEntry> {
  const start = await resolveRef(repo.catalog, repo.chunks, refSpec);
  const seen = new Set<string>([start]);
  const queue: LogEntry[] = [{ id: start, ...(await getCommit(repo.chunks, start)) }];
  let emitted = 0;
  while (queue.length > 0 && emitted < limit) {
    queue.sort((a, b) => (a.time === b.time ? (a.id < b.id ? 1 : -1) : a.time < b.time ? 1 : -1));
    const next = queue.shift()!;
    yield next;
    emitted++;
    for (const p of next.parents) {
      if (seen.has(p)) continue;
      seen.add(p);
      queue.push({ id: p, ...(await getCommit(repo.chunks, p)) });
    }
  }
}

/**
 * Stores received chunks and indexes the commits among them (layer: api): the receiving half of
 * every transfer, for a pushed batch on the server and for fetched chunks on the client.
 *
 * Order, as in `write/commit-to-branch.ts`: the chunks are put and flushed (durable) first, then
 * each new commit gets its commit-index row (the index is derivable from commit chunks, so a
 * crash between the two only leaves rows for `verso recover` to rebuild). Commits are indexed
 * in the order given; senders send parents before children, so a parent's generation is known
 * when its child is indexed. Chunks arrive already checked (`transfer-pack.ts`).
 */
import type { ChunkHash } from '../../core/hash.js';
import { hashToHex } from '../../core/hash.js';
import { getCommit } from '../../vcs/commit.js';
import { COMMIT_MARKER } from '../../vcs/objects.js';
import type { Repository } from '../repository/repository.js';
import type { TransferChunk } from './transfer-pack.js';

/** Puts `chunks` in the store (the caller flushes), returning the commit ids among them. */
export async function putReceived(
  repo: Repository,
  chunks: readonly TransferChunk[],
): Promise<ChunkHash[]> {
  const commits: ChunkHash[] = [];
  for (const [i, c] of chunks.entries()) {
    repo.chunks.put(c.hash, c.bytes);
    if (c.bytes[0] === COMMIT_MARKER) commits.push(hashToHex(c.hash));
    if (i % 4096 === 4095) await repo.chunks.ready();
  }
  return commits;
}

/** Commit-index rows for `commits` (parents first), after their chunks are durable. */
export async function indexReceivedCommits(
  repo: Repository,
  commits: readonly ChunkHash[],
): Promise<void> {
  for (const id of commits) {
    if (await repo.catalog.getCommit(id)) continue;
    const c = await getCommit(repo.chunks, id);
    let generation = 0;
    for (const p of c.parents)
      generation = Math.max(generation, (await repo.catalog.getCommit(p))?.generation ?? 0);
    await repo.catalog.recordCommit({
      id,
      snapshot: c.snapshot,
      parents: c.parents,
      generation: generation + 1,
      time: c.time,
    });
  }
}

/** A whole batch: put, flush, index. */
export async function storeReceived(
  repo: Repository,
  chunks: readonly TransferChunk[],
): Promise<number> {
  const commits = await putReceived(repo, chunks);
  await repo.chunks.flush();
  await indexReceivedCommits(repo, commits);
  return commits.length;
}

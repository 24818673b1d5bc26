/**
 * Merge bases: the best common ancestors of two commits (layer: vcs).
 *
 * Walks the commit index from both commits at once, highest generation first (as git's
 * paint-down-to-common does): each commit carries the set of sides that reach it; a commit
 * reached from both is a common ancestor, and its own ancestors are marked stale so they are
 * not reported. The walk stops when only stale commits remain, so it visits the commits between
 * the two heads and their bases, not the whole history. A criss-cross history has several best
 * common ancestors; all are returned (sorted), none an ancestor of another.
 */
import type { CommitsCatalog } from '../catalog/commits-catalog.js';
import { CorruptionError } from '../core/errors.js';
import type { ChunkHash } from '../core/hash.js';

const OURS = 1;
const THEIRS = 2;
const STALE = 4;
const BOTH = OURS | THEIRS;

interface Queued {
  readonly id: ChunkHash;
  readonly generation: number;
}

export async function mergeBases(
  catalog: CommitsCatalog,
  ours: ChunkHash,
  theirs: ChunkHash,
): Promise<ChunkHash[]> {
  if (ours === theirs) return [ours];
  const flags = new Map<ChunkHash, number>();
  const queue = new GenerationQueue();
  const visit = async (id: ChunkHash, flag: number) => {
    flags.set(id, (flags.get(id) ?? 0) | flag);
    queue.push({ id, generation: (await indexEntry(catalog, id)).generation });
  };
  await visit(ours, OURS);
  await visit(theirs, THEIRS);
  const found: ChunkHash[] = [];
  while (queue.size > 0 && !queue.allStale(flags)) {
    const { id } = queue.pop();
    let flag = flags.get(id)!;
    if ((flag & BOTH) === BOTH && !(flag & STALE)) {
      found.push(id);
      flag |= STALE;
      flags.set(id, flag);
    }
    for (const parent of (await indexEntry(catalog, id)).parents) {
      const have = flags.get(parent) ?? 0;
      if ((have & flag) === flag) continue;
      await visit(parent, flag);
    }
  }
  return removeRedundant(catalog, found);
}

/** True when `ancestor` is `descendant` or reachable from it. */
export async function isAncestor(
  catalog: CommitsCatalog,
  ancestor: ChunkHash,
  descendant: ChunkHash,
): Promise<boolean> {
  if (ancestor === descendant) return true;
  const floor = (await indexEntry(catalog, ancestor)).generation;
  const seen = new Set<ChunkHash>([descendant]);
  const stack: ChunkHash[] = [descendant];
  while (stack.length > 0) {
    const entry = await indexEntry(catalog, stack.pop()!);
    for (const p of entry.parents) {
      if (p === ancestor) return true;
      if (seen.has(p)) continue;
      seen.add(p);
      if ((await indexEntry(catalog, p)).generation > floor) stack.push(p);
    }
  }
  return false;
}

/** Drops candidates that are ancestors of another candidate (possible with skewed walks). */
async function removeRedundant(catalog: CommitsCatalog, found: ChunkHash[]): Promise<ChunkHash[]> {
  const unique = [...new Set(found)];
  const kept: ChunkHash[] = [];
  for (const c of unique) {
    let redundant = false;
    for (const other of unique) {
      if (other !== c && (await isAncestor(catalog, c, other))) redundant = true;
    }
    if (!redundant) kept.push(c);
  }
  return kept.sort();
}

async function indexEntry(catalog: CommitsCatalog, id: ChunkHash) {
  const entry = await catalog.getCommit(id);
  if (!entry) throw new CorruptionError(`commit ${id} is not in the commit index`, { id });
  return entry;
}

/** A max-heap of commits by generation (ties: any order). */
class GenerationQueue {
  private readonly heap: Queued[] = [];

  get size(): number {
    return this.heap.length;
  }

  allStale(flags: ReadonlyMap<ChunkHash, number>): boolean {
    return this.heap.every((q) => (flags.get(q.id)! & STALE) !== 0);
  }

  push(item: Queued): void {
    const h = this.heap;
    h.push(item);
    let i = h.length - 1;
    while (i > 0) {
      const up = (i - 1) >> 1;
      if (h[up]!.generation >= h[i]!.generation) break;
      [h[up], h[i]] = [h[i]!, h[up]!];
      i = up;
    }
  }

  pop(): Queued {
    const h = this.heap;
    const top = h[0]!;
    const last = h.pop()!;
    if (h.length > 0) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && h[l]!.generation > h[m]!.generation) m = l;
        if (r < h.length && h[r]!.generation > h[m]!.generation) m = r;
        if (m === i) break;
        [h[m], h[i]] = [h[i]!, h[m]!];
        i = m;
      }
    }
    return top;
  }
}

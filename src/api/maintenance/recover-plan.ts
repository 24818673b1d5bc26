/**
 * What `verso recover` restores, decided from the commits found in the chunk store (layer: api;
 * pure, no I/O).
 *
 * The chunk store holds every commit ever made (until gc), each naming its parents, so the
 * history graph is there even when every ref is lost. Heads are the commits no other commit
 * names as a parent; roots have no parents. The plan:
 * - the commit index gets an entry for every found commit it lacks, with its generation
 *   (1 + the largest generation of its parents; a parent that is not in the store counts as 0);
 * - refs that are kept (a healthy catalog's, or those salvaged from a damaged one) stay, if
 *   their commit exists;
 * - every head that no kept ref reaches gets a branch `recovered/<first 12 hex of its id>` (more
 *   digits if that name is taken), so
 *   that no commit is left to gc and the user can name, rename or delete them;
 * - `main`, if there is none, also points at the newest head (latest commit time, then highest
 *   id): commands that default to main work at once. Branches and tags that pointed inside the
 *   history (not at a head) cannot be told from the commits: they come back only if salvaged.
 */
import type { ChunkHash } from '../../core/hash.js';
import type { CommitIndexEntry, RefKind } from '../../catalog/catalog.js';
import type { Commit } from '../../vcs/commit.js';

export const DEFAULT_BRANCH_NAME = 'main';
export const RECOVERED_PREFIX = 'recovered/';

export interface PlannedRef {
  readonly name: string;
  readonly kind: RefKind;
  readonly target: ChunkHash;
}

export interface RecoveryPlan {
  readonly roots: readonly ChunkHash[];
  /** Newest first. */
  readonly heads: readonly ChunkHash[];
  /** Parents named by found commits but not found themselves. */
  readonly missingParents: readonly ChunkHash[];
  readonly index: readonly CommitIndexEntry[];
  /** Kept refs whose commit is not in the store (not restored). */
  readonly dangling: readonly PlannedRef[];
  /** Refs to create. */
  readonly create: readonly PlannedRef[];
}

export interface RecoveryInput {
  readonly commits: ReadonlyMap<ChunkHash, Commit>;
  /** Refs that exist (healthy catalog) or are to be restored (salvaged). */
  readonly refs: readonly PlannedRef[];
  /** Whether `refs` still have to be created (salvaged) or exist already. */
  readonly refsExist: boolean;
  /** Generations already in the commit index (healthy catalog); these commits are skipped. */
  readonly indexed: ReadonlyMap<ChunkHash, number>;
}

export function planRecovery(input: RecoveryInput): RecoveryPlan {
  const { commits } = input;
  const named = new Set<ChunkHash>();
  const missing = new Set<ChunkHash>();
  for (const c of commits.values())
    for (const p of c.parents) {
      named.add(p);
      if (!commits.has(p)) missing.add(p);
    }
  const ids = [...commits.keys()];
  const newestFirst = (a: ChunkHash, b: ChunkHash) => {
    const ta = commits.get(a)!.time;
    const tb = commits.get(b)!.time;
    return ta === tb ? (a < b ? 1 : -1) : ta < tb ? 1 : -1;
  };
  const heads = ids.filter((id) => !named.has(id)).sort(newestFirst);
  const roots = ids.filter((id) => commits.get(id)!.parents.length === 0).sort();

  const kept = input.refs.filter((r) => commits.has(r.target));
  const dangling = input.refs.filter((r) => !commits.has(r.target));
  const create: PlannedRef[] = input.refsExist ? [] : [...kept];
  const taken = new Set(input.refs.map((r) => r.name));
  const reached = ancestors(
    commits,
    kept.map((r) => r.target),
  );
  const newest = heads[0];
  if (newest !== undefined && !taken.has(DEFAULT_BRANCH_NAME)) {
    create.push({ name: DEFAULT_BRANCH_NAME, kind: 'branch', target: newest });
    taken.add(DEFAULT_BRANCH_NAME);
  }
  for (const head of heads) {
    if (reached.has(head)) continue;
    // 12 hex digits, more if another ref already has that name.
    let digits = 12;
    while (digits < head.length && taken.has(`${RECOVERED_PREFIX}${head.slice(0, digits)}`))
      digits++;
    const name = `${RECOVERED_PREFIX}${head.slice(0, digits)}`;
    create.push({ name, kind: 'branch', target: head });
    taken.add(name);
  }
  return {
    roots,
    heads,
    missingParents: [...missing].sort(),
    index: indexEntries(commits, input.indexed),
    dangling,
    create,
  };
}

/** `starts` and every commit reachable from them through parents (found ones only). */
function ancestors(
  commits: ReadonlyMap<ChunkHash, Commit>,
  starts: readonly ChunkHash[],
): Set<ChunkHash> {
  const seen = new Set<ChunkHash>();
  const stack = [...starts];
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (seen.has(id) || !commits.has(id)) continue;
    seen.add(id);
    stack.push(...commits.get(id)!.parents);
  }
  return seen;
}

/** Index entries for the commits not yet indexed, parents before children. */
function indexEntries(
  commits: ReadonlyMap<ChunkHash, Commit>,
  indexed: ReadonlyMap<ChunkHash, number>,
): CommitIndexEntry[] {
  const generation = new Map<ChunkHash, number>(indexed);
  const out: CommitIndexEntry[] = [];
  // Iterative post-order: a commit is numbered once all its found parents are.
  for (const start of [...commits.keys()].sort()) {
    const stack: Array<{ id: ChunkHash; expanded: boolean }> = [{ id: start, expanded: false }];
    while (stack.length > 0) {
      const top = stack.pop()!;
      if (generation.has(top.id)) continue;
      const c = commits.get(top.id)!;
      if (!top.expanded) {
        stack.push({ id: top.id, expanded: true });
        for (const p of c.parents)
          if (commits.has(p) && !generation.has(p)) stack.push({ id: p, expanded: false });
        continue;
      }
      const g = 1 + Math.max(0, ...c.parents.map((p) => generation.get(p) ?? 0));
      generation.set(top.id, g);
      out.push({
        id: top.id,
        snapshot: c.snapshot,
        parents: c.parents,
        generation: g,
        time: c.time,
      });
    }
  }
  return out;
}

/**
 * The recovery plan on random commit graphs: after applying it, every commit in the store is
 * reachable from a ref (so gc keeps everything), main exists, kept refs are untouched, no head
 * that a kept ref reaches gets a recovered/ branch, and the index entries have the generations
 * `commit-to-branch` would have given.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ChunkHash } from '../../core/hash.js';
import type { Commit } from '../../vcs/commit.js';
import { planRecovery, RECOVERED_PREFIX, type PlannedRef } from './recover-plan.js';

const id = (i: number) => i.toString(16).padStart(64, '0') as ChunkHash;

function commit(parents: readonly ChunkHash[], minute: number): Commit {
  return {
    snapshot: id(999),
    parents,
    author: 't',
    time: `2026-01-01T00:${String(minute).padStart(2, '0')}:00Z`,
    message: '',
    operations: {},
  };
}

/** A random DAG: commit i's parents are among commits < i (0-2 of them). */
const graphArb = fc
  .array(fc.tuple(fc.nat(), fc.nat(), fc.integer({ min: 0, max: 2 }), fc.nat(59)), {
    minLength: 1,
    maxLength: 40,
  })
  .map((rows) => {
    const commits = new Map<ChunkHash, Commit>();
    rows.forEach(([a, b, k, minute], i) => {
      const parents = i === 0 ? [] : [...new Set([id(a % i), id(b % i)])].slice(0, k);
      commits.set(id(i), commit(parents, minute));
    });
    return commits;
  });

function reachable(commits: ReadonlyMap<ChunkHash, Commit>, refs: readonly PlannedRef[]) {
  const seen = new Set<ChunkHash>();
  const stack = refs.map((r) => r.target);
  while (stack.length > 0) {
    const c = stack.pop()!;
    if (seen.has(c) || !commits.has(c)) continue;
    seen.add(c);
    stack.push(...commits.get(c)!.parents);
  }
  return seen;
}

describe('planRecovery', () => {
  it('on any history, leaves every commit reachable from a ref, with main at the newest head', () => {
    fc.assert(
      fc.property(graphArb, fc.boolean(), (commits, keepOne) => {
        const ids = [...commits.keys()];
        const kept: PlannedRef[] = keepOne
          ? [{ name: 'keep', kind: 'tag', target: ids[Math.floor(ids.length / 2)]! }]
          : [];
        const plan = planRecovery({ commits, refs: kept, refsExist: true, indexed: new Map() });
        const refs = [...kept, ...plan.create];
        expect(reachable(commits, refs).size).toBe(commits.size);
        const main = plan.create.find((r) => r.name === 'main');
        expect(main?.target).toBe(plan.heads[0]);
        for (const h of plan.heads.slice(1))
          expect(commits.get(h)!.time <= commits.get(plan.heads[0]!)!.time).toBe(true);
        const keptReach = reachable(commits, kept);
        for (const r of plan.create.filter((c) => c.name.startsWith(RECOVERED_PREFIX)))
          expect(keptReach.has(r.target)).toBe(false);
        // Index: every commit once, parents first, generation = 1 + max(parents').
        const gen = new Map<ChunkHash, number>();
        for (const e of plan.index) {
          for (const p of e.parents) expect(gen.has(p)).toBe(true);
          expect(e.generation).toBe(1 + Math.max(0, ...e.parents.map((p) => gen.get(p)!)));
          gen.set(e.id, e.generation);
        }
        expect(gen.size).toBe(commits.size);
      }),
      { seed: 20261207, numRuns: 200 },
    );
  });

  it('restores salvaged refs whose commit exists and reports the others', () => {
    const commits = new Map([
      [id(1), commit([], 1)],
      [id(2), commit([id(1)], 2)],
    ]);
    const plan = planRecovery({
      commits,
      refs: [
        { name: 'main', kind: 'branch', target: id(2) },
        { name: 'v0', kind: 'tag', target: id(1) },
        { name: 'gone', kind: 'branch', target: id(7) },
      ],
      refsExist: false,
      indexed: new Map(),
    });
    expect(plan.create.map((r) => r.name)).toEqual(['main', 'v0']);
    expect(plan.dangling.map((r) => r.name)).toEqual(['gone']);
    expect(plan.roots).toEqual([id(1)]);
  });

  it('indexes only what the index lacks, numbering from the generations it has', () => {
    const commits = new Map([
      [id(1), commit([], 1)],
      [id(2), commit([id(1)], 2)],
      [id(3), commit([id(2), id(9)], 3)], // id(9): a parent not in the store
    ]);
    const plan = planRecovery({
      commits,
      refs: [{ name: 'main', kind: 'branch', target: id(3) }],
      refsExist: true,
      indexed: new Map([
        [id(1), 1],
        [id(2), 2],
      ]),
    });
    expect(plan.index.map((e) => [e.id, e.generation])).toEqual([[id(3), 3]]);
    expect(plan.missingParents).toEqual([id(9)]);
    expect(plan.create).toEqual([]);
  });
});

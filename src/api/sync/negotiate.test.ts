/**
 * The closed send order (`sendOrder`): whatever the mix of missing chunks, every chunk comes
 * after everything it names that is also being sent (tree nodes after their children, snapshots
 * after their trees and category list, commits after their parents and snapshot), so a transfer
 * cut off after any prefix leaves the receiver with whole subtrees only. Property-checked on
 * random histories (merges included) with random tree levels.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sha256Hex, type ChunkHash } from '../../core/hash.js';
import { sendOrder, type MissingChunk } from './negotiate.js';

const id = (s: string): ChunkHash => sha256Hex(Buffer.from(s));

/** A random history: commit i has 0-2 parents among commits < i; each names a snapshot. */
const history = fc
  .array(fc.tuple(fc.nat(), fc.nat(), fc.integer({ min: 0, max: 2 })), {
    minLength: 1,
    maxLength: 30,
  })
  .chain((commits) =>
    fc.record({
      commits: fc.constant(commits),
      levels: fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 5, maxLength: 40 }),
      seed: fc.nat(),
    }),
  );

describe('sendOrder', () => {
  it('sends every chunk after the chunks it names (property)', () => {
    fc.assert(
      fc.property(history, ({ commits, levels, seed }) => {
        const missing: MissingChunk[] = [];
        const names = new Map<ChunkHash, ChunkHash[]>();
        commits.forEach(([a, b, count], i) => {
          const parents = i === 0 ? [] : [a % i, b % i].slice(0, count).map((p) => id(`c${p}`));
          const snapshot = id(`s${i}`);
          missing.push({ id: id(`c${i}`), kind: 'commit', level: 0, parents });
          missing.push({ id: snapshot, kind: 'snapshot', level: 0 });
          names.set(id(`c${i}`), [...parents, snapshot]);
          names.set(snapshot, [id(`n${i}-top`), id(`k${i}`)]);
          missing.push({ id: id(`k${i}`), kind: 'categories', level: 0 });
        });
        // One tree per snapshot: a chain of nodes from its top level down to a leaf.
        commits.forEach((_, i) => {
          const top = levels[(i + seed) % levels.length]!;
          for (let level = top; level >= 0; level--) {
            const name = level === top ? id(`n${i}-top`) : id(`n${i}-${level}`);
            const below = level === top - 1 || level < top ? id(`n${i}-${level - 1}`) : undefined;
            missing.push({ id: name, kind: level === 0 ? 'leaf' : 'node', level });
            if (level > 0 && below) names.set(name, [below]);
          }
        });
        const shuffled = [...missing].sort((x, y) => (x.id < y.id ? -1 : 1));
        const order = sendOrder(shuffled);
        expect(order).toHaveLength(missing.length);
        const at = new Map(order.map((m, i) => [m.id, i]));
        for (const [parent, children] of names)
          for (const child of children)
            if (at.has(child)) expect(at.get(child)!).toBeLessThan(at.get(parent)!);
      }),
      { numRuns: 200, seed: 13 },
    );
  });
});

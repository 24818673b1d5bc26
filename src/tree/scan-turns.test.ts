/**
 * A long scan gives the event loop a turn (`LEAVES_PER_TURN`): a callback queued with
 * `setImmediate` when the scan starts runs before the scan has read many more leaves than that,
 * even though every leaf comes from memory (microtasks only), and the scan still reads every key.
 */
import { describe, expect, it } from 'vitest';
import { buildTree } from './builder.js';
import { LEAVES_PER_TURN, scanLeaves } from './read.js';
import { freshNodes, sortedEntries, type Model } from './testing.js';

describe('scanLeaves', () => {
  it('lets other work run while it reads leaves from memory', async () => {
    const model: Model = new Map();
    for (let i = 0; i < 200_000; i++) model.set(`k${String(i).padStart(7, '0')}`, `value ${i}`);
    const nodes = freshNodes();
    const root = await buildTree(nodes, sortedEntries(model));
    let leavesRead = 0;
    let leavesWhenOtherWorkRan: number | undefined;
    setImmediate(() => (leavesWhenOtherWorkRan = leavesRead));
    let keys = 0;
    for await (const run of scanLeaves(nodes, root)) {
      leavesRead++;
      keys += run.to - run.from;
    }
    expect(keys).toBe(model.size);
    expect(leavesRead).toBeGreaterThan(2 * LEAVES_PER_TURN);
    expect(leavesWhenOtherWorkRan).toBeDefined();
    expect(leavesWhenOtherWorkRan!).toBeLessThanOrEqual(LEAVES_PER_TURN + 1);
  });
});

import { describe, expect, it } from 'vitest';
import { mapConcurrent } from './map-concurrent.js';

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('mapConcurrent', () => {
  it('keeps input order and never runs more than `limit` calls at once', async () => {
    let running = 0;
    let peak = 0;
    const out = await mapConcurrent([5, 1, 4, 2, 3, 0, 6], 3, async (x, i) => {
      peak = Math.max(peak, ++running);
      for (let k = 0; k < x; k++) await tick(); // finish out of order
      running--;
      return `${i}:${x}`;
    });
    expect(out).toEqual(['0:5', '1:1', '2:4', '3:2', '4:3', '5:0', '6:6']);
    expect(peak).toBe(3);
  });

  it('stops starting calls after a failure, waits for the running ones, rethrows it', async () => {
    const started: number[] = [];
    let finished = 0;
    const run = mapConcurrent([0, 1, 2, 3, 4, 5, 6, 7], 2, async (x) => {
      started.push(x);
      await tick();
      if (x === 1) throw new Error('bad 1');
      await tick();
      finished++;
      return x;
    });
    await expect(run).rejects.toThrow('bad 1');
    expect(started).toEqual([0, 1]);
    expect(finished).toBe(1); // item 0 ran to its end before the promise settled
  });

  it('handles an empty input', async () => {
    expect(await mapConcurrent([], 4, async () => 1)).toEqual([]);
  });
});

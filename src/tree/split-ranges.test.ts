/**
 * `splitIntoRanges`: the ranges cover every key of the tree exactly once, in order, and hold
 * about the wanted number of entries each (property test over random trees and range sizes).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildTree } from './builder.js';
import { scan } from './read.js';
import { splitIntoRanges } from './split-ranges.js';
import { dec, freshNodes, modelArb, sortedEntries } from './testing.js';

describe('splitIntoRanges', () => {
  it('covers every key once, in order, with ranges of about the wanted size', async () => {
    await fc.assert(
      fc.asyncProperty(modelArb(3000), fc.integer({ min: 1, max: 800 }), async (model, per) => {
        const nodes = freshNodes();
        const root = await buildTree(nodes, sortedEntries(model));
        const ranges = await splitIntoRanges(nodes, root, per);
        const all: string[] = [];
        for await (const [k] of scan(nodes, root)) all.push(dec(k));
        const pieces: string[][] = [];
        for (const range of ranges) {
          const keys: string[] = [];
          for await (const [k] of scan(nodes, root, range)) keys.push(dec(k));
          pieces.push(keys);
        }
        expect(pieces.flat()).toEqual(all);
        expect(ranges[0]!.start).toBeUndefined();
        if (ranges.length > 1) {
          // Split only at subtree boundaries: no range (but the last) is smaller than wanted.
          for (const keys of pieces.slice(0, -1)) expect(keys.length).toBeGreaterThanOrEqual(per);
          expect(pieces.every((keys) => keys.length > 0)).toBe(true);
        } else expect(ranges).toEqual([{}]);
      }),
      { numRuns: 60 },
    );
  });

  it('does not split a tree smaller than two ranges', async () => {
    const nodes = freshNodes();
    const root = await buildTree(nodes, sortedEntries(new Map([['a', 'x']])));
    expect(await splitIntoRanges(nodes, root, 1)).toEqual([{}]);
  });
});

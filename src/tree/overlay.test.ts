import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hashToHex } from '../core/hash.js';
import { buildTree } from './builder.js';
import { compareBytes } from './bytes.js';
import {
  applyToOverlay,
  countOverlay,
  emptyTree,
  foldOverlay,
  scanOverlayKeys,
  type Overlay,
} from './overlay.js';
import { dec, enc, freshNodes, keyArb } from './testing.js';

const EMPTY = new Uint8Array(0);
const sorted = (keys: Iterable<string>) => [...keys].map(enc).sort((a, b) => compareBytes(a, b));

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

/** A base set and a sequence of steps, each toggling some keys (remove if present, else add). */
const historyArb = fc.record({
  base: fc.uniqueArray(keyArb, { maxLength: 1500 }),
  steps: fc.array(fc.uniqueArray(keyArb, { minLength: 1, maxLength: 80 }), { maxLength: 6 }),
  ranges: fc.array(fc.tuple(keyArb, keyArb), { minLength: 1, maxLength: 5 }),
});

describe('overlay: a key set as a base plus delta trees', () => {
  it('scans, counts and folds exactly the model set after any sequence of steps', async () => {
    await fc.assert(
      fc.asyncProperty(historyArb, async ({ base, steps, ranges }) => {
        const nodes = freshNodes();
        const model = new Set(base);
        const baseRoot = await buildTree(
          nodes,
          sorted(model).map((k) => [k, EMPTY] as const),
        );
        const empty = emptyTree(nodes);
        let o: Overlay = { base: baseRoot, adds: empty, removes: empty };
        for (const step of steps) {
          const removed = step.filter((k) => model.has(k));
          const added = step.filter((k) => !model.has(k));
          o = await applyToOverlay(nodes, o, sorted(removed), sorted(added));
          for (const k of removed) model.delete(k);
          for (const k of added) model.add(k);
        }
        const want = sorted(model).map(dec);
        expect((await collect(scanOverlayKeys(nodes, o))).map(dec)).toEqual(want);
        expect(await countOverlay(nodes, o)).toBe(model.size);
        for (const [a, b] of ranges) {
          const range = { start: enc(a), end: enc(b) };
          const inRange = want.filter(
            (k) => compareBytes(enc(k), range.start) >= 0 && compareBytes(enc(k), range.end) < 0,
          );
          expect(await countOverlay(nodes, o, range)).toBe(inRange.length);
          expect((await collect(scanOverlayKeys(nodes, o, range))).map(dec)).toEqual(inRange);
        }
        const fresh = await buildTree(
          freshNodes(),
          sorted(model).map((k) => [k, EMPTY] as const),
        );
        expect(hashToHex(await foldOverlay(nodes, o))).toBe(hashToHex(fresh));
      }),
      { seed: 20261126, numRuns: 60 },
    );
  });

  it('keeps a set over an empty base as a plain base', async () => {
    const nodes = freshNodes();
    const empty = emptyTree(nodes);
    const o = await applyToOverlay(
      nodes,
      { base: empty, adds: empty, removes: empty },
      [],
      sorted(['a', 'b', 'c']),
    );
    expect(hashToHex(o.adds)).toBe(hashToHex(empty));
    expect((await collect(scanOverlayKeys(nodes, o))).map(dec)).toEqual(['a', 'b', 'c']);
  });
});

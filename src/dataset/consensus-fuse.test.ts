import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CONSENSUS_STRATEGIES, fuseObject, type Labeling } from './consensus-fuse.js';

const l = (
  annotator: string,
  category_id: number,
  bbox: number[],
  attributes?: object,
): Labeling => ({
  annotator,
  content: {
    category_id,
    bbox,
    area: bbox[2]! * bbox[3]!,
    ...(attributes ? { attributes } : {}),
  } as Labeling['content'],
});

describe('fuseObject', () => {
  it('majority class, boxes of its supporters fused, attributes by majority', () => {
    const f = fuseObject(
      [
        l('a', 1, [0, 0, 10, 10], { occluded: true }),
        l('b', 1, [2, 0, 10, 10], { occluded: false }),
        l('c', 2, [50, 50, 5, 5]),
        l('d', 1, [1, 0, 10, 10], { occluded: true }),
      ],
      'majority',
    )!;
    expect(f.supporters).toEqual(['a', 'b', 'd']);
    expect(f.of).toBe(4);
    expect(f.content).toEqual({
      category_id: 1,
      bbox: [1, 0, 10, 10],
      area: 100,
      attributes: { occluded: true },
    });
  });

  it('weighted: a heavy annotator outvotes two light ones and pulls the box', () => {
    const ls = [l('a', 1, [0, 0, 10, 10]), l('b', 2, [0, 0, 10, 10]), l('c', 2, [4, 0, 10, 10])];
    const w = new Map([
      ['a', 3],
      ['b', 1],
      ['c', 1],
    ]);
    expect(fuseObject(ls, 'weighted', w)!.content['category_id']).toBe(1);
    expect(fuseObject(ls, 'majority', w)!.content['category_id']).toBe(2);
    // wbf: class by plain majority (2), boxes of b and c fused by weight.
    expect(fuseObject(ls, 'wbf', w)!.content['bbox']).toEqual([2, 0, 10, 10]);
    const heavyB = new Map([
      ['b', 3],
      ['c', 1],
    ]);
    expect(fuseObject(ls, 'wbf', heavyB)!.content['bbox']).toEqual([1, 0, 10, 10]);
  });

  it('does not depend on the order of the annotators (property)', () => {
    const labeling = fc.record({
      annotator: fc.constantFrom('a', 'b', 'c', 'd', 'e'),
      cls: fc.integer({ min: 1, max: 3 }),
      box: fc.tuple(
        fc.double({ min: 0, max: 100, noNaN: true }),
        fc.double({ min: 0, max: 100, noNaN: true }),
        fc.double({ min: 1, max: 50, noNaN: true }),
        fc.double({ min: 1, max: 50, noNaN: true }),
      ),
      occluded: fc.boolean(),
    });
    const set = fc.uniqueArray(labeling, {
      selector: (x) => x.annotator,
      minLength: 1,
      maxLength: 5,
    });
    fc.assert(
      fc.property(
        set,
        fc.constantFrom(...CONSENSUS_STRATEGIES),
        fc.infiniteStream(fc.nat()),
        (xs, strategy, rnd) => {
          const ls = xs.map((x) => l(x.annotator, x.cls, [...x.box], { occluded: x.occluded }));
          const weights = new Map(xs.map((x, i) => [x.annotator, 0.5 + (i % 3) / 4]));
          const shuffled = [...ls].sort(() => (rnd.next().value % 3) - 1);
          expect(fuseObject(shuffled, strategy, weights)).toEqual(
            fuseObject(ls, strategy, weights),
          );
        },
      ),
    );
  });
});

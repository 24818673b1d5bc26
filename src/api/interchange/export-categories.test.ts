/**
 * `UsedClasses` (export-categories.ts): the classes a snapshot's labels use outside its list
 * come in one order that depends only on which classes occur, never on the order the labels are
 * met in (a filter, a plan) — the property that pins YOLO indices and COCO ids per snapshot.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeValue } from '../../core/canonical.js';
import { UsedClasses } from './export-categories.js';

const content = (c: { id?: number | string; name?: string }) =>
  encodeValue({
    ...(c.id !== undefined ? { category_id: c.id } : {}),
    ...(c.name !== undefined ? { category: c.name } : {}),
    bbox: [1, 2, 3, 4],
  });

const classOf = fc.oneof(
  fc.record({ id: fc.integer({ min: 0, max: 30 }), name: fc.constantFrom('a', 'b', 'c') }),
  fc.record({ id: fc.constantFrom('x', 'y') }),
  fc.record({ name: fc.constantFrom('cat', 'dog', 'emu') }),
);

describe('UsedClasses', () => {
  it('lists ids ascending, then string ids, then name-only classes with fresh ids', () => {
    const used = new UsedClasses([{ id: 2, name: 'person' }]);
    for (const c of [
      { name: 'dog' },
      { id: 'x' },
      { id: 7, name: 'car' },
      { id: 2 },
      { name: 'person' },
    ])
      used.add(content(c));
    expect(used.list()).toEqual([
      { id: 7, name: 'car' },
      { id: 'x', name: 'x' },
      { id: 8, name: 'dog' },
    ]);
  });

  it('gives the same list whatever order the labels come in', () => {
    fc.assert(
      fc.property(fc.array(classOf, { maxLength: 30 }), fc.integer(), (classes, seed) => {
        const a = new UsedClasses([{ id: 1, name: 'a' }]);
        const b = new UsedClasses([{ id: 1, name: 'a' }]);
        for (const c of classes) a.add(content(c));
        const shuffled = fc.sample(fc.shuffledSubarray(classes, { minLength: classes.length }), {
          seed,
          numRuns: 1,
        })[0]!;
        for (const c of [...shuffled, ...shuffled]) b.add(content(c));
        expect(b.list()).toEqual(a.list());
      }),
      { seed: 21, numRuns: 300 },
    );
  });
});

import { describe, expect, it } from 'vitest';
import { matchToObjects } from './object-matching.js';

const obj = (object: string, category_id: number, bbox: number[]) => ({
  object,
  reference: { category_id, bbox },
});
const lab = (label: string, category_id: number, bbox: number[]) => ({
  label,
  content: { category_id, bbox },
});

describe('matchToObjects', () => {
  const objects = [
    obj('a', 1, [0, 0, 10, 10]),
    obj('b', 1, [8, 0, 10, 10]),
    obj('c', 2, [50, 50, 10, 10]),
  ];

  it('takes the object of the same id first, whatever its geometry', () => {
    expect(matchToObjects(objects, [lab('c', 1, [0, 0, 10, 10])])).toEqual([2]);
  });

  it('a label of another class on the same box is that object (a class disagreement), but the same class is preferred', () => {
    expect(matchToObjects(objects, [lab('q', 2, [0, 0, 10, 10])])).toEqual([0]);
    // Same box for both objects: the class decides.
    const twins = [obj('p', 1, [0, 0, 10, 10]), obj('r', 2, [0, 0, 10, 10])];
    expect(
      matchToObjects(twins, [lab('s', 2, [0, 0, 10, 10]), lab('t', 1, [1, 0, 10, 10])]),
    ).toEqual([1, 0]);
  });

  it('pairs the rest by class and IoU >= 0.5 with the best overall assignment', () => {
    const labels = [
      lab('x', 1, [7, 0, 10, 10]),
      lab('y', 1, [1, 0, 10, 10]),
      lab('z', 2, [0, 0, 10, 10]),
    ];
    // x overlaps b best, y overlaps a; z overlaps a (another class) but a is taken: new.
    expect(matchToObjects(objects, labels)).toEqual([1, 0, -1]);
  });

  it('never gives one object two labels of one annotator', () => {
    const labels = [lab('a', 1, [0, 0, 10, 10]), lab('q', 1, [0, 0, 10, 10])];
    expect(matchToObjects([objects[0]!], labels)).toEqual([0, -1]);
  });
});

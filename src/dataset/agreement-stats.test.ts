import { describe, expect, it } from 'vitest';
import type { Box } from './label-overlap.js';
import { AgreementAccumulator, type Vote } from './agreement-stats.js';

const v = (annotator: string, cls: string, box: Box): Vote => ({ annotator, cls, box });

/**
 * Hand-computed example (one image, three objects, annotators A, B, C):
 * o1: A cat, B cat, C dog (same box); o2: A dog [20,20,10,10], B dog [20,20,10,5] (IoU 0.5);
 * o3: A cat, C cat (same box).
 * (A,B): labels 3 + 2, matches o1, o2: F1 4/5, IoU (1 + 0.5)/2, kappa (1 - 0.5)/(1 - 0.5) = 1.
 * (A,C): labels 3 + 2, match o3: F1 2/5, IoU 1; shared o1, o3: po 0.5, pe 1 * 0.5 = 0.5, kappa 0.
 * (B,C): labels 2 + 2, no match: F1 0; shared o1: po 0, pe 0, kappa 0.
 * Fleiss: P = (1/3 + 1 + 1)/3 = 7/9; p_cat 4/7, p_dog 3/7, Pe 25/49; kappa 118/216.
 * All: F1 2 * 3 / 14, mean IoU 2.5 / 3. Classes: cat 2 * 2 / 8, dog 2 * 1 / 6.
 */
function example(perImage = false): AgreementAccumulator {
  const acc = new AgreementAccumulator(perImage);
  const b1: Box = [0, 0, 10, 10];
  const b3: Box = [40, 40, 10, 10];
  acc.addImage('img', [
    [v('A', 'cat', b1), v('B', 'cat', b1), v('C', 'dog', b1)],
    [v('A', 'dog', [20, 20, 10, 10]), v('B', 'dog', [20, 20, 10, 5])],
    [v('C', 'cat', b3), v('A', 'cat', b3)],
  ]);
  return acc;
}

describe('AgreementAccumulator', () => {
  it('matches the hand-computed pairwise F1, Cohen kappa, mean IoU and Fleiss kappa', () => {
    const r = example().report();
    expect(r.annotators).toEqual(['A', 'B', 'C']);
    expect(r.objects).toBe(3);
    expect(r.labels).toBe(7);
    const pair = (a: string, b: string) => r.pairs.find((p) => p.a === a && p.b === b)!;
    expect(pair('A', 'B')).toMatchObject({ f1: 0.8, kappa: 1, mean_iou: 0.75, matches: 2 });
    expect(pair('A', 'C')).toMatchObject({ f1: 0.4, kappa: 0, mean_iou: 1, matches: 1 });
    expect(pair('B', 'C')).toMatchObject({ f1: 0, kappa: 0, mean_iou: null, matches: 0 });
    expect(r.fleiss_kappa).toBeCloseTo(118 / 216, 12);
    expect(r.f1).toBeCloseTo(6 / 14, 12);
    expect(r.mean_iou).toBeCloseTo(2.5 / 3, 12);
  });

  it('groups by class, by image and by annotator', () => {
    const acc = example(true);
    const byClass = acc.groups('class');
    expect(byClass.map((g) => [g.key, g.labels, g.f1])).toEqual([
      ['cat', 8, 0.5],
      ['dog', 6, 1 / 3],
    ]);
    expect(acc.groups('image')).toEqual([
      { key: 'img', labels: 14, f1: 6 / 14, mean_iou: 2.5 / 3 },
    ]);
    const byAnnotator = acc.byAnnotator(acc.report());
    expect(byAnnotator[0]).toMatchObject({ key: 'A', labels: 3, kappa: 0.5 });
    expect(byAnnotator[0]!.f1).toBeCloseTo(0.6, 12);
    expect(byAnnotator[2]).toMatchObject({ key: 'C', labels: 2, kappa: 0 });
    expect(byAnnotator[2]!.f1).toBeCloseTo(0.2, 12);
  });

  it('Fleiss kappa is 1 when everyone agrees on varied classes, null with no shared object', () => {
    const acc = new AgreementAccumulator();
    acc.addImage('i', [
      [v('A', 'cat', [0, 0, 1, 1]), v('B', 'cat', [0, 0, 1, 1])],
      [v('A', 'dog', [5, 5, 1, 1]), v('B', 'dog', [5, 5, 1, 1])],
    ]);
    expect(acc.report().fleiss_kappa).toBe(1);
    const lone = new AgreementAccumulator();
    lone.addImage('i', [[v('A', 'cat', [0, 0, 1, 1])]]);
    expect(lone.report().fleiss_kappa).toBeNull();
  });
});

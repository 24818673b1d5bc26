import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Box } from './label-overlap.js';
import { AgreementAccumulator, objectAgreement, type Vote } from './agreement-stats.js';

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

describe('objectAgreement', () => {
  it('scores the hand-computed example: the share of the image pairs that match on the object', () => {
    const b1: Box = [0, 0, 10, 10];
    // o1 of the example: A and B match, C names another class: 1 of 3 pairs.
    expect(objectAgreement([v('A', 'cat', b1), v('B', 'cat', b1), v('C', 'dog', b1)], 3)).toBe(
      1 / 3,
    );
    // o2: A and B at IoU 0.5 (the threshold) match; C did not label it: 1 of 3.
    const o2 = [v('A', 'dog', [20, 20, 10, 10]), v('B', 'dog', [20, 20, 10, 5])];
    expect(objectAgreement(o2, 3)).toBe(1 / 3);
    expect(objectAgreement([v('A', 'cat', b1)], 1)).toBeNull();
    expect(objectAgreement([v('A', 'cat', b1)], 2)).toBe(0);
  });

  const box = fc
    .tuple(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 40 }))
    .map(([x, y]): Box => [x, y, 20, 20]);
  const cls = fc.constantFrom('cat', 'dog');
  /** Images where every annotator labeled every object: one (class, box) per annotator and object. */
  const fullImages = fc.integer({ min: 2, max: 4 }).chain((annotators) =>
    fc.array(fc.array(fc.tuple(cls, box), { minLength: annotators, maxLength: annotators }), {
      minLength: 1,
      maxLength: 6,
    }),
  );

  it('is independent of vote order, within [0, 1] (property)', () => {
    fc.assert(
      fc.property(fullImages, fc.nat(), (objects, seed) => {
        for (const votes of objects) {
          const vs = votes.map(([c, b], i) => v(`a${i}`, c, b));
          const shuffled = [...vs].sort((x, y) =>
            x.annotator + seed < y.annotator + seed ? 1 : -1,
          );
          const score = objectAgreement(vs, vs.length)!;
          expect(objectAgreement(shuffled, vs.length)).toBe(score);
          expect(score).toBeGreaterThanOrEqual(0);
          expect(score).toBeLessThanOrEqual(1);
        }
      }),
    );
  });

  it('averages over the objects to the mean pairwise F1 when everyone labeled everything (property)', () => {
    fc.assert(
      fc.property(fullImages, (objects) => {
        const acc = new AgreementAccumulator();
        const votes = objects.map((o) => o.map(([c, b], i) => v(`a${i}`, c, b)));
        acc.addImage('img', votes);
        const f1s = acc.report().pairs.map((p) => p.f1!);
        const meanF1 = f1s.reduce((x, y) => x + y, 0) / f1s.length;
        const n = votes[0]!.length;
        const scores = votes.map((o) => objectAgreement(o, n)!);
        expect(scores.reduce((x, y) => x + y, 0) / scores.length).toBeCloseTo(meanF1, 9);
      }),
    );
  });
});

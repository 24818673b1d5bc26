/**
 * Migrating an object of the several-annotator trees (issue 18): property test that every
 * annotator's labeling after the migration (`labelingOf` of the new reference and the new
 * delta) is exactly `migrateLabel` of their labeling before, whatever the labelings, ops and
 * policies; an annotator who agreed with the reference keeps an empty delta under auto ops;
 * review ops change nothing and are counted.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  annotationOf,
  decodeAnnotation,
  labelingOf,
  type Annotation,
} from '../dataset/annotation-record.js';
import type { LabelContent } from '../dataset/label-line.js';
import { applyDelta } from './delta.js';
import { parseDeltaOps } from './delta-ops.js';
import { migrateLabel, resolvePolicies } from './migrate-label.js';
import { migrateObject } from './migrate-object.js';
import { migrationSteps } from './migration-steps.js';
import { tax } from './testing.js';

const V1 = tax([1, 'person'], [2, 'car'], [3, 'truck'], [4, 'bus']);
const NAMES = ['person', 'car', 'truck', 'bus'];

const OPS = [
  { op: 'rename_class', id: 2, to: 'automobile' },
  { op: 'merge_classes', from: [3], into: 4 },
  { op: 'rename_class', id: 1, to: 'pedestrian' },
];

function planned(policy: 'auto' | 'review') {
  const steps = migrationSteps([
    { version: '2', parent: V1, ops: applyDelta(V1, parseDeltaOps(OPS)).ops },
  ]);
  return resolvePolicies(steps, { rename_class: policy, merge_classes: policy });
}

const content = fc.record({
  id: fc.integer({ min: 1, max: 4 }),
  bbox: fc.tuple(fc.nat(50), fc.nat(50), fc.integer({ min: 1, max: 20 }), fc.integer({ min: 1, max: 20 })),
  at: fc.option(fc.constantFrom('2026-01-01T00:00:00Z', '2026-02-01T00:00:00Z'), { nil: undefined }),
}).map(({ id, bbox, at }): LabelContent => ({
  category_id: id,
  category: NAMES[id - 1]!,
  bbox,
  ...(at !== undefined ? { annotated_at: at } : {}),
})); // prettier-ignore

/** An object as the import path stores it: the first labeling is the reference. */
function stored(labelings: readonly LabelContent[], agreeing: number) {
  const { annotated_at: _t, ...reference } = labelings[0]!;
  const annotations = labelings.map((c, n) => {
    const own = n < agreeing ? reference : c;
    return { annotator: `a${n}`, annotation: annotationOf(reference, own, 'o', 'o') };
  });
  return { object: 'o', reference, annotations };
}

describe('migrateObject', () => {
  it.each(['auto', 'review'] as const)(
    'each labeling after a %s migration is migrateLabel of it before',
    (policy) => {
      const steps = planned(policy);
      fc.assert(
        fc.property(
          fc.array(content, { minLength: 1, maxLength: 4 }),
          fc.nat(4),
          (labelings, agreeing) => {
            const o = stored(labelings, agreeing);
            const m = migrateObject(steps, o);
            const reference = m.reference ?? o.reference;
            const after = new Map<string, Annotation>(
              o.annotations.map((a) => [a.annotator, a.annotation]),
            );
            for (const a of m.annotations) after.set(a.annotator, decodeAnnotation(a.bytes));
            let rewritten = 0;
            for (const { annotator, annotation } of o.annotations) {
              const expected = migrateLabel(steps, labelingOf(o.reference, annotation));
              if (expected.rewritten) rewritten++;
              expect(labelingOf(reference, after.get(annotator)!)).toEqual(expected.content);
              if (Object.keys(annotation).length === 0) expect(after.get(annotator)).toEqual({});
            }
            expect(m.rewritten).toBe(rewritten);
            if (policy === 'review') {
              expect(m.reference).toBeUndefined();
              expect(m.annotations).toEqual([]);
            }
          },
        ),
      );
    },
  );

  it('counts the labelings a review op hit and rewrites none', () => {
    const o = stored(
      [
        { category_id: 2, category: 'car', bbox: [0, 0, 5, 5] },
        { category_id: 3, category: 'truck', bbox: [0, 0, 5, 5] },
      ],
      0,
    );
    const m = migrateObject(planned('review'), o);
    expect([m.rewritten, m.marked, m.annotations.length]).toEqual([0, 2, 0]);
    const auto = migrateObject(planned('auto'), o);
    expect(auto.reference).toMatchObject({ category: 'automobile' });
    expect([auto.rewritten, auto.marked]).toEqual([2, 0]);
  });
});

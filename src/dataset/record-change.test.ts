/**
 * Field-level changes and geometry movement (`record-change.ts`): examples for the paths and
 * the movement numbers, and properties over random JSON records: no change iff structurally
 * equal, and applying the reported changes to `before` gives `after` (nothing missed, nothing
 * invented).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { JsonValue } from '../core/canonical.js';
import { fieldChanges, geometryMovement, sameValue, type FieldChange } from './record-change.js';

type Obj = { [k: string]: JsonValue };

describe('fieldChanges', () => {
  it('names nested members by path, absent sides left out, in path order', () => {
    const before = { bbox: [1, 2, 3, 4], attributes: { occluded: false }, area: 12 };
    const after = {
      area: 12,
      bbox: [1, 2, 3, 5],
      attributes: { occluded: true, pose: 'Left', difficult: false },
    };
    expect(fieldChanges(before, after)).toEqual([
      { field: 'attributes.difficult', after: false },
      { field: 'attributes.occluded', before: false, after: true },
      { field: 'attributes.pose', after: 'Left' },
      { field: 'bbox', before: [1, 2, 3, 4], after: [1, 2, 3, 5] },
    ]);
  });

  it('compares a non-object record whole, and a member turned into an object as one field', () => {
    expect(fieldChanges('train', 'val')).toEqual([{ field: '', before: 'train', after: 'val' }]);
    expect(fieldChanges({ a: 1 }, { a: { b: 1 } })).toEqual([
      { field: 'a', before: 1, after: { b: 1 } },
    ]);
    expect(fieldChanges({ a: null }, {})).toEqual([{ field: 'a', before: null }]);
  });

  const json: fc.Arbitrary<JsonValue> = fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<JsonValue>;
  const record = fc.dictionary(fc.constantFrom('a', 'b', 'c', 'd'), json, { maxKeys: 4 });

  it('reports nothing exactly when the values are structurally equal', () => {
    fc.assert(
      fc.property(json, json, (a, b) => {
        expect(fieldChanges(a, b).length === 0).toBe(sameValue(a, b));
        expect(fieldChanges(a, a)).toEqual([]);
      }),
      { seed: 10, numRuns: 400 },
    );
  });

  it('applying the reported changes to before gives after', () => {
    fc.assert(
      fc.property(record, record, (a, b) => {
        // A member name holding '.' or '' makes the dotted path ambiguous (rare in labels).
        fc.pre(!hasAmbiguousName(a) && !hasAmbiguousName(b));
        const patched = applyChanges(a, fieldChanges(a, b));
        expect(sameValue(patched, b)).toBe(true);
      }),
      { seed: 11, numRuns: 400 },
    );
  });
});

function hasAmbiguousName(v: JsonValue): boolean {
  if (v === null || typeof v !== 'object') return false;
  if (Array.isArray(v)) return false;
  return Object.entries(v).some(([k, x]) => k === '' || k.includes('.') || hasAmbiguousName(x));
}

/** Sets (or deletes, when `after` is absent) each changed path in a copy of `before`. */
function applyChanges(before: Obj, changes: readonly FieldChange[]): Obj {
  const out = structuredClone(before);
  for (const c of changes) {
    const path = c.field.split('.');
    let at: Obj = out;
    for (const p of path.slice(0, -1)) {
      if (typeof at[p] !== 'object' || at[p] === null || Array.isArray(at[p])) at[p] = {};
      at = at[p] as Obj;
    }
    const last = path[path.length - 1]!;
    if (c.after === undefined) delete at[last];
    else at[last] = c.after;
  }
  return out;
}

describe('geometryMovement', () => {
  it('gives the box movement and IoU of old and new box', () => {
    const m = geometryMovement({ bbox: [10, 20, 100, 50] }, { bbox: [12, 20, 100, 50] });
    // Overlap 98 x 50 over a union of 102 x 50.
    expect(m).toEqual({
      box: { dx: 2, dy: 0, dw: 0, dh: 0, iou: Math.round((98 / 102) * 1e4) / 1e4 },
    });
    expect(geometryMovement({ bbox: [0, 0, 10, 10] }, { bbox: [0, 0, 10, 10], area: 5 })).toBe(
      undefined,
    );
  });

  it("uses a polygon's extent when there is no bbox", () => {
    const square = (x: number) => ({ segmentation: [[x, 0, x + 10, 0, x + 10, 10, x, 10]] });
    expect(geometryMovement(square(0), square(5))?.box).toMatchObject({ dx: 5, iou: 0.3333 });
  });

  it('gives how many visible keypoints moved and how far on average', () => {
    const before = { keypoints: [0, 0, 2, 10, 10, 2, 5, 5, 0] };
    const after = { keypoints: [3, 4, 2, 10, 10, 2, 9, 9, 0] };
    expect(geometryMovement(before, after)).toEqual({ keypoints: { moved: 1, mean_distance: 5 } });
  });
});

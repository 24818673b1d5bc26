/**
 * Deltas: computeDelta/applyDelta round trips (property tests), exact reconstruction of every
 * version of a chain, explicit merge/split ops, and the consistency errors.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SchemaInvalidError } from './schema-errors.js';
import { applyDelta, computeDelta, replayDeltas } from './delta.js';
import { deltaFromFile } from './delta-hints.js';
import { parseDeltaOps, type DeltaOp } from './delta-ops.js';
import { canonicalText, EMPTY_TAXONOMY, taxonomyText } from './taxonomy.js';
import { tax, taxonomyArb } from './testing.js';

const SEED = 20260303;

describe('computeDelta / applyDelta', () => {
  it('applyDelta(p, computeDelta(p, c)) is exactly c, for random taxonomies', () => {
    fc.assert(
      fc.property(taxonomyArb, taxonomyArb, (p, c) => {
        const applied = applyDelta(p, computeDelta(p, c));
        expect(taxonomyText(applied.taxonomy)).toBe(taxonomyText(c));
        expect(applied.ops).toEqual(computeDelta(p, c));
      }),
      { seed: SEED, numRuns: 400 },
    );
  });

  it('reconstructs every version of a chain exactly, also through stored (text) deltas', () => {
    fc.assert(
      fc.property(fc.array(taxonomyArb, { minLength: 1, maxLength: 6 }), (versions) => {
        const stored: string[] = [];
        let prev = EMPTY_TAXONOMY;
        for (const v of versions) {
          stored.push(canonicalText(computeDelta(prev, v)));
          prev = v;
        }
        versions.forEach((v, i) => {
          const deltas = stored.slice(0, i + 1).map((t) => parseDeltaOps(JSON.parse(t), 'delta'));
          expect(taxonomyText(replayDeltas(deltas))).toBe(taxonomyText(v));
        });
      }),
      { seed: SEED, numRuns: 150 },
    );
  });

  it('finds renames by id and orders ops: adds, per-class changes, removes', () => {
    const p = tax(
      [1, 'person'],
      [2, 'car', { attributes: { color: { type: 'string' } } }],
      [3, 'bus'],
    );
    const c = tax(
      [1, 'pedestrian'],
      [2, 'car', { attributes: { color: { type: 'enum', values: ['red'] } } }],
      [4, 'van'],
    );
    expect(computeDelta(p, c).map((o) => o.op)).toEqual([
      'add_class',
      'rename_class',
      'change_attribute',
      'remove_class',
    ]);
  });
});

describe('explicit ops', () => {
  const v1 = tax([1, 'person'], [2, 'car'], [3, 'truck']);

  it('merges: the sources disappear, labels will map to the target', () => {
    const ops = parseDeltaOps([{ op: 'merge_classes', from: [2, 3], into: 1 }]);
    expect(applyDelta(v1, ops).taxonomy).toEqual(tax([1, 'person']));
  });

  it('adds merge and split targets from classes just before the op, then computes the rest', () => {
    const classes = tax([1, 'human'], [5, 'sedan'], [6, 'suv'], [3, 'truck']);
    const ops = parseDeltaOps([{ op: 'split_class', id: 2, into: [5, 6], default: 5 }]);
    const d = deltaFromFile(v1, classes, ops);
    expect(d.ops.map((o) => o.op)).toEqual([
      'add_class',
      'add_class',
      'split_class',
      'rename_class',
    ]);
    expect(taxonomyText(d.taxonomy)).toBe(taxonomyText(classes));
  });

  it.each<[string, unknown[], string]>([
    ['a rename of an unknown class', [{ op: 'rename_class', id: 9, to: 'x' }], 'ops[0].id'],
    [
      'a rename whose from is stale',
      [{ op: 'rename_class', id: 1, from: 'human', to: 'x' }],
      'ops[0].from',
    ],
    ['a merge into a missing class', [{ op: 'merge_classes', from: [2], into: 8 }], 'ops[0].into'],
    ['a split into a missing class', [{ op: 'split_class', id: 2, into: [7, 8] }], 'ops[0].into'],
    ['a duplicate class id', [{ op: 'add_class', class: { id: 1, name: 'x' } }], 'ops[0].class.id'],
    [
      'a name taken twice',
      [{ op: 'add_class', class: { id: 7, name: 'car' } }],
      'result of the delta: class 7.name',
    ],
    [
      'an attribute removed twice',
      [{ op: 'remove_attribute', class: 1, name: 'a' }],
      'ops[0].name',
    ],
  ])('refuses %s, naming the field', (_what, raw, field) => {
    const run = () => applyDelta(v1, parseDeltaOps(raw));
    expect(run).toThrow(SchemaInvalidError);
    try {
      run();
    } catch (e) {
      expect((e as SchemaInvalidError).data['field']).toBe(field);
    }
  });

  it('refuses a merged-away class that is still listed in classes', () => {
    const ops: DeltaOp[] = [{ op: 'merge_classes', from: [3], into: 2 }];
    expect(() => deltaFromFile(v1, v1, ops)).toThrow(/merged away but still listed/);
  });

  it.each([
    [{ op: 'explode', id: 1 }, 'ops[0].op'],
    [{ op: 'split_class', id: 1, into: [2] }, 'ops[0].into'],
    [{ op: 'split_class', id: 1, into: [2, 3], default: 4 }, 'ops[0].default'],
    [{ op: 'merge_classes', from: [1], into: 1 }, 'ops[0].from'],
    [{ op: 'rename_class', id: 1, to: 'x', typo: 1 }, 'ops[0].typo'],
  ])('parses ops strictly: %j fails at %s', (raw, field) => {
    try {
      parseDeltaOps([raw]);
      expect.fail('expected an error');
    } catch (e) {
      expect((e as SchemaInvalidError).data['field']).toBe(field);
    }
  });
});

/**
 * Migration of labels: every delta op under `auto` and under `review`, policy resolution, and
 * the read-side projection (maps renames/merges, refuses with the blocking ops).
 */
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../core/errors.js';
import type { LabelContent } from '../dataset/label-line.js';
import { applyDelta } from './delta.js';
import { parseDeltaOps } from './delta-ops.js';
import { migrateLabel, resolvePolicies } from './migrate-label.js';
import { migrationSteps } from './migration-steps.js';
import { projectionTo } from './projection.js';
import { tax } from './testing.js';

const V1 = tax(
  [1, 'person', { attributes: { pose: { type: 'string' } }, keypoints: ['a', 'b'] }],
  [2, 'car', { attributes: { color: { type: 'enum', values: ['red', 'blue'] } } }],
  [3, 'truck'],
  [5, 'sedan'],
  [6, 'suv'],
);

function stepsFor(rawOps: unknown[]) {
  return migrationSteps([
    { version: '2', parent: V1, ops: applyDelta(V1, parseDeltaOps(rawOps)).ops },
  ]);
}

interface OpCase {
  readonly name: string;
  readonly op: Record<string, unknown>;
  readonly label: LabelContent;
  /** The content under auto; 'refused' when auto is not allowed. */
  readonly auto: LabelContent | 'refused';
}

const car = { category_id: 2, category: 'car', attributes: { color: 'red' } };
const person = {
  category_id: 1,
  category: 'person',
  keypoints: [1, 2, 2, 3, 4, 2],
  attributes: { pose: 'up' },
};

const CASES: OpCase[] = [
  {
    name: 'rename_class',
    op: { op: 'rename_class', id: 2, to: 'automobile' },
    label: car,
    auto: { ...car, category: 'automobile' },
  },
  {
    name: 'merge_classes',
    op: { op: 'merge_classes', from: [2], into: 3 },
    label: car,
    auto: { ...car, category_id: 3, category: 'truck' },
  },
  {
    name: 'split_class with default',
    op: { op: 'split_class', id: 2, into: [5, 6], default: 6 },
    label: car,
    auto: { ...car, category_id: 6, category: 'suv' },
  },
  {
    name: 'split_class without default',
    op: { op: 'split_class', id: 2, into: [5, 6] },
    label: car,
    auto: 'refused',
  },
  {
    name: 'remove_class',
    op: { op: 'remove_class', id: 3 },
    label: { category_id: 3, category: 'truck' },
    auto: 'refused',
  },
  { name: 'deprecate_class', op: { op: 'deprecate_class', id: 2 }, label: car, auto: car },
  {
    name: 'remove_attribute',
    op: { op: 'remove_attribute', class: 2, name: 'color' },
    label: car,
    auto: { ...car, attributes: {} },
  },
  {
    name: 'add_attribute (required)',
    op: { op: 'add_attribute', class: 2, name: 'make', spec: { type: 'string', required: true } },
    label: car,
    auto: 'refused',
  },
  {
    name: 'change_attribute (value no longer allowed)',
    op: { op: 'change_attribute', class: 2, name: 'color', to: { type: 'enum', values: ['blue'] } },
    label: car,
    auto: 'refused',
  },
  {
    name: 'update_class keypoints',
    op: { op: 'update_class', id: 1, field: 'keypoints', to: ['a', 'b', 'c'] },
    label: person,
    auto: 'refused',
  },
];

describe.each(CASES)('$name', ({ op, label, auto }) => {
  it('under review: content as it was, the label gets a reason', () => {
    const planned = resolvePolicies(stepsFor([op]), { 0: 'review' });
    const r = migrateLabel(planned, label);
    expect(r.content).toEqual(label);
    expect(r.rewritten).toBe(false);
    expect(r.hits).toEqual([0]);
    expect(r.reasons).toEqual([expect.stringContaining(`2 op 0: ${String(op['op'])}`)]);
  });

  it('under auto: the deterministic mapping, or refused when there is none', () => {
    const steps = stepsFor([op]);
    if (auto === 'refused') {
      expect(() => resolvePolicies(steps, { [String(op['op'])]: 'auto' })).toThrow(
        InvalidArgumentError,
      );
      return;
    }
    const r = migrateLabel(resolvePolicies(steps, { 0: 'auto' }), label);
    expect(r.content).toEqual(auto);
    expect(r.reasons).toEqual([]);
    expect(r.hits).toEqual([0]);
  });

  it('leaves labels of other classes alone', () => {
    const other = { category_id: 5, category: 'sedan' };
    const r = migrateLabel(resolvePolicies(stepsFor([op])), other);
    expect(r).toEqual({ content: other, rewritten: false, reasons: [], hits: [] });
  });
});

describe('policies', () => {
  const steps = stepsFor([
    { op: 'rename_class', id: 2, to: 'auto' },
    { op: 'split_class', id: 3, into: [5, 6], default: 5 },
    { op: 'add_class', class: { id: 9, name: 'bus' } },
  ]);

  it('defaults: rename/merge auto, label-touching rest review, no-label ops auto', () => {
    expect(resolvePolicies(steps).map((s) => s.policy)).toEqual(['auto', 'review', 'auto']);
  });

  it('an index wins over a kind', () => {
    const p = resolvePolicies(steps, { rename_class: 'review', 1: 'auto', split_class: 'review' });
    expect(p.map((s) => s.policy)).toEqual(['review', 'auto', 'auto']);
  });

  it.each([[{ 7: 'auto' }], [{ explode: 'auto' }], [{ 0: 'maybe' }]])('refuses %j', (o) => {
    expect(() => resolvePolicies(steps, o)).toThrow(InvalidArgumentError);
  });

  it('runs steps in order on the evolving label (a rename after a merge names the target)', () => {
    const chain = stepsFor([
      { op: 'merge_classes', from: [2], into: 3 },
      { op: 'rename_class', id: 3, to: 'lorry' },
    ]);
    const r = migrateLabel(resolvePolicies(chain), { category: 'car' });
    expect(r.content).toEqual({ category: 'lorry' }); // a label naming its class by name only keeps that form
    expect(r.hits).toEqual([0, 1]);
  });
});

describe('projectionTo', () => {
  it('maps renames and merges on read; other no-label ops pass', () => {
    const p = projectionTo(
      stepsFor([
        { op: 'rename_class', id: 1, to: 'human' },
        { op: 'merge_classes', from: [5, 6], into: 2 },
        { op: 'add_class', class: { id: 9, name: 'bus' } },
        { op: 'deprecate_class', id: 3 },
      ]),
    );
    if (!p.ok) throw new Error('expected a projection');
    expect(p.map({ category_id: 6, category: 'suv', bbox: [1, 2, 3, 4] })).toEqual({
      category_id: 2,
      category: 'car',
      bbox: [1, 2, 3, 4],
    });
    expect(p.map({ category_id: 1, category: 'person' })).toEqual({
      category_id: 1,
      category: 'human',
    });
  });

  it('refuses with the list of blocking review ops', () => {
    const p = projectionTo(
      stepsFor([
        { op: 'rename_class', id: 1, to: 'human' },
        { op: 'split_class', id: 2, into: [5, 6] },
        { op: 'add_attribute', class: 3, name: 'axles', spec: { type: 'number', required: true } },
      ]),
    );
    expect(p).toEqual({
      ok: false,
      blocking: [
        "2 op 1: split_class 2 'car' into 5 'sedan', 6 'suv'",
        "2 op 2: add_attribute 'axles' of 3 'truck'",
      ],
    });
  });
});

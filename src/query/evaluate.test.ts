/**
 * The compiled evaluator against a direct reference implementation of the documented semantics,
 * on random records and random small expressions (fast-check, fixed seed), plus the edge cases.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeValue } from '../core/canonical.js';
import { encodeLabelKey } from '../dataset/label-key.js';
import { changeSetName, compileFilter, filterNeeds } from './evaluate.js';
import { parseFilter } from './parser.js';
import { keyIdOf, RecordView } from './record-view.js';

const NOW = Date.parse('2026-08-13T15:30:00Z');

interface Rec {
  readonly image: string;
  readonly label: string;
  readonly content: Record<string, unknown>;
  readonly review: Record<string, unknown> | null;
  readonly asset: Record<string, unknown> | null;
  readonly split: string | undefined;
  readonly changed: boolean;
}

type Op = '=' | '!=' | '<' | '<=' | '>' | '>=';
type Spec =
  | { t: 'and' | 'or'; a: Spec; b: Spec }
  | { t: 'not'; a: Spec }
  | { t: 'cmp'; field: string; op: Op; v: number | boolean | string; date?: boolean }
  | { t: 'in'; field: string; vs: string[] }
  | { t: 'exists'; field: string }
  | { t: 'period'; field: string; p: 'last_month' | 'this_quarter' | '-30d' }
  | { t: 'changed' };

const CLASSES = ['person', 'car', 'dog'];
const DAYS = ['2026-05-20', '2026-06-30', '2026-07-01', '2026-07-15', '2026-08-13', '2026-08-20'];
const OPS: Op[] = ['=', '!=', '<', '<=', '>', '>='];

const maybe = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });
const instantArb = fc
  .tuple(fc.constantFrom(...DAYS), fc.integer({ min: 0, max: 23 }))
  .map(([d, h]) => `${d}T${String(h).padStart(2, '0')}:00:00Z`);

const recArb: fc.Arbitrary<Rec> = fc
  .record({
    image: fc.constantFrom('00000001', '00000002', 'abc'),
    label: fc.constantFrom('1', '2', '10'),
    cls: maybe(fc.constantFrom(...CLASSES)),
    area: maybe(fc.integer({ min: 0, max: 100 })),
    occluded: maybe(fc.boolean()),
    annotatedAt: maybe(instantArb),
    geometry: fc.constantFrom('none', 'bbox', 'polygon'),
    review: maybe(
      fc.record({ status: maybe(fc.constantFrom('approved', 'pending')), at: maybe(instantArb) }),
    ),
    width: maybe(fc.constantFrom(640, 1280)),
    split: maybe(fc.constantFrom('train', 'val')),
    changed: fc.boolean(),
  })
  .map((r) => {
    const content: Record<string, unknown> = {};
    if (r.cls !== undefined) content['category'] = r.cls;
    if (r.area !== undefined) content['area'] = r.area;
    if (r.occluded !== undefined) content['attributes'] = { occluded: r.occluded };
    if (r.annotatedAt !== undefined) content['annotated_at'] = r.annotatedAt;
    if (r.geometry !== 'none') content['bbox'] = [1, 2, 3, 4];
    if (r.geometry === 'polygon') content['segmentation'] = [[0, 0, 1, 0, 1, 1]];
    const review = r.review
      ? {
          ...(r.review.status ? { status: r.review.status } : {}),
          ...(r.review.at ? { reviewed_at: r.review.at } : {}),
        }
      : null;
    return {
      image: r.image,
      label: r.label,
      content,
      review,
      asset: r.width === undefined ? null : { width: r.width },
      split: r.split,
      changed: r.changed,
    };
  });

const atomArb: fc.Arbitrary<Spec> = fc.oneof(
  fc.record({
    t: fc.constant('cmp' as const),
    field: fc.constant('class'),
    op: fc.constantFrom(...OPS),
    v: fc.constantFrom(...CLASSES),
  }),
  fc.record({
    t: fc.constant('cmp' as const),
    field: fc.constantFrom('area', 'image.width'),
    op: fc.constantFrom(...OPS),
    v: fc.integer({ min: -5, max: 1300 }),
  }),
  fc.record({
    t: fc.constant('cmp' as const),
    field: fc.constant('attributes.occluded'),
    op: fc.constantFrom(...OPS),
    v: fc.boolean(),
  }),
  fc.record({
    t: fc.constant('cmp' as const),
    field: fc.constantFrom('annotated_at', 'review.at'),
    op: fc.constantFrom(...OPS),
    v: fc.constantFrom(...DAYS),
    date: fc.constant(true),
  }),
  fc.record({
    t: fc.constant('cmp' as const),
    field: fc.constantFrom('image', 'label', 'split', 'kind'),
    op: fc.constantFrom(...OPS),
    v: fc.constantFrom('00000002', '2', 'train', 'box', 'polygon'),
  }),
  fc.record({
    t: fc.constant('in' as const),
    field: fc.constantFrom('review.status', 'class', 'kind'),
    vs: fc.array(fc.constantFrom('approved', 'pending', 'car', 'dog', 'tag', 'box'), {
      minLength: 1,
      maxLength: 3,
    }),
  }),
  fc.record({
    t: fc.constant('exists' as const),
    field: fc.constantFrom(
      'class',
      'review.status',
      'review.at',
      'attributes.occluded',
      'image.width',
      'split',
    ),
  }),
  fc.record({
    t: fc.constant('period' as const),
    field: fc.constantFrom('annotated_at', 'review.at'),
    p: fc.constantFrom('last_month' as const, 'this_quarter' as const, '-30d' as const),
  }),
  fc.constant({ t: 'changed' as const }),
);

const specArb: fc.Arbitrary<Spec> = fc.letrec<{ e: Spec }>((tie) => ({
  e: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    atomArb,
    fc.record({ t: fc.constantFrom('and' as const, 'or' as const), a: tie('e'), b: tie('e') }),
    fc.record({ t: fc.constant('not' as const), a: tie('e') }),
  ),
})).e;

/** The expression text; binary nodes are always parenthesised (precedence is tested in parser.test.ts). */
function render(s: Spec): string {
  const lit = (v: unknown) =>
    typeof v === 'string' && !/^[\w-]+$/.test(v) ? JSON.stringify(v) : String(v);
  switch (s.t) {
    case 'and':
    case 'or':
      return `(${render(s.a)} ${s.t} ${render(s.b)})`;
    case 'not':
      return `not ${render(s.a)}`;
    case 'cmp':
      return `${s.field} ${s.op} ${typeof s.v === 'string' && !s.date ? JSON.stringify(s.v) : lit(s.v)}`;
    case 'in':
      return `${s.field} in (${s.vs.map((v) => JSON.stringify(v)).join(', ')})`;
    case 'exists':
      return `exists ${s.field}`;
    case 'period':
      return `${s.field} in ${s.p}`;
    case 'changed':
      return 'changed_since(base)';
  }
}

/** The field's value, read directly from the plain record. */
function valueOf(r: Rec, field: string): unknown {
  const c = r.content;
  switch (field) {
    case 'image':
      return r.image;
    case 'label':
      return r.label;
    case 'class':
      return c['category'];
    case 'area':
      return c['area'];
    case 'annotated_at':
      return c['annotated_at'];
    case 'attributes.occluded':
      return (c['attributes'] as { occluded?: boolean } | undefined)?.occluded;
    case 'kind':
      return c['segmentation']
        ? 'polygon'
        : c['bbox']
          ? 'box'
          : c['category']
            ? 'tag'
            : 'attributes';
    case 'review.status':
      return r.review?.['status'];
    case 'review.at':
      return r.review?.['reviewed_at'];
    case 'image.width':
      return r.asset?.['width'];
    case 'split':
      return r.split;
  }
  throw new Error(field);
}

function refCompare(x: unknown, op: Op, v: number | boolean | string, date: boolean): boolean {
  if (op === '!=') return !refCompare(x, '=', v, date);
  let d: number;
  if (typeof v === 'boolean') return op === '=' && x === v;
  if (typeof v === 'number') {
    if (typeof x !== 'number') return false;
    d = x - v;
  } else if (date) {
    if (typeof x !== 'string') return false;
    d = Date.parse(x) - Date.parse(`${v}T00:00:00Z`);
  } else {
    if (typeof x !== 'string') return false;
    d = x === v ? 0 : x < v ? -1 : 1;
  }
  return { '=': d === 0, '<': d < 0, '<=': d <= 0, '>': d > 0, '>=': d >= 0 }[op];
}

const PERIODS = {
  last_month: [Date.UTC(2026, 6, 1), Date.UTC(2026, 7, 1)],
  this_quarter: [Date.UTC(2026, 6, 1), Date.UTC(2026, 9, 1)],
  '-30d': [NOW - 30 * 86_400_000, Infinity],
} as const;

function reference(s: Spec, r: Rec): boolean {
  switch (s.t) {
    case 'and':
      return reference(s.a, r) && reference(s.b, r);
    case 'or':
      return reference(s.a, r) || reference(s.b, r);
    case 'not':
      return !reference(s.a, r);
    case 'cmp':
      return refCompare(valueOf(r, s.field), s.op, s.v, s.date === true);
    case 'in':
      return s.vs.includes(valueOf(r, s.field) as string);
    case 'exists':
      return valueOf(r, s.field) !== undefined;
    case 'period': {
      const x = valueOf(r, s.field);
      const [from, to] = PERIODS[s.p];
      return typeof x === 'string' && Date.parse(x) >= from && Date.parse(x) < to;
    }
    case 'changed':
      return r.changed;
  }
}

function evaluate(expression: string, records: readonly Rec[]): boolean[] {
  const ast = parseFilter(expression, { now: NOW });
  const keys = records.map((r) => encodeLabelKey(r.image, r.label));
  const changed = new Set(keys.filter((_, i) => records[i]!.changed).map(keyIdOf));
  const predicate = compileFilter(ast, new Map([[changeSetName('labels', 'base'), changed]]));
  const view = new RecordView();
  return records.map((r, i) =>
    predicate(
      view.reset(
        keys[i]!,
        encodeValue(r.content),
        r.review ? encodeValue(r.review) : undefined,
        r.asset ? encodeValue(r.asset) : undefined,
        r.split === undefined ? undefined : encodeValue(r.split),
      ),
    ),
  );
}

describe('evaluate', () => {
  it('agrees with the reference implementation on random records and expressions', () => {
    fc.assert(
      fc.property(
        specArb,
        fc.uniqueArray(recArb, {
          minLength: 1,
          maxLength: 9,
          selector: (r) => `${r.image}/${r.label}`,
        }),
        (spec, records) => {
          expect(evaluate(render(spec), records)).toEqual(records.map((r) => reference(spec, r)));
        },
      ),
      { seed: 20261126, numRuns: 600 },
    );
  });

  it('says which trees and change sets an expression needs', () => {
    const needs = filterNeeds(
      parseFilter(
        'class = a and (review.status = approved or changed_since(v1)) and not review_changed_since(v1)',
        { now: NOW },
      ),
    );
    expect(needs).toEqual({
      reviews: true,
      assets: false,
      splits: false,
      changes: [
        { tree: 'labels', ref: 'v1' },
        { tree: 'reviews', ref: 'v1' },
      ],
      predictions: [],
      annotations: false,
    });
    expect(filterNeeds(parseFilter('agreement < 0.6 or annotators >= 3')).annotations).toBe(true);
    expect(
      filterNeeds(
        parseFilter('pred(a@1).class != class or not matched(pred(b@1)) or pred(a@1).score < 1'),
      ).predictions,
    ).toEqual(['a@1', 'b@1']);
    expect(filterNeeds(parseFilter('image.width > 3 or split = val', { now: NOW }))).toMatchObject({
      reviews: false,
      assets: true,
      splits: true,
    });
  });

  it.each([
    ['pred(m@1).score < 0.4', true, false, false],
    ['pred(m@1).score >= 0.3', true, false, false],
    ['pred(m@1).class != class', true, false, false],
    ['pred(m@1).class = class', false, false, false],
    ['class = pred(m@1).class', false, false, false],
    ['pred(m@1).class = dog', true, false, false],
    ['pred(m@1).prediction = p7', true, false, false],
    ['pred(m@1).margin < 0', true, false, false], // [0.35, 0.65] without scores: 2 * 0.35 - 1
    ['pred(m@1).entropy > 0.6', true, false, false],
    ['iou(pred(m@1), label) < 0.5', false, true, true],
    ['iou(pred(m@1), label) = 0.25', false, true, false],
    ['matched(pred(m@1))', true, false, false],
    ['not matched(pred(m@1))', false, true, true],
    ['pred(m@1).score != 2', true, true, true], // `!=` is `not =`, as for any field
  ])('%s: matched %s, unmatched (iou 0.25) %s, no predictions %s', (where, ...expected) => {
    const pred = compileFilter(parseFilter(where, { now: NOW }));
    const key = encodeLabelKey('img', '1');
    const label = encodeValue({ category: 'cat', bbox: [0, 0, 10, 10] });
    const of = [
      { prediction: { id: 'p7', content: { category: 'dog', score: 0.35 } }, iou: 0.8 },
      { iou: 0.25 },
      undefined,
    ];
    const got = of.map((o) =>
      pred(
        new RecordView().reset(key, label).withPredictions((m) => (m === 'm@1' ? o : undefined)),
      ),
    );
    expect(got).toEqual(expected);
  });

  it.each([
    ['annotators >= 3', true, false, false],
    ['annotators = 0', false, false, true],
    ['agreement < 0.6', true, false, false],
    ['agreement = 1', false, false, false],
    ['exists agreement', true, false, false],
    ['not exists agreement', false, true, true],
    ['annotators = 1 and agreement < 0.5', false, false, false],
  ])('%s: object of 3 at 1/3 %s, of 1 alone %s, no object %s', (where, ...expected) => {
    const pred = compileFilter(parseFilter(where, { now: NOW }));
    const [key, label] = [encodeLabelKey('img', '1'), encodeValue({ category: 'cat' })];
    const of = [{ annotators: 3, agreement: 1 / 3 }, { annotators: 1, agreement: null }, undefined];
    expect(of.map((o) => pred(new RecordView().reset(key, label).withAnnotations(o)))).toEqual(
      expected,
    );
  });

  it.each([
    ['track.length > 100', true, false],
    ['track.keyframes = 3', true, true],
    ['frame in 100..200', true, false],
    ['frame in 0..9', false, false],
    ['frame in 50..60 and track.first = 10', false, false],
    ['frame in 220..300', true, false],
    ['not frame in 0..1000', false, true],
    ['track.last in 200..250 and track.class = car', true, false],
    ['exists track.first', true, false],
  ])('tracks: %s: two visible runs %s, never visible %s', (where, ...expected) => {
    const pred = compileFilter(parseFilter(where, { now: NOW, subject: 'tracks' }));
    const [key, record] = [encodeLabelKey('v', '7'), encodeValue({ category: 'car' })];
    const visible = {
      length: 161,
      keyframes: 3,
      first: 20,
      last: 250,
      spans: [
        [20, 99],
        [170, 250],
      ] as const,
    };
    const never = { length: 0, keyframes: 3, first: null, last: null, spans: [] };
    const got = [visible, never].map((t) => pred(new RecordView().reset(key, record).withTrack(t)));
    expect(got).toEqual(expected);
  });

  it.each([
    ['image = 00000001', true], // a numeral compares with a string value as its text
    ['label < 2', true], // strings order by code units: "10" < "2"
    ['area != 5', true], // missing value: = is false, != is true
    ['area < 5', false],
    ['annotated_at >= 2026-07-01T09:59:59+02:00', true], // an offset instant
    ['annotated_at = 2026-07-01T10:00:00.000Z', true], // instants compare by time, not spelling
    ['attributes.occluded > false', false], // booleans are unordered
    ['exists attributes', false], // `attributes` alone is not a field
  ])('%s -> %s', (expression, expected) => {
    const rec: Rec = {
      image: '00000001',
      label: '10',
      content: { annotated_at: '2026-07-01T10:00:00Z', attributes: { occluded: true } },
      review: null,
      asset: null,
      split: undefined,
      changed: false,
    };
    if (expression.startsWith('exists attributes')) {
      expect(() => evaluate(expression, [rec])).toThrow(/unknown field 'attributes'/);
      return;
    }
    expect(evaluate(expression, [rec])).toEqual([expected]);
  });
});

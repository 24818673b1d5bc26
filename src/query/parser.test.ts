import { describe, expect, it } from 'vitest';
import { QuerySyntaxError } from './query-errors.js';
import type { Expr, Literal } from './ast.js';
import { tokenize } from './lexer.js';
import { parseFilter } from './parser.js';

const NOW = Date.parse('2026-08-15T12:00:00Z');
const parse = (s: string): Expr => parseFilter(s, { now: NOW });

/** A compact rendering of a tree: fields by name, literals by their interpretation. */
function show(e: Expr): string {
  const lit = (l: Literal) =>
    l.number !== undefined
      ? `#${l.number}`
      : l.bool !== undefined
        ? `${l.bool}`
        : l.instant !== undefined
          ? `@${new Date(l.instant).toISOString()}`
          : JSON.stringify(l.text);
  switch (e.type) {
    case 'and':
    case 'or':
      return `(${show(e.left)} ${e.type} ${show(e.right)})`;
    case 'not':
      return `not ${show(e.expr)}`;
    case 'compare':
      return `${e.field.name} ${e.op} ${lit(e.value)}`;
    case 'in':
      return `${e.field.name} in [${e.values.map(lit).join(', ')}]`;
    case 'in_period':
      return `${e.field.name} in ${e.period}`;
    case 'in_range':
      return `${e.field.name} in ${e.from}..${e.to}`;
    case 'exists':
      return `exists ${e.field.name}`;
    case 'changed':
      return `${e.tree}_changed(${e.ref})`;
    case 'matched':
      return `matched(${e.model})`;
    case 'compare_fields':
      return `${e.left.name} ${e.op} field ${e.right.name}`;
  }
}

describe('lexer', () => {
  it('splits words, strings, operators and punctuation with 1-based columns', () => {
    const t = tokenize('class="traffic light" and area>=12.5,(x)');
    expect(t.map((x) => [x.type, x.text, x.column])).toEqual([
      ['word', 'class', 1],
      ['op', '=', 6],
      ['string', 'traffic light', 7],
      ['word', 'and', 23],
      ['word', 'area', 27],
      ['op', '>=', 31],
      ['word', '12.5', 33],
      [',', ',', 37],
      ['(', '(', 38],
      ['word', 'x', 39],
      [')', ')', 40],
      ['end', '', 41],
    ]);
  });

  it('reads JSON escapes in strings and == as =', () => {
    expect(tokenize('a == "q\\"\\u00e9"').map((t) => t.text)).toEqual(['a', '=', 'q"é', '']);
  });
});

describe('parser', () => {
  it.each([
    ['class = person', 'class = "person"'],
    ['class != "traffic light"', 'class != "traffic light"'],
    ['area < 10', 'area < #10'],
    ['area <= -2.5e1', 'area <= #-25'],
    ['image.width > 640', 'image.width > #640'],
    ['image.height >= 480', 'image.height >= #480'],
    ['attributes.occluded = true', 'attributes.occluded = true'],
    ['attributes.a.b = false', 'attributes.a.b = false'],
    ['image = 00000001', 'image = #1'],
    ['label = "7"', 'label = "7"'],
    ['kind in (box, polygon)', 'kind in ["box", "polygon"]'],
    ['class_id in (1, 2 ,3)', 'class_id in [#1, #2, #3]'],
    ['split not in (train)', 'not split in ["train"]'],
    ['annotated_at >= 2026-07-01', 'annotated_at >= @2026-07-01T00:00:00.000Z'],
    ['review.at < 2026-07-01T10:30:00Z', 'review.at < @2026-07-01T10:30:00.000Z'],
    ['annotated_at >= -90d', 'annotated_at >= @2026-05-17T12:00:00.000Z'],
    ['review.at in last_quarter', 'review.at in last_quarter'],
    ['annotated_at in -12h', 'annotated_at in -12h'],
    ['exists review.comment', 'exists review.comment'],
    ['not exists review.status', 'not exists review.status'],
    ['changed_since(production-v3)', 'labels_changed(production-v3)'],
    ['review_changed_since("main~2")', 'reviews_changed(main~2)'],
    [
      'review.reviewer = rev_2 AND annotator = ann_3',
      '(review.reviewer = "rev_2" and annotator = "ann_3")',
    ],
    ['image.media_type = image/jpeg', 'image.media_type = "image/jpeg"'],
    ['split = val', 'split = "val"'],
    ['pred(det@2).score < 0.4', 'pred(det@2).score < #0.4'],
    ['pred(pset-0a1b).margin <= .2', 'pred(pset-0a1b).margin <= #0.2'],
    ['pred(det@2).entropy > 1', 'pred(det@2).entropy > #1'],
    ['pred(det@2).attributes.truncated = true', 'pred(det@2).attributes.truncated = true'],
    ['pred(det@2).class != class', 'pred(det@2).class != field class'],
    ['class = pred(det@2).class', 'class = field pred(det@2).class'],
    ['pred(det@2).class = "class"', 'pred(det@2).class = "class"'],
    ['pred(det@2).class = person', 'pred(det@2).class = "person"'],
    ['iou(pred(det@2), label) < 0.5', 'iou(pred(det@2), label) < #0.5'],
    ['not matched(pred("det@2"))', 'not matched(det@2)'],
    ['matched(pred(a@1)) and pred(b@1).score >= 0.9', '(matched(a@1) and pred(b@1).score >= #0.9)'],
  ])('%s', (input, expected) => {
    expect(show(parse(input))).toBe(expected);
  });

  it('binds not > and > or, and parentheses override', () => {
    expect(
      show(parse('a = 1 or b = 2 and not c = 3'.replace(/\b([abc])\b/g, 'attributes.$1'))),
    ).toBe('(attributes.a = #1 or (attributes.b = #2 and not attributes.c = #3))');
    expect(show(parse('not split = a and split = b or split = c'))).toBe(
      '((not split = "a" and split = "b") or split = "c")',
    );
    expect(show(parse('not (split = a or split = b) and (class = x or class = y)'))).toBe(
      '(not (split = "a" or split = "b") and (class = "x" or class = "y"))',
    );
    expect(show(parse('split = a or split = b or split = c'))).toBe(
      '((split = "a" or split = "b") or split = "c")',
    );
  });

  it.each([
    ['', 1, 'empty expression'],
    ['class =', 8, "expected a value after '='"],
    ['annotated_at >= ', 17, "expected a value after '>='"],
    ['colour = red', 1, "unknown field 'colour'"],
    ['class = red and', 16, 'expected a field'],
    ['(class = red', 13, "expected ')' to close the '(' at column 1"],
    ['class = red)', 12, "expected 'and', 'or' or the end"],
    ['class red', 7, 'expected an operator'],
    ['class = "red', 9, 'unterminated string'],
    ['class ! red', 7, "expected '!='"],
    ['class = red # x', 13, "unexpected character '#'"],
    ['review.at in last_decade', 14, "unknown period 'last_decade'"],
    ['class in (a, b', 15, "expected ',' or ')'"],
    ['class in ()', 11, "expected a value after '('"],
    ['changed_since()', 15, "expected a ref after 'changed_since('"],
    ['annotated_at > 2026-02-30', 16, "invalid date '2026-02-30'"],
    ['annotated_at >= last_month', 17, "write 'annotated_at in last_month'"],
    ['exists or', 8, "expected a field after 'exists'"],
    ['class = and', 9, "expected a value after '='"],
    ['class = a or or class = b', 14, 'expected a field'],
    ['pred(m@1).colour < 1', 10, 'expected a prediction field'],
    ['pred(m@1) < 1', 11, 'expected a prediction field'],
    ['pred() < 1', 6, "expected a prediction set id or a model's NAME@VERSION"],
    ['iou(pred(m@1)) < 1', 14, "expected ', label'"],
    ['iou(pred(m@1), image) < 1', 16, "expected 'label'"],
    ['matched(m@1)', 9, "expected 'pred(M)'"],
    ['matched(pred(m@1)', 18, "expected ')' after 'matched(pred(M)'"],
  ])('%j fails at column %i', (input, column, why) => {
    let err: unknown;
    try {
      parse(input);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(QuerySyntaxError);
    const e = err as QuerySyntaxError;
    expect(e.category).toBe('InvalidInput');
    expect(e.data['column']).toBe(column);
    expect(e.message).toContain(why);
    expect(e.message).toContain(`at column ${column}\n  ${input}\n  ${' '.repeat(column - 1)}^`);
  });

  it('lists the fields for an unknown one', () => {
    expect(() => parse('colour = red')).toThrow(
      /fields: image, label, class, class_id,.*review\.at.*image\.width.*split/,
    );
  });

  it('reads integer ranges A..B for any field, and refuses an empty one', () => {
    expect(show(parse('area in 10..200 and not class_id in -1..3'))).toBe(
      '(area in 10..200 and not class_id in -1..3)',
    );
    expect(() => parse('area in 5..2')).toThrow(/the range 5\.\.2 is empty/);
  });

  it('over tracks: the track fields, frame only as frame in A..B, label fields refused', () => {
    const tracks = (s: string) => parseFilter(s, { now: NOW, subject: 'tracks' });
    expect(show(tracks('track.length > 100 and track.class = car and frame in 100..200'))).toBe(
      '((track.length > #100 and track.class = "car") and frame in 100..200)',
    );
    expect(show(tracks('video = v1 and track.attributes.color = red'))).toBe(
      '(video = "v1" and track.attributes.color = "red")',
    );
    expect(() => tracks('frame > 3')).toThrow(/'frame' is read as 'frame in A\.\.B'/);
    expect(() => tracks('review.status = approved')).toThrow(
      /unknown track field 'review\.status' \(fields: video, track, track\.class/,
    );
    expect(() => parse('track.length > 3')).toThrow(/unknown field 'track\.length'/);
  });
});

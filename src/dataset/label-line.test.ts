import { describe, expect, it } from 'vitest';
import { decodeValue } from '../core/canonical.js';
import { FormatParseError } from '../core/errors.js';
import { encodeLabelContent, parseLabelLine, unstorableLine, type LabelPut } from './label-line.js';

const parse = (text: string, edits = false) => parseLabelLine(text, 'f.jsonl', 7, edits);

function failure(text: string, edits = false): FormatParseError {
  try {
    parse(text, edits);
  } catch (e) {
    expect(e).toBeInstanceOf(FormatParseError);
    return e as FormatParseError;
  }
  throw new Error('expected a FormatParseError');
}

describe('native JSONL label lines', () => {
  it('splits a label into key, content and review', () => {
    const put = parse(
      '{"image":"a","label":7,"category":"car","bbox":[1,2,3,4],"review":{"status":"approved","reviewer":"r"}}',
    ) as LabelPut;
    expect(put).toMatchObject({
      op: 'put',
      image: 'a',
      label: '7',
      line: 7,
      review: { status: 'approved', reviewer: 'r' },
    });
    expect(decodeValue(encodeLabelContent(put))).toEqual({ category: 'car', bbox: [1, 2, 3, 4] });
  });

  it('reads edit ops and tells absent, null and present reviews apart', () => {
    expect(parse('{"op":"delete","image":"a","label":"1"}', true)).toEqual({
      op: 'delete',
      image: 'a',
      label: '1',
      line: 7,
    });
    expect(
      (parse('{"op":"put","image":"a","label":"1"}', true) as LabelPut).review,
    ).toBeUndefined();
    expect(
      (parse('{"op":"put","image":"a","label":"1","review":null}', true) as LabelPut).review,
    ).toBeNull();
  });

  it.each([
    ['{"image":"a","label":"1"', false, null, 'malformed JSON'],
    ['[1,2]', false, null, 'expected a JSON object'],
    ['{"label":"1"}', false, 'image', 'missing required field'],
    ['{"image":"a"}', false, 'label', 'missing required field'],
    ['{"image":"","label":"1"}', false, 'image', 'non-empty string id'],
    ['{"image":"a","label":1.5}', false, 'label', 'non-empty string id'],
    ['{"op":"delete","image":"a","label":"1"}', false, 'op', 'applied as an edit batch'],
    ['{"image":"a","label":"1"}', true, 'op', 'missing required field'],
    ['{"op":"upsert","image":"a","label":"1"}', true, 'op', 'unknown op "upsert"'],
    ['{"image":"a","label":"1","review":"yes"}', false, 'review', 'expected an object or null'],
    [
      '{"image":"a","label":"1","review":{"status":""}}',
      false,
      'review.status',
      'non-empty string',
    ],
    ['{"image":"a","label":"1","bbox":[1,2,3]}', false, 'bbox', 'expected [x, y, width, height]'],
    ['{"image":"a","label":"1","bbox":[1,2,-3,4]}', false, 'bbox', 'width, height >= 0'],
    ['{"image":"a","label":"1","note":"caf\\udce9"}', false, 'note', 'lone UTF-16 surrogate'],
    ['{"image":"a","label":"1","a":{"\\ud800":1}}', false, 'a.\\ud800', 'member name'],
    ['{"image":"a\\ud800","label":"1"}', false, 'image', 'lone UTF-16 surrogate'],
    [
      `{"op":"put","image":"a","label":"1","s":${'['.repeat(64)}${']'.repeat(64)}}`,
      true,
      's[0][0][0][0][0]...',
      'nested more than 64 levels',
    ],
    ['{"op":"put","image":"a","label":"1","area":1e400}', true, 'area', 'too large for a 64-bit'],
  ] as const)('rejects %s with file, line and field', (text, edits, field, why) => {
    const e = failure(text, edits);
    expect(e.data).toMatchObject({ file: 'f.jsonl', line: 7, field });
    expect(e.message).toContain('f.jsonl:7');
    expect(e.message).toContain(why);
  });

  it('an edit op in a label file names its reader as data, not a command', () => {
    const e = failure('{"op":"delete","image":"a","label":"1"}', false);
    expect(e.data).toMatchObject({ field: 'op', reader: 'edits' });
    expect(e.message).not.toMatch(/verso /);
  });

  it.each([
    [`{"image":"a","label":"1","s":${'['.repeat(64)}${']'.repeat(64)}}`, 's[0][0][0][0][0]...'],
    ['{"image":"a","label":"1","area":1e400}', 'area'],
  ])('a label line the encoder refuses (%s) is described with its field', (text, field) => {
    const put = parse(text) as LabelPut; // the import's hot path leaves these to the encoder
    const e = (() => {
      try {
        encodeLabelContent(put);
      } catch (err) {
        return unstorableLine(err, 'f.jsonl', 7, put.record);
      }
      throw new Error('expected the encoder to refuse');
    })();
    expect(e).toBeInstanceOf(FormatParseError);
    expect((e as FormatParseError).data).toMatchObject({ file: 'f.jsonl', line: 7, field });
  });
});

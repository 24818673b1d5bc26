/**
 * The label validator: each rule, with the field it names.
 */
import { describe, expect, it } from 'vitest';
import type { LabelContent } from '../dataset/label-line.js';
import { makeLabelValidator } from './label-validator.js';
import { tax } from './testing.js';

const validate = makeLabelValidator(
  tax(
    [1, 'person', { keypoints: ['nose', 'eye'] }],
    [
      2,
      'car',
      {
        attributes: {
          color: { type: 'enum', values: ['red', 'blue'], required: true },
          doors: { type: 'number' },
        },
      },
    ],
    [3, 'cart', { deprecated: true }],
  ),
  '2.3',
);

describe('makeLabelValidator', () => {
  it.each<[string, LabelContent]>([
    ['id and name', { category_id: 1, category: 'person' }],
    ['id only', { category_id: 1 }],
    ['name only', { category: 'person' }],
    [
      'required enum present, optional number',
      { category_id: 2, attributes: { color: 'red', doors: 4 } },
    ],
    [
      'undeclared attributes are free-form',
      { category_id: 2, attributes: { color: 'blue', dirty: true } },
    ],
    ['keypoints of the right length', { category_id: 1, keypoints: [1, 2, 2, 3, 4, 2] }],
  ])('accepts %s', (_what, content) => {
    expect(validate(content)).toBeNull();
  });

  it.each<[string, LabelContent, string, RegExp]>([
    ['an unknown class id', { category_id: 9 }, 'category_id', /unknown class id 9 in schema 2\.3/],
    [
      'an unknown class id with a name',
      { category_id: 21, category: 'tvmonitor' },
      'category_id',
      /unknown class id 21 \("tvmonitor"\) in schema 2\.3/,
    ],
    ['an id that is not a number', { category_id: '1' }, 'category_id', /unknown class id "1"/],
    ['an unknown class name', { category: 'dog' }, 'category', /unknown class "dog"/],
    [
      "a name that is not the id's",
      { category_id: 1, category: 'car' },
      'category',
      /which is 'person'/,
    ],
    ['no class at all', { bbox: [1, 2, 3, 4] }, 'category_id', /missing/],
    ['a deprecated class', { category_id: 3 }, 'category_id', /deprecated/],
    [
      'a missing required attribute',
      { category_id: 2 },
      'attributes.color',
      /missing required attribute/,
    ],
    [
      'a value outside the enum',
      { category_id: 2, attributes: { color: 'green' } },
      'attributes.color',
      /one of "red", "blue"/,
    ],
    [
      'a value of the wrong type',
      { category_id: 2, attributes: { color: 'red', doors: 'four' } },
      'attributes.doors',
      /not a number/,
    ],
    [
      'attributes that are not an object',
      { category_id: 2, attributes: [1] },
      'attributes',
      /expected an object/,
    ],
    [
      'keypoints of the wrong length',
      { category_id: 1, keypoints: [1, 2, 2] },
      'keypoints',
      /expected 6 numbers/,
    ],
  ])('rejects %s', (_what, content, field, why) => {
    const problem = validate(content);
    expect(problem?.field).toBe(field);
    expect(problem?.why).toMatch(why);
  });
});

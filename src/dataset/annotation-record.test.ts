import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { JsonValue } from '../core/canonical.js';
import type { LabelContent } from './label-line.js';
import {
  annotationOf,
  checkAnnotatorName,
  decodeAnnotation,
  decodeAnnotationKey,
  encodeAnnotation,
  encodeAnnotationKey,
  labelingOf,
  referenceOf,
} from './annotation-record.js';

const reference: LabelContent = {
  category_id: 1,
  bbox: [10, 10, 20, 20],
  attributes: { occluded: false },
};

describe('annotation records', () => {
  it('an annotator who agrees costs zero value bytes', () => {
    const a = annotationOf(reference, { ...reference, annotator: 'bob' }, 'o1', 'o1');
    expect(encodeAnnotation(a)).toHaveLength(0);
    expect(labelingOf(reference, decodeAnnotation(new Uint8Array()))).toEqual(reference);
  });

  it('a moved box is a patch of the box alone; own label id and time are kept', () => {
    const mine = { ...reference, bbox: [11, 10, 20, 20], annotated_at: '2026-01-02T00:00:00Z' };
    const a = annotationOf(reference, mine, '7', 'o1');
    expect(a).toEqual({
      patch: { bbox: [11, 10, 20, 20] },
      label: '7',
      at: '2026-01-02T00:00:00Z',
    });
    expect(labelingOf(reference, decodeAnnotation(encodeAnnotation(a)))).toEqual(mine);
  });

  it('a null member, which a merge patch cannot set, is stored whole', () => {
    const mine = { ...reference, attributes: { occluded: null } };
    const a = annotationOf(reference, mine, 'o1', 'o1');
    expect(a.replace).toEqual(mine);
    expect(labelingOf(reference, a)).toEqual(mine);
  });

  it('round-trips any labeling against any reference (property)', () => {
    // JSON has no -0: through JSON text (what files carry) it is 0, as the encoding stores it.
    const json = fc
      .jsonValue({ maxDepth: 3 })
      .map((v) => JSON.parse(JSON.stringify(v)) as JsonValue);
    const content = fc.dictionary(fc.string({ maxLength: 6 }), json, { maxKeys: 5 });
    fc.assert(
      fc.property(content, content, fc.option(fc.string(), { nil: undefined }), (ref, mine, at) => {
        const r = referenceOf(ref);
        const own = referenceOf(mine);
        const labeled = at === undefined ? own : { ...own, annotated_at: at };
        const a = decodeAnnotation(encodeAnnotation(annotationOf(r, labeled, 'l', 'o')));
        expect(labelingOf(r, a)).toEqual(labeled);
      }),
    );
  });

  it('keys are (image, object, annotator) tuples; empty annotator names are refused', () => {
    const k = encodeAnnotationKey('img 1', 'o\u00001', 'ann');
    expect(decodeAnnotationKey(k)).toEqual({
      image: 'img 1',
      object: 'o\u00001',
      annotator: 'ann',
    });
    expect(() => checkAnnotatorName('')).toThrow(/must not be empty/);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { JsonValue } from '../core/canonical.js';
import { applyMergePatch } from './merge-patch.js';

describe('applyMergePatch (RFC 7396)', () => {
  // The examples of RFC 7396, Appendix A.
  it.each<[JsonValue, JsonValue, JsonValue]>([
    [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
    [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
    [{ a: 'b' }, { a: null }, {}],
    [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
    [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
    [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
    [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
    [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
    [
      ['a', 'b'],
      ['c', 'd'],
      ['c', 'd'],
    ],
    [{ a: 'b' }, ['c'], ['c']],
    [{ a: 'foo' }, null, null],
    [{ a: 'foo' }, 'bar', 'bar'],
    [{ e: null }, { a: 1 }, { e: null, a: 1 }],
    [[1, 2], { a: 'b', c: null }, { a: 'b' }],
    [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
  ])('%j patched with %j is %j', (target, patch, result) => {
    expect(applyMergePatch(target, patch)).toEqual(result);
  });

  it('does not modify its arguments', () => {
    const target = { a: { b: 1 } };
    const patch = { a: { c: 2 } };
    applyMergePatch(target, patch);
    expect(target).toEqual({ a: { b: 1 } });
    expect(patch).toEqual({ a: { c: 2 } });
  });

  const json = fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<JsonValue>;

  it('is idempotent (property)', () => {
    fc.assert(
      fc.property(json, json, (t, p) => {
        const once = applyMergePatch(t, p);
        expect(applyMergePatch(once, p)).toEqual(once);
      }),
      { seed: 9, numRuns: 400 },
    );
  });

  it('a member without nulls ends up equal to its patch value (property)', () => {
    const noNulls = fc.jsonValue({ maxDepth: 2 }).filter((v) => !JSON.stringify(v).includes('null'));
    fc.assert(
      fc.property(json, fc.dictionary(fc.string(), noNulls as fc.Arbitrary<JsonValue>), (t, p) => {
        const out = applyMergePatch(t, p) as Record<string, JsonValue>;
        for (const [k, v] of Object.entries(p)) {
          if (typeof v !== 'object' || v === null || Array.isArray(v)) expect(out[k]).toEqual(v);
        }
      }),
      { seed: 10, numRuns: 300 },
    );
  }); // prettier-ignore
});

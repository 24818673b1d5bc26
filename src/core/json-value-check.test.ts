import { describe, expect, it } from 'vitest';
import { jsonValueProblem, MAX_NESTING } from './json-value-check.js';

const nested = (depth: number): unknown => JSON.parse('['.repeat(depth) + ']'.repeat(depth));

describe('jsonValueProblem', () => {
  it(`accepts ${MAX_NESTING} levels of nesting and refuses ${MAX_NESTING + 1}, naming the path`, () => {
    expect(jsonValueProblem({ a: nested(MAX_NESTING - 1) })).toBeUndefined();
    expect(jsonValueProblem({ a: nested(MAX_NESTING) })).toEqual({
      field: 'a[0][0][0][0][0]...',
      why: expect.stringContaining(`more than ${MAX_NESTING} levels`) as string,
    });
  });

  it('walks any depth JSON.parse returns without overflowing the stack', () => {
    expect(jsonValueProblem(nested(200_000))?.why).toContain('nested more than');
  });

  it('names a lone surrogate in a value and in a member name', () => {
    const v = JSON.parse('{"attributes":{"parts":[{"name":"x\\ud800"}]}}') as unknown;
    expect(jsonValueProblem(v)).toMatchObject({ field: 'attributes.parts[0].name' });
    const k = JSON.parse('{"a":{"\\udc00b":1}}') as unknown;
    expect(jsonValueProblem(k)).toMatchObject({
      field: 'a.\\udc00b', // escaped: printed raw it would read as U+FFFD
      why: expect.stringContaining('member name contains a lone UTF-16 surrogate') as string,
    });
    expect(jsonValueProblem(k, { strings: false })).toBeUndefined();
    expect(jsonValueProblem(JSON.parse('["\\ud83d\\ude00"]'))).toBeUndefined(); // a pair is fine
  });

  it('refuses numbers that overflowed to infinity', () => {
    expect(jsonValueProblem(JSON.parse('{"area":[1,-1e400]}'))).toMatchObject({
      field: 'area[1]',
    });
  });
});

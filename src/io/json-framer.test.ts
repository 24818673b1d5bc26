/**
 * The JSON framer: the same elements as JSON.parse at any chunking (property), escapes and
 * multi-byte characters split across chunks, byte order marks, the nesting limit.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_NESTING } from '../core/json-value-check.js';
import { frameFile, JsonArrayFramer, JsonFrameError } from './json-framer.js';

/** Frame `text` fed in the given chunk sizes; returns the parsed elements per key. */
function frame(text: string, cuts: readonly number[], keys: readonly string[]) {
  const out: Record<string, unknown[]> = {};
  const framer = new JsonArrayFramer({
    frames: (k) => keys.includes(k),
    element: (k, i, bytes) => {
      (out[k] ??= []).push(JSON.parse(bytes.toString('utf8')));
      expect(out[k]!.length).toBe(i + 1);
    },
  });
  const bytes = Buffer.from(text, 'utf8');
  let at = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    const end = Math.min(cut, bytes.length);
    if (end > at) framer.feed(bytes.subarray(at, end));
    at = Math.max(at, end);
  }
  framer.feed(bytes.subarray(at));
  framer.end();
  return { out, keys: framer.keys };
}

const jsonValue = fc.jsonValue({ maxDepth: 3 });
const document = fc.record({
  images: fc.array(fc.dictionary(fc.string(), jsonValue, { maxKeys: 4 }), { maxLength: 6 }),
  info: jsonValue,
  'we"ird\\key': fc.array(jsonValue, { maxLength: 3 }),
  annotations: fc.array(fc.oneof(fc.dictionary(fc.string(), jsonValue), jsonValue), {
    maxLength: 8,
  }),
});

describe('JsonArrayFramer', () => {
  it('gives the same elements as JSON.parse at any chunking (property)', () => {
    fc.assert(
      fc.property(
        document,
        fc.array(fc.nat(4000), { maxLength: 12 }),
        fc.integer({ min: 0, max: 2 }),
        (doc, cuts, indent) => {
          const text = JSON.stringify(doc, null, indent);
          const { out, keys } = frame(text, cuts, ['images', 'annotations', 'we"ird\\key']);
          const expected = JSON.parse(text) as typeof doc;
          expect(keys).toEqual(Object.keys(expected));
          expect(out['images'] ?? []).toEqual(expected.images);
          expect(out['annotations'] ?? []).toEqual(expected.annotations);
          expect(out['we"ird\\key'] ?? []).toEqual(expected['we"ird\\key']);
        },
      ),
      { seed: 20260201, numRuns: 400 },
    );
  });

  it('splits inside escapes and multi-byte characters', () => {
    const text = '{"a":[{"s":"x\\\\\\"y\\u00e9ü€"},{"t":"]}"}]}';
    for (let cut = 0; cut <= Buffer.byteLength(text); cut++) {
      expect(frame(text, [cut], ['a']).out['a']).toEqual(JSON.parse(text).a);
    }
  });

  it.each([
    ['truncated inside an element', '{"a":[{"x":1},{"y":', 'a[1]'],
    ['truncated after an element', '{"a":[{"x":1}', 'a[1]'],
    ['garbage between elements', '{"a":[{"x":1} {"y":2}]}', 'a[1]'],
    ['a top-level array', '[{"x":1}]', ''],
    ['a framed key that is not an array', '{"a":{"x":1}}', '"a"'],
    ['trailing content', '{"a":[]} x', '"a"'],
    ['nesting past the limit in an element', `{"a":[{"x":${'['.repeat(MAX_NESTING)}]}]}`, 'a[0]'],
    ['nesting past the limit in a skipped member', `{"b":${'['.repeat(MAX_NESTING + 1)}}`, '"b"'],
  ])('rejects %s', (_, text, where) => {
    const err = (() => {
      try {
        frame(text, [], ['a']);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(JsonFrameError);
    expect((err as JsonFrameError).where).toBe(where);
  });
});

it('takes 0xEF for a byte order mark only when 0xBB 0xBF follow', () => {
  const framer = new JsonArrayFramer({ frames: () => false, element: () => undefined });
  expect(() => framer.feed(Buffer.from([0xef, 0x7b, 0x22, 0x61, 0x22, 0x3a, 0x31, 0x7d]))).toThrow(
    /expected a JSON object at the top level \(byte 0/,
  );
});

describe('frameFile', () => {
  const frameText = (bytes: Buffer) => {
    const dir = mkdtempSync(join(tmpdir(), 'verso-framer-'));
    const file = join(dir, 'f.json');
    writeFileSync(file, bytes);
    const got: unknown[] = [];
    try {
      frameFile(
        file,
        new JsonArrayFramer({
          frames: () => true,
          element: (_k, _i, b) => got.push(JSON.parse(b.toString())),
        }),
      );
      return { got };
    } catch (e) {
      return { got, error: e as JsonFrameError };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };

  it('skips a UTF-8 byte order mark and reads exactly MAX_NESTING levels', () => {
    const deep = '['.repeat(MAX_NESTING - 1) + ']'.repeat(MAX_NESTING - 1);
    const r = frameText(Buffer.from(`\uFEFF{"a":[{"x":${deep}}]}`));
    expect(r.error).toBeUndefined();
    expect(r.got).toHaveLength(1);
  });

  it('refuses bytes that are not UTF-8, naming the element and the line, after the elements before it', () => {
    const bytes = Buffer.concat([
      Buffer.from('{"a":[\n{"n":"ok"},\n{"n":"caf'),
      Buffer.from([0xe9]),
      Buffer.from('"}]}'),
    ]);
    const r = frameText(bytes);
    expect(r.got).toEqual([{ n: 'ok' }]);
    expect(r.error).toBeInstanceOf(JsonFrameError);
    expect(r.error!.where).toBe('a[1]');
    expect(r.error!.message).toContain('invalid UTF-8 at line 3 (bytes 0xE9)');
  });
});

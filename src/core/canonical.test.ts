import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalToJson, JsonBytes, renderObjectMembers } from './canonical-json.js';
import { CANONICAL_DICTIONARY } from './canonical-dictionary.js';
import { ByteReader } from './byte-writer.js';
import { selectMembers } from './canonical-members.js';
import { decodeValue, encodeValue, skipValue } from './canonical.js';
import { VersoError } from './errors.js';
import { MAX_NESTING } from './json-value-check.js';
import { sha256Hex } from './hash.js';

const isoInstant = fc.oneof(
  fc
    .date({
      min: new Date('0000-01-01T00:00:00Z'),
      max: new Date('9999-12-31T23:59:59Z'),
      noInvalidDate: true,
    })
    .map((d) => d.toISOString()),
  fc
    .date({
      min: new Date('0000-01-01T00:00:00Z'),
      max: new Date('9999-12-31T23:59:59Z'),
      noInvalidDate: true,
    })
    .map((d) => d.toISOString().slice(0, 19) + 'Z'),
);
const json = fc.oneof(
  fc.jsonValue(),
  fc.dictionary(
    fc.constantFrom('status', 'bbox', 'x-custom', 'annotated_at'),
    fc.oneof(
      isoInstant,
      fc.constantFrom('approved', 'car', 'free text'),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
    ),
  ),
) as fc.Arbitrary<unknown>;
const normalise = (v: unknown) => JSON.parse(JSON.stringify(v));

function shuffledKeys(v: unknown, rnd: () => number): unknown {
  if (Array.isArray(v)) return v.map((x) => shuffledKeys(x, rnd));
  if (v && typeof v === 'object') {
    const entries = Object.entries(v).sort(() => rnd() - 0.5);
    const out: Record<string, unknown> = {};
    for (const [k, x] of entries) out[k] = shuffledKeys(x, rnd);
    return out;
  }
  return v;
}

describe('canonical value encoding', () => {
  it('skips exactly one encoded value, and selectMembers finds members after skipped ones', () => {
    fc.assert(
      fc.property(json, json, (a, b) => {
        const bytes = encodeValue([a, b]);
        const r = new ByteReader(bytes);
        r.byte(); // array tag
        r.varint(); // length
        skipValue(r);
        skipValue(r);
        expect(r.done).toBe(true);
        const obj = encodeValue({ a, zz: b, b: 7 });
        expect(selectMembers(obj, ['zz', 'b'])).toEqual([normalise(b), 7]);
      }),
      { seed: 43, numRuns: 500 },
    );
  });

  it('round-trips every JSON value', () => {
    fc.assert(
      fc.property(json, (v) => {
        expect(decodeValue(encodeValue(v))).toEqual(normalise(v));
      }),
      { seed: 42, numRuns: 500 },
    );
  });

  it('gives one encoding per logical value, whatever the member order', () => {
    fc.assert(
      fc.property(json, fc.integer(), (v, seed) => {
        let s = seed;
        const rnd = () => (s = (s * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
        expect(Buffer.from(encodeValue(shuffledKeys(v, rnd)))).toEqual(Buffer.from(encodeValue(v)));
      }),
      { seed: 43, numRuns: 300 },
    );
  });

  it('renders straight to JSON text of the same value, members in canonical order', () => {
    fc.assert(
      fc.property(json, (v) => {
        const bytes = encodeValue(v);
        const text = canonicalToJson(bytes);
        expect(JSON.parse(text)).toEqual(decodeValue(bytes));
        expect(Buffer.from(encodeValue(JSON.parse(text)))).toEqual(Buffer.from(bytes));
      }),
      { seed: 44, numRuns: 500 },
    );
    const obj = encodeValue({ b: 1, a: [0.5, -2.25, 'x'] });
    const out = new JsonBytes();
    expect(renderObjectMembers(obj, out)).toBe(2);
    expect(out.take().toString()).toBe('"a":[0.5,-2.25,"x"],"b":1');
  });

  it('keeps every double exactly and folds -0 into 0', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => {
        const back = decodeValue(encodeValue(x)) as number;
        expect(back).toBe(x === 0 ? 0 : x);
      }),
      { seed: 45, numRuns: 2000 },
    );
    expect(Buffer.from(encodeValue(-0))).toEqual(Buffer.from(encodeValue(0)));
  });

  it('stores short decimals, dictionary strings and ISO instants compactly', () => {
    expect(encodeValue(123.45).length).toBeLessThanOrEqual(4);
    expect(encodeValue(1920).length).toBeLessThanOrEqual(3);
    expect(encodeValue('approved').length).toBe(2);
    expect(encodeValue('2026-02-01T10:00:00Z').length).toBeLessThanOrEqual(6);
    expect(encodeValue({ annotated_at: 1 }).length).toBe(5); // tag, count, name index, int tag, int
  });

  it('keeps strings that look like instants but are not printed canonically', () => {
    for (const s of [
      '2026-02-30T10:00:00Z',
      '2026-02-01T10:00:00.5Z',
      '2026-02-01T10:00:00+00:00',
      '2026-02-01T24:00:00Z',
      '0000-01-01T00:00:00Z',
      '2026-02-01T10:00:00.000Z',
      '1969-12-31T23:59:59Z',
    ]) {
      expect(decodeValue(encodeValue(s))).toBe(s);
      expect(decodeValue(encodeValue({ [s]: s }))).toEqual({ [s]: s });
    }
  });

  it('has no duplicate dictionary entries', () => {
    expect(new Set(CANONICAL_DICTIONARY).size).toBe(CANONICAL_DICTIONARY.length);
  });

  it('rejects values JSON cannot carry', () => {
    for (const bad of [NaN, Infinity, () => 1, Symbol('x')]) {
      expect(() => encodeValue(bad)).toThrow(VersoError);
    }
  });

  it('stores at most MAX_NESTING levels of arrays and objects (a stack-safe bound for every reader)', () => {
    const nested = (n: number): unknown => JSON.parse('['.repeat(n) + ']'.repeat(n));
    expect(decodeValue(encodeValue({ a: nested(MAX_NESTING - 1) }))).toEqual({
      a: nested(MAX_NESTING - 1),
    });
    expect(() => encodeValue({ a: nested(MAX_NESTING) })).toThrow(/nested more than 64 levels/);
    expect(() => encodeValue(nested(100_000))).toThrow(VersoError);
  });

  it('pins the encoding (golden hash): changing it changes every stored hash', () => {
    const label = {
      category_id: 3,
      category: 'car',
      bbox: [12.5, 40, 100.25, 80],
      area: 8020.06,
      iscrowd: 0,
      attributes: { occluded: false, truncated: true },
      annotator: 'ann_3',
      annotated_at: '2026-02-01T10:00:00Z',
      score: 0.1 + 0.2,
      offset: -7,
      note: null,
    };
    expect(Buffer.from(encodeValue(label)).toString('hex')).toMatchInlineSnapshot(
      `"090b0111c090f9970d030705616e6e5f33050cacf3610709021b011d020908040bfa0103280cd29c0103500b05530d03030f0300086e6f7465000c6f6666736574040717063fd3333333333334"`,
    );
    expect(sha256Hex(encodeValue(label))).toMatchInlineSnapshot(
      `"74c0b981475936dd3c005b937f034ce652e1d4194173186cefbca7bc69527897"`,
    );
  });
});

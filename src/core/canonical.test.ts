import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalObjectMembers, canonicalToJson } from './canonical-json.js';
import { decodeValue, encodeValue } from './canonical.js';
import { VersoError } from './errors.js';
import { sha256Hex } from './hash.js';

const json = fc.jsonValue({ noUnicodeString: false }) as fc.Arbitrary<unknown>;
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
        const rnd = () => ((s = (s * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
        expect(Buffer.from(encodeValue(shuffledKeys(v, rnd)))).toEqual(Buffer.from(encodeValue(v)));
      }),
      { seed: 43, numRuns: 300 },
    );
  });

  it('renders straight to the same JSON text as JSON.stringify of the decoded value', () => {
    fc.assert(
      fc.property(json, (v) => {
        const bytes = encodeValue(v);
        expect(canonicalToJson(bytes)).toBe(JSON.stringify(decodeValue(bytes)));
      }),
      { seed: 44, numRuns: 500 },
    );
    const obj = encodeValue({ b: 1, a: [0.5, -2.25, 'x'] });
    expect(canonicalObjectMembers(obj)).toBe('"a":[0.5,-2.25,"x"],"b":1');
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

  it('stores short decimals compactly', () => {
    expect(encodeValue(123.45).length).toBeLessThanOrEqual(4);
    expect(encodeValue(1920).length).toBeLessThanOrEqual(3);
  });

  it('rejects values JSON cannot carry', () => {
    for (const bad of [NaN, Infinity, () => 1, Symbol('x')]) {
      expect(() => encodeValue(bad)).toThrow(VersoError);
    }
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
    expect(Buffer.from(encodeValue(label)).toString('hex')).toMatchInlineSnapshot(`"090b0c616e6e6f74617465645f61740714323032362d30322d30315431303a30303a30305a09616e6e6f7461746f720705616e6e5f3304617265610cacf3610a617474726962757465730902086f63636c7564656401097472756e6361746564020462626f7808040bfa0103280cd29c0103500863617465676f727907036361720b63617465676f72795f6964030307697363726f77640300046e6f746500066f666673657404070573636f7265063fd3333333333334"`);
    expect(sha256Hex(encodeValue(label))).toMatchInlineSnapshot(`"28509a44691ed9e59e4863c939bedd517d96602ca9cfb039c9905e520bc6d8d5"`);
  });
});

/**
 * The pure lineage helpers: the binary vector file round-trips and rejects malformed input;
 * the top-K heap equals a full sort of brute-force scores (seeded property test) for both
 * kinds; lineage ids are deterministic.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { topInfluences } from './influence.js';
import { lineageId, predictionId } from './lineage-id.js';
import {
  decodeVectorFile,
  encodeVectorFile,
  keysOfRows,
  splitExampleKey,
  vectorKeys,
} from './vector-file.js';

describe('vector file', () => {
  it('round-trips vectors, kind and keys', () => {
    const keys = ['00000001/1', '00000001/2', 'img-é/7'];
    const vectors = Float32Array.from([1, 2, 3, 4, 5, 6.5]);
    const f = decodeVectorFile(encodeVectorFile('embedding', 2, keys, vectors));
    expect(f).toMatchObject({ dim: 2, count: 3, kind: 'embedding' });
    expect([...f.vectors]).toEqual([...vectors]);
    expect([...vectorKeys(f)]).toEqual(keys);
    expect(keysOfRows(f, [2, 0])).toEqual(
      new Map([
        [0, keys[0]],
        [2, keys[2]],
      ]),
    );
  });

  it('rejects a wrong magic, version or truncated vectors', () => {
    const good = encodeVectorFile('gradient', 2, ['a/1'], Float32Array.from([1, 2]));
    expect(() => decodeVectorFile(new TextEncoder().encode('nope'))).toThrow(/magic/);
    const badVersion = Uint8Array.from(good);
    badVersion[4] = 9;
    expect(() => decodeVectorFile(badVersion)).toThrow(/version 9/);
    expect(() => decodeVectorFile(good.subarray(0, 24))).toThrow(/truncated/);
  });

  it('splits IMAGE/LABEL at the first slash', () => {
    expect(splitExampleKey('00000001/3')).toEqual({ image: '00000001', label: '3' });
    expect(splitExampleKey('a/b/c')).toEqual({ image: 'a', label: 'b/c' });
    expect(splitExampleKey('nolabel')).toBeUndefined();
    expect(splitExampleKey('/3')).toBeUndefined();
  });
});

describe('topInfluences', () => {
  const brute = (v: Float32Array, dim: number, q: Float32Array, cosine: boolean) => {
    const out: { row: number; score: number }[] = [];
    for (let i = 0; i < v.length / dim; i++) {
      let dot = 0;
      let n = 0;
      let qn = 0;
      for (let j = 0; j < dim; j++) {
        dot += v[i * dim + j]! * q[j]!;
        n += v[i * dim + j]! ** 2;
        qn += q[j]! ** 2;
      }
      const d = Math.sqrt(n) * Math.sqrt(qn);
      out.push({ row: i, score: cosine ? (d === 0 ? 0 : dot / d) : dot });
    }
    return out.sort((a, b) => b.score - a.score || a.row - b.row);
  };

  it('equals a full sort of the brute-force scores', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 0, max: 60 }),
        fc.integer({ min: 0, max: 12 }),
        fc.boolean(),
        fc.integer(),
        (dim, count, k, cosine, seed) => {
          let s = seed >>> 0;
          const rand = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) % 7) - 3;
          const v = Float32Array.from({ length: dim * count }, rand);
          const q = Float32Array.from({ length: dim }, rand);
          const got = topInfluences(v, dim, q, cosine ? 'embedding' : 'gradient', k);
          const want = brute(v, dim, q, cosine).slice(0, k);
          expect(got.map((g) => g.row)).toEqual(want.map((w) => w.row));
          got.forEach((g, i) => expect(g.score).toBeCloseTo(want[i]!.score, 5));
        },
      ),
      { seed: 42, numRuns: 300 },
    );
  });
});

describe('lineageId', () => {
  it('is deterministic and sized by kind', () => {
    expect(lineageId('run', ['a', 'b'])).toBe(lineageId('run', ['a', 'b']));
    expect(lineageId('run', ['a', 'b'])).not.toBe(lineageId('run', ['ab']));
    expect(lineageId('run', ['x'])).toMatch(/^run-[0-9a-f]{12}$/);
    expect(lineageId('pred', ['x'])).toMatch(/^pred-[0-9a-f]{16}$/);
  });
});

describe('predictionId', () => {
  it('is deterministic, and sorts as the times do whatever the fields (property)', () => {
    const time = fc.integer({ min: 0, max: 2 ** 47 });
    const fields = fc.array(fc.string(), { maxLength: 4 });
    fc.assert(
      fc.property(time, time, fields, fields, (t1, t2, f1, f2) => {
        const [a, b] = [predictionId(t1, f1), predictionId(t2, f2)];
        expect(a).toMatch(/^pred-[0-9a-f]{28}$/);
        expect(predictionId(t1, f1)).toBe(a);
        if (t1 < t2) expect(a < b).toBe(true);
        if (t1 === t2 && JSON.stringify(f1) !== JSON.stringify(f2)) expect(a).not.toBe(b);
      }),
    );
  });
});

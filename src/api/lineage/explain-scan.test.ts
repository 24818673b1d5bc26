/**
 * scanVectorFile: reading a vector file in place in chunks (cut at odd rows) gives exactly the
 * top K of a plain reference scan (`referenceScore` per row, full sort) and the keys of those
 * rows, for both kinds and K beyond the row count; malformed files are refused.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { VectorKind } from '../../catalog/lineage-catalog.js';
import { ranksBefore, referenceScore } from '../../influence/influence.js';
import { encodeVectorFile } from '../../influence/vector-file.js';
import { scanVectorFile } from './explain-scan.js';

const dir = mkdtempSync(join(tmpdir(), 'verso-explain-scan-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function writeVectors(kind: VectorKind, dim: number, count: number, seed: number) {
  let s = seed >>> 0;
  const rand = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  const v = Float32Array.from({ length: dim * count }, () => (rand() < 0.2 ? 0.5 : rand() - 0.5));
  const keys = Array.from({ length: count }, (_, i) => `img-${i}/${i % 3}`);
  const path = join(dir, `${kind}-${dim}-${count}-${seed}.vvec`);
  writeFileSync(path, encodeVectorFile(kind, dim, keys, v));
  const q = Float32Array.from({ length: dim }, () => rand() - 0.5);
  return { path, v, q, keys };
}

describe('scanVectorFile', () => {
  it('equals the reference top K and keys, whatever the chunk size', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 0, max: 70 }),
        fc.integer({ min: 0, max: 80 }),
        fc.constantFrom<VectorKind>('gradient', 'embedding'),
        fc.option(fc.integer({ min: 1, max: 13 }), { nil: undefined }),
        fc.integer(),
        async (dim, count, k, kind, chunkRows, seed) => {
          const { path, v, q, keys } = writeVectors(kind, dim, count, seed);
          const want = Array.from({ length: count }, (_, row) => ({
            row,
            score: referenceScore(v, row, q, kind),
          }))
            .sort((a, b) => (ranksBefore(a.score, a.row, b.score, b.row) ? -1 : 1))
            .slice(0, k);
          const scan = await scanVectorFile(path, q, k, chunkRows ? { chunkRows } : {});
          expect(scan.header).toMatchObject({ dim, count, kind });
          expect(scan.best).toEqual(want);
          expect(scan.keys).toEqual(new Map(want.map((w) => [w.row, keys[w.row]])));
        },
      ),
      { seed: 5, numRuns: 150 },
    );
  });

  it('refuses a truncated file, a bad magic and a query of another dimension', async () => {
    const { path, q } = writeVectors('gradient', 4, 10, 1);
    const bytes = encodeVectorFile('gradient', 4, ['a/1', 'b/1'], new Float32Array(8));
    writeFileSync(join(dir, 'cut.vvec'), bytes.subarray(0, 40));
    writeFileSync(join(dir, 'keys-cut.vvec'), bytes.subarray(0, bytes.length - 2));
    writeFileSync(join(dir, 'magic.vvec'), 'nope, not vectors at all');
    await expect(scanVectorFile(join(dir, 'cut.vvec'), q, 1)).rejects.toThrow(/truncated/);
    await expect(scanVectorFile(join(dir, 'keys-cut.vvec'), q, 2)).rejects.toThrow(/truncated/);
    await expect(scanVectorFile(join(dir, 'magic.vvec'), q, 1)).rejects.toThrow(/magic/);
    await expect(scanVectorFile(path, new Float32Array(3), 1)).rejects.toThrow(/dimension 4/);
  });
});

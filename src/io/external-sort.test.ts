import fc from 'fast-check';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ExternalSorter } from './external-sort.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function sortAll(records: ReadonlyArray<readonly [string, number]>, runBytes: number) {
  const dir = mkdtempSync(join(tmpdir(), 'verso-sort-'));
  dirs.push(dir);
  const sorter = new ExternalSorter(dir, runBytes);
  for (const [k, v] of records) sorter.add(k, Buffer.from(String(v)));
  const out: Array<[string, number]> = [];
  for await (const r of sorter.sorted())
    out.push([r.key, Number(Buffer.from(r.payload).toString())]);
  const spilled = readdirSync(dir).length;
  sorter.cleanup();
  return { out, spilled, left: readdirSync(dir).length };
}

/** Bytewise order of latin1 keys, ties kept in insertion order. */
function modelSort(records: ReadonlyArray<readonly [string, number]>): Array<[string, number]> {
  return records
    .map((r, i) => [r, i] as const)
    .sort(
      (a, b) =>
        Buffer.compare(Buffer.from(a[0][0], 'latin1'), Buffer.from(b[0][0], 'latin1')) ||
        a[1] - b[1],
    )
    .map(([r]) => [r[0], r[1]]);
}

describe('ExternalSorter', () => {
  const recordsArb = fc.array(
    fc.tuple(
      fc.string({
        unit: fc.integer({ min: 0, max: 255 }).map((c) => String.fromCharCode(c)),
        maxLength: 6,
      }),
      fc.nat(),
    ),
    {
      maxLength: 400,
      size: 'max',
    },
  );

  it('sorts bytewise and stably, in memory and across spilled runs', async () => {
    await fc.assert(
      fc.asyncProperty(
        recordsArb,
        fc.constantFrom(1 << 30, 2000, 300),
        async (records, runBytes) => {
          const { out, left } = await sortAll(records, runBytes);
          expect(out).toEqual(modelSort(records));
          expect(left).toBe(0);
        },
      ),
      { seed: 11, numRuns: 60 },
    );
  });

  it('spills when the run budget is exceeded', async () => {
    const records = Array.from({ length: 1000 }, (_, i) => [`k${(i * 7919) % 1000}`, i] as const);
    const { out, spilled } = await sortAll(records, 4000);
    expect(spilled).toBeGreaterThan(3);
    expect(out.map(([k]) => k)).toEqual([...records].map(([k]) => k).sort());
  });
});

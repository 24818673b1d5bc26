/**
 * A model test of S3PackChunkStore (real s3rver): random sequences of put, flush, get,
 * getMany, has, delete, compaction, sweep and reopen, checked against a Map after every step.
 * Flushed chunks survive reopen; staged ones that were never flushed are not required to.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hashToHex, sha256 } from '../../core/hash.js';
import { S3PackChunkStore } from './s3-pack-chunk-store.js';
import { useS3TestBed } from './testing.js';

const bed = useS3TestBed();

type Op =
  | { op: 'put'; value: number }
  | { op: 'flush' }
  | { op: 'get'; value: number }
  | { op: 'getMany'; values: number[] }
  | { op: 'delete'; values: number[] }
  | { op: 'compact' }
  | { op: 'sweep' }
  | { op: 'reopen' };

/** Chunk bytes for a small value space, so operations hit the same chunks often. */
const bytesOf = (value: number) => new Uint8Array(Buffer.from(`chunk-${value}-`.repeat(value % 7)));

const value = fc.integer({ min: 0, max: 5 });
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: value.map((v) => ({ op: 'put' as const, value: v })) },
  { weight: 2, arbitrary: fc.constant({ op: 'flush' as const }) },
  { weight: 3, arbitrary: value.map((v) => ({ op: 'get' as const, value: v })) },
  {
    weight: 1,
    arbitrary: fc
      .array(value, { maxLength: 6 })
      .map((values) => ({ op: 'getMany' as const, values })),
  },
  {
    weight: 2,
    arbitrary: fc
      .array(value, { minLength: 1, maxLength: 3 })
      .map((values) => ({ op: 'delete' as const, values })),
  },
  { weight: 1, arbitrary: fc.constant({ op: 'compact' as const }) },
  { weight: 1, arbitrary: fc.constant({ op: 'sweep' as const }) },
  { weight: 1, arbitrary: fc.constant({ op: 'reopen' as const }) },
);

describe('S3PackChunkStore model', () => {
  it('behaves like a Map under random put/flush/get/delete/compact/sweep/reopen', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(opArb, { minLength: 10, maxLength: 30, size: 'max' }),
        async (ops) => {
          const client = bed.client();
          const options = {
            client,
            location: bed.freshLocation(),
            cacheDir: bed.tempDir(),
            cacheBytes: 300,
            maxSmallPacks: 3,
            relistIntervalMs: 0,
          };
          let store = await S3PackChunkStore.open({ ...options, create: true });
          const durable = new Map<string, number>(); // flushed (or deleted from)
          const staged = new Map<string, number>();
          const expectValue = async (v: number, got: Uint8Array | undefined) => {
            const hex = hashToHex(sha256(bytesOf(v)));
            if (durable.has(hex) || staged.has(hex))
              expect(Buffer.from(got!)).toEqual(Buffer.from(bytesOf(v)));
            else expect(got).toBeUndefined();
          };
          try {
            for (const step of ops) {
              switch (step.op) {
                case 'put': {
                  const bytes = bytesOf(step.value);
                  store.put(sha256(bytes), bytes);
                  staged.set(hashToHex(sha256(bytes)), step.value);
                  break;
                }
                case 'flush':
                  await store.flush();
                  for (const [hex, v] of staged) durable.set(hex, v);
                  staged.clear();
                  break;
                case 'get':
                  await expectValue(step.value, await store.get(sha256(bytesOf(step.value))));
                  break;
                case 'getMany': {
                  const got = await store.getMany(step.values.map((v) => sha256(bytesOf(v))));
                  for (const [i, v] of step.values.entries()) await expectValue(v, got[i]);
                  break;
                }
                case 'delete':
                  await store.delete(step.values.map((v) => sha256(bytesOf(v))));
                  for (const v of step.values) {
                    durable.delete(hashToHex(sha256(bytesOf(v))));
                    staged.delete(hashToHex(sha256(bytesOf(v))));
                  }
                  break;
                case 'compact':
                  await store.compact();
                  break;
                case 'sweep':
                  await store.sweepRetired(0);
                  break;
                case 'reopen':
                  await store.close();
                  store = await S3PackChunkStore.open(options);
                  staged.clear(); // never flushed: gone with the instance
                  break;
              }
              const listed: string[] = [];
              for await (const h of store.hashes()) listed.push(hashToHex(h));
              expect(listed.sort()).toEqual(
                [...new Set([...durable.keys(), ...staged.keys()])].sort(),
              );
              for (const [hex] of durable)
                expect(await store.has(Buffer.from(hex, 'hex'))).toBe(true);
            }
          } finally {
            await store.close();
            client.destroy();
          }
        },
      ),
      { seed: 14, numRuns: 40 },
    );
  });
});

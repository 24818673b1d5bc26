/**
 * The pack format, bytes only: records round-trip (compressed and raw), a sequential scan stops
 * at a torn or damaged record, an index finds every present hash (including the first and last
 * fanout buckets) and no absent one, and a damaged index is refused. Also the LZ4 encoder
 * against the store's decoder, and CRC-32C against its published check value.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sha256 } from '../../core/hash.js';
import { decodeLz4Block } from '../lz4-block.js';
import { crc32c } from './crc32c.js';
import { encodeLz4Block } from './lz4-encode.js';
import {
  buildPack,
  buildPackIndex,
  decodeChunkRecord,
  encodeChunkRecord,
  encodeCommitMarker,
  encodePackHeader,
  lookupInIndex,
  PackFormatError,
  parsePackIndex,
  scanPack,
} from './pack-format.js';
import type { RecordRef } from './pack-format.js';
import { encodePackManifest, PackManifestError, parsePackManifest } from './pack-manifest.js';

function packOf(chunks: Uint8Array[]): { pack: Buffer; refs: RecordRef[] } {
  const parts = [encodePackHeader()];
  const refs: RecordRef[] = [];
  let at = parts[0]!.length;
  for (const bytes of chunks) {
    const record = encodeChunkRecord(sha256(bytes), bytes);
    refs.push({ hash: sha256(bytes), offset: at, length: record.length });
    parts.push(record);
    at += record.length;
  }
  parts.push(encodeCommitMarker(chunks.length));
  return { pack: Buffer.concat(parts), refs };
}

/** A hash with the given first and last byte (enough to place it in a fanout bucket). */
function hashWith(first: number, last: number): Uint8Array {
  const h = sha256(new Uint8Array([first, last]));
  h[0] = first;
  h[31] = last;
  return h;
}

describe('CRC-32C', () => {
  it('gives the standard check value for "123456789"', () => {
    expect(crc32c(new TextEncoder().encode('123456789'))).toBe(0xe3069283);
  });
});

describe('LZ4 block encoder', () => {
  it('round-trips through the decoder, or declines when it cannot save bytes', () => {
    const text = fc.string({ unit: fc.constantFrom('a', 'b', 'c', '{', '"', '1', ' ') });
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 3000 }),
          text.map((s) => new TextEncoder().encode(s.repeat(3))),
        ),
        (src) => {
          const block = encodeLz4Block(src);
          if (block === undefined) return;
          expect(block.length).toBeLessThan(src.length);
          expect(
            Buffer.from(decodeLz4Block(block, src.length, new Uint8Array(0))).equals(
              Buffer.from(src),
            ),
          ).toBe(true);
        },
      ),
      { seed: 11, numRuns: 300 },
    );
    const repetitive = new TextEncoder().encode(
      '{"category":"person","bbox":[10,20,30,40]}'.repeat(100),
    );
    expect(encodeLz4Block(repetitive)!.length).toBeLessThan(repetitive.length / 10);
  });
});

describe('pack records', () => {
  it('round-trip, compressed or raw, and a scan finds each at its offset', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 2000 }), { maxLength: 10 }), (chunks) => {
        const text = new TextEncoder().encode('label '.repeat(200));
        const all = [...chunks, text];
        const { pack, refs } = packOf(all);
        const scan = scanPack(pack);
        expect(scan.stoppedBecause).toBeUndefined();
        expect(scan.committedEnd).toBe(pack.length);
        expect(scan.records.map((r) => [r.offset, r.length])).toEqual(
          refs.map((r) => [r.offset, r.length]),
        );
        for (const [i, ref] of refs.entries()) {
          const { hash, bytes } = decodeChunkRecord(
            pack.subarray(ref.offset, ref.offset + ref.length),
          );
          expect(Buffer.from(hash).equals(Buffer.from(ref.hash))).toBe(true);
          expect(Buffer.from(bytes).equals(Buffer.from(all[i]!))).toBe(true);
        }
        expect(refs.at(-1)!.length).toBeLessThan(text.length);
      }),
      { seed: 12, numRuns: 50 },
    );
  });

  it('a scan keeps only batches closed by a commit marker and stops at a damaged record', () => {
    const { pack } = packOf([new Uint8Array([1, 2, 3]), new Uint8Array(100).fill(7)]);
    const second = Buffer.concat([
      encodeChunkRecord(sha256(new Uint8Array([9])), new Uint8Array([9])),
      encodeCommitMarker(1),
    ]);
    const both = Buffer.concat([pack, second]);
    expect(scanPack(both).records).toHaveLength(3);
    for (let cut = pack.length; cut < both.length; cut++) {
      const scan = scanPack(both.subarray(0, cut));
      expect(scan.records).toHaveLength(2);
      expect(scan.committedEnd).toBe(pack.length);
    }
    const flipped = Buffer.from(both);
    flipped[pack.length + 20]! ^= 1;
    const scan = scanPack(flipped);
    expect(scan.committedEnd).toBe(pack.length);
    expect(scan.stoppedBecause).toMatch(/checksum/);
  });

  it('refuses a file that is not a pack', () => {
    expect(() => scanPack(Buffer.from('not a pack at all'))).toThrow(PackFormatError);
  });
});

describe('pack index', () => {
  it('finds every present hash, including the first and last fanout buckets, and no absent one', () => {
    const present = [
      hashWith(0, 0),
      hashWith(0, 9),
      hashWith(0xff, 0xff),
      hashWith(0x80, 1),
      hashWith(0x7f, 3),
    ];
    const refs = present.map((hash, i) => ({ hash, offset: 8 + i * 1000, length: 100 + i }));
    const index = parsePackIndex(buildPackIndex(refs, 9000));
    expect(index.count).toBe(5);
    expect(index.packLength).toBe(9000);
    for (const ref of refs) {
      const found = lookupInIndex(index, ref.hash);
      expect(found && [found.offset, found.length]).toEqual([ref.offset, ref.length]);
    }
    for (const absent of [hashWith(0, 5), hashWith(0xff, 0xfe), hashWith(1, 0), hashWith(0x80, 2)])
      expect(lookupInIndex(index, absent)).toBeUndefined();
    expect(lookupInIndex(parsePackIndex(buildPackIndex([], 8)), hashWith(0, 0))).toBeUndefined();
  });

  it('finds random hashes among many (seeded) and offsets beyond 4 GiB', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.uint8Array({ minLength: 32, maxLength: 32 }), {
          maxLength: 300,
          selector: (h) => Buffer.from(h).toString('hex'),
        }),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        (hashes, probe) => {
          const refs = hashes.map((hash, i) => ({ hash, offset: 2 ** 33 + i, length: i }));
          const index = parsePackIndex(buildPackIndex(refs, 2 ** 34));
          for (const ref of refs) expect(lookupInIndex(index, ref.hash)?.offset).toBe(ref.offset);
          const isPresent = hashes.some((h) => Buffer.from(h).equals(Buffer.from(probe)));
          expect(lookupInIndex(index, probe) !== undefined).toBe(isPresent);
        },
      ),
      { seed: 13, numRuns: 50 },
    );
  });

  it('refuses a corrupted trailer, body or length, and duplicate hashes', () => {
    const bytes = buildPackIndex([{ hash: hashWith(3, 3), offset: 8, length: 50 }], 58);
    for (const at of [bytes.length - 1, 30, 8]) {
      const bad = Buffer.from(bytes);
      bad[at]! ^= 1;
      expect(() => parsePackIndex(bad)).toThrow(PackFormatError);
    }
    expect(() => parsePackIndex(bytes.subarray(0, bytes.length - 4))).toThrow(PackFormatError);
    const dup = { hash: hashWith(3, 3), offset: 8, length: 50 };
    expect(() => buildPackIndex([dup, dup], 100)).toThrow(PackFormatError);
  });
});

describe('buildPack', () => {
  it('gives a pack and index whose lookups read back every chunk (as ranged reads would)', () => {
    const chunks = [1, 2, 3, 4].map((n) => new TextEncoder().encode(`chunk ${n} `.repeat(n * 50)));
    const { pack, index } = buildPack(chunks.map((c) => [sha256(c), c] as const));
    const parsed = parsePackIndex(index);
    expect(parsed.packLength).toBe(pack.length);
    expect(scanPack(pack).records).toHaveLength(4);
    for (const c of chunks) {
      const ref = lookupInIndex(parsed, sha256(c))!;
      const record = pack.subarray(ref.offset, ref.offset + ref.length);
      expect(Buffer.from(decodeChunkRecord(record).bytes).equals(Buffer.from(c))).toBe(true);
    }
  });
});

describe('pack manifest', () => {
  it('round-trips and refuses malformed documents', () => {
    const manifest = { packs: ['0123456789abcdef'], journal: 'fedcba9876543210' };
    expect(parsePackManifest(encodePackManifest(manifest))).toEqual(manifest);
    for (const bad of [
      '{',
      '{"format":"x"}',
      '{"format":"verso-packs","version":1,"packs":["../x"]}',
    ])
      expect(() => parsePackManifest(Buffer.from(bad))).toThrow(PackManifestError);
  });
});

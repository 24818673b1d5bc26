/**
 * The asset record codec: round trips (property test), the stored shape, and each validation.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeValue, encodeValue } from '../core/canonical.js';
import { CorruptionError, InvalidArgumentError } from '../core/errors.js';
import {
  assetRecordProblem,
  decodeAssetRecord,
  encodeAssetRecord,
  keepVerifiedBytes,
  type AssetRecord,
} from './asset-record.js';

const SHA = 'ab'.repeat(32);
const blobRecord: AssetRecord = {
  file_name: 'train/00000001.jpg',
  width: 640,
  height: 480,
  media_type: 'image/jpeg',
  sha256: SHA,
  size: 123_456,
  storage: 'blob',
};

const recordArb: fc.Arbitrary<AssetRecord> = fc
  .record(
    {
      file_name: fc.string({ minLength: 1 }),
      size: fc.option(fc.nat(), { nil: undefined }),
      dims: fc.option(
        fc.tuple(fc.integer({ min: 1, max: 1e5 }), fc.integer({ min: 1, max: 1e5 })),
        {
          nil: undefined,
        },
      ),
      media_type: fc.option(fc.constantFrom('image/jpeg', 'image/png', 'image/svg+xml'), {
        nil: undefined,
      }),
      orientation: fc.option(fc.integer({ min: 1, max: 8 }), { nil: undefined }),
      stored: fc.option(
        fc.record({
          storage: fc.constantFrom('blob' as const, 'reference' as const),
          sha256: fc.stringMatching(/^[0-9a-f]{64}$/),
          uri: fc.webUrl(),
        }),
        { nil: undefined },
      ),
      extra: fc.option(
        fc.dictionary(
          fc.string({ minLength: 1 }).map((k) => `x_${k}`),
          fc.oneof(fc.integer(), fc.string(), fc.boolean()),
        ),
        { nil: undefined },
      ),
    },
    { requiredKeys: ['file_name'] },
  )
  .map((r) => {
    const out: Record<string, unknown> = { file_name: r.file_name };
    if (r.size !== undefined) out['size'] = r.size;
    if (r.dims) [out['width'], out['height']] = r.dims;
    if (r.media_type) out['media_type'] = r.media_type;
    if (r.orientation) out['orientation'] = r.orientation;
    if (r.stored) Object.assign(out, r.stored);
    if (r.extra && Object.keys(r.extra).length > 0) out['extra'] = r.extra;
    return out as unknown as AssetRecord;
  });

describe('asset record', () => {
  it('round-trips any valid record (seeded property)', () => {
    fc.assert(
      fc.property(recordArb, (r) => {
        expect(decodeAssetRecord(encodeAssetRecord(r))).toEqual(r);
      }),
      { seed: 20260301, numRuns: 300 },
    );
  });

  it('stores one flat canonical object: extras beside the known fields, order irrelevant', () => {
    const r: AssetRecord = { ...blobRecord, extra: { coco_url: 'http://x/1.jpg', source_id: 1 } };
    expect(decodeValue(encodeAssetRecord(r))).toEqual({
      ...blobRecord,
      coco_url: 'http://x/1.jpg',
      source_id: 1,
    });
    const reordered = { source_id: 1, ...blobRecord, coco_url: 'http://x/1.jpg' };
    expect(Buffer.from(encodeValue(reordered))).toEqual(Buffer.from(encodeAssetRecord(r)));
    expect(decodeAssetRecord(encodeValue(reordered))).toEqual(r);
  });

  it.each<[string, Partial<Record<keyof AssetRecord, unknown>>, string]>([
    ['empty file name', { file_name: '' }, 'file_name'],
    ['width without height', { height: undefined }, 'height'],
    ['zero width', { width: 0 }, 'width'],
    ['fractional height', { height: 4.5 }, 'height'],
    ['negative size', { size: -1 }, 'size'],
    ['short hash', { sha256: 'abc' }, 'sha256'],
    ['upper-case hash', { sha256: SHA.toUpperCase() }, 'sha256'],
    ['bad media type', { media_type: 'jpeg' }, 'media_type'],
    ['orientation 9', { orientation: 9 }, 'orientation'],
    ['unknown storage', { storage: 'cloud' }, 'storage'],
    ['blob without hash', { sha256: undefined }, 'sha256'],
    ['reference without uri', { storage: 'reference' }, 'uri'],
    ['extra reusing a known name', { extra: { width: 3 } }, 'width'],
  ])('rejects %s, naming the field', (_what, change, field) => {
    const r = { ...blobRecord, ...change } as AssetRecord;
    expect(assetRecordProblem(r)?.field).toBe(field);
    expect(() => encodeAssetRecord(r)).toThrow(InvalidArgumentError);
    expect(() => encodeAssetRecord(r)).toThrow(`'${field}'`);
  });

  it('accepts a metadata-only record (no storage, no hash, no size)', () => {
    expect(assetRecordProblem({ file_name: 'a.jpg', width: 1, height: 1 })).toBeUndefined();
  });

  it('refuses to decode stored bytes that are not a valid record', () => {
    expect(() => decodeAssetRecord(encodeValue([1, 2]))).toThrow(CorruptionError);
    expect(() => decodeAssetRecord(encodeValue({ width: 3, height: 3 }))).toThrow(
      /field 'file_name'/,
    );
  });
});

describe('keepVerifiedBytes: an import over a stored record', () => {
  const blob: AssetRecord = {
    file_name: 'a/x.jpg',
    width: 640,
    height: 480,
    media_type: 'image/jpeg',
    sha256: 'ab'.repeat(32),
    size: 1234,
    storage: 'blob',
  };
  const coco = { file_name: 'x.jpg', width: 640, height: 480, coco_url: 'http://x', source_id: 7 };

  it('keeps the fields measured from verified bytes, takes the rest from the import', () => {
    expect(keepVerifiedBytes(blob, coco)).toEqual({
      record: { ...coco, media_type: 'image/jpeg', sha256: blob.sha256, size: 1234, storage: 'blob' },
    });
  }); // prettier-ignore

  it('refuses an import that gives the verified image another size', () => {
    expect(keepVerifiedBytes(blob, { ...coco, width: 1280 })).toMatchObject({ field: 'width' });
  });

  it('takes the import as it is over a metadata-only record, or when it brings its own bytes', () => {
    expect(keepVerifiedBytes({ file_name: 'x.jpg' }, coco)).toEqual({ record: coco });
    const own = { ...coco, storage: 'blob', sha256: 'cd'.repeat(32) };
    expect(keepVerifiedBytes(blob, own)).toEqual({ record: own });
  });
});

/**
 * Image headers: real VOC and COCO images checked against the sizes their own annotation files
 * declare, generated PNGs, EXIF orientation, non-images and corrupt headers.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { IMAGE_HEAD_BYTES, readImageHeader } from './image-header.js';

const REAL = resolve(import.meta.dirname, '../../../shared/data/real');
const VOC_IMAGES = join(REAL, 'images/review_object_detection_metrics/data/database/images');
const VOC_XML = join(
  REAL,
  'pascal_voc/review_object_detection_metrics/data/database/gts/pascalvoc_format',
);
const COCO_SETS = [
  'coco/mmpose/tests/data/coco/test_coco.json',
  'coco/mmpose/tests/data/ochuman/test_ochuman.json',
  'coco/panopticapi/sample_data/images_info_examples.json',
];

/** [image path, declared width, declared height] from the annotation files beside the images. */
function realImages(): [string, number, number][] {
  const out: [string, number, number][] = [];
  for (const name of readdirSync(VOC_IMAGES).filter((n) => n.endsWith('.jpg'))) {
    const xml = readFileSync(join(VOC_XML, basename(name, '.jpg') + '.xml'), 'utf8');
    const size = /<size>\s*<width>(\d+)<\/width>\s*<height>(\d+)<\/height>/.exec(xml)!;
    out.push([join(VOC_IMAGES, name), Number(size[1]), Number(size[2])]);
  }
  for (const set of COCO_SETS) {
    const json = JSON.parse(readFileSync(join(REAL, set), 'utf8')) as {
      images: { file_name: string; width: number; height: number }[];
    };
    let dir = join(REAL, set, '..');
    if (set.includes('panopticapi')) dir = join(dir, 'input_images');
    for (const i of json.images) out.push([join(dir, i.file_name), i.width, i.height]);
  }
  return out;
}

function pngBytes(width: number, height: number): Buffer {
  const png = new PNG({ width, height });
  png.data.fill(200);
  return PNG.sync.write(png);
}

/** A JPEG with an EXIF APP1 segment (big-endian TIFF, one IFD entry: Orientation). */
function withExifOrientation(jpg: Buffer, orientation: number): Buffer {
  const tiff = Buffer.from([
    0x4d,
    0x4d,
    0x00,
    0x2a,
    0,
    0,
    0,
    8, // header, IFD at 8
    0,
    1, // one entry
    0x01,
    0x12,
    0,
    3,
    0,
    0,
    0,
    1,
    0,
    orientation,
    0,
    0, // Orientation, SHORT, 1 value
    0,
    0,
    0,
    0, // no next IFD
  ]);
  const body = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff]);
  const app1 = Buffer.concat([Buffer.from([0xff, 0xe1, 0, body.length + 2]), body]);
  return Buffer.concat([jpg.subarray(0, 2), app1, jpg.subarray(2)]);
}

describe('readImageHeader', () => {
  it('reads the sizes the annotation files declare for real images', () => {
    const images = realImages();
    expect(images.length).toBeGreaterThanOrEqual(109);
    for (const [file, width, height] of images) {
      const r = readImageHeader(readFileSync(file));
      expect(r, file).toEqual({
        kind: 'image',
        header: { mediaType: 'image/jpeg', width, height },
      });
    }
  });

  it('reads real PNGs, from the first bytes alone', () => {
    const dir = join(REAL, 'coco/panopticapi/sample_data/panoptic_examples');
    const sizes: Record<string, [number, number]> = {
      '000000142238.png': [640, 427],
      '000000439180.png': [640, 360],
    };
    for (const [name, [width, height]] of Object.entries(sizes)) {
      const head = readFileSync(join(dir, name)).subarray(0, IMAGE_HEAD_BYTES);
      expect(readImageHeader(head, false)).toEqual({
        kind: 'image',
        header: { mediaType: 'image/png', width, height },
      });
    }
  });

  it('reads generated PNGs and JPEGs, and EXIF orientation other than 1', () => {
    expect(readImageHeader(pngBytes(33, 17))).toEqual({
      kind: 'image',
      header: { mediaType: 'image/png', width: 33, height: 17 },
    });
    const raw = { width: 40, height: 30, data: Buffer.alloc(40 * 30 * 4, 128) };
    const jpg = jpeg.encode(raw, 80).data;
    const header = { mediaType: 'image/jpeg', width: 40, height: 30 };
    expect(readImageHeader(jpg)).toEqual({ kind: 'image', header });
    expect(readImageHeader(withExifOrientation(jpg, 6))).toEqual({
      kind: 'image',
      header: { ...header, orientation: 6 },
    });
    expect(readImageHeader(withExifOrientation(jpg, 1))).toEqual({ kind: 'image', header });
  });

  it.each([
    ['text', Buffer.from('hello, world\n')],
    ['JSON', Buffer.from('{"images": []}')],
    ['empty', Buffer.alloc(0)],
    ['text starting with BM', Buffer.from('BMW 3 series, a list of parts and prices\n')],
  ])('says a %s file is not an image', (_what, bytes) => {
    expect(readImageHeader(bytes)).toEqual({ kind: 'not-image' });
  });

  it('says a truncated or broken header is corrupt, or needs more bytes when there are more', () => {
    const png = pngBytes(8, 8);
    expect(readImageHeader(png.subarray(0, 20))).toMatchObject({
      kind: 'corrupt',
      mediaType: 'image/png',
    });
    const noFrame = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 4, 0, 0, 0xff, 0xd9]);
    expect(readImageHeader(noFrame)).toMatchObject({ kind: 'corrupt', mediaType: 'image/jpeg' });
    expect(readImageHeader(noFrame, false)).toEqual({ kind: 'need-more' });
  });
});

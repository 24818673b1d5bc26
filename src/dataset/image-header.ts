/**
 * Image type, dimensions and EXIF orientation from a file's first bytes (layer: dataset).
 *
 * Two steps, so that "not an image" and "a broken image" are told apart:
 * 1. the file signature (magic bytes) picks one of the supported types below, or none: the
 *    file is not a (supported) image;
 * 2. `image-size` reads the header of that type (no pixel decoding). If it fails, or reports
 *    another type, or no positive integer dimensions, the image is corrupt.
 * Only header bytes are read: a file whose pixel data is truncated after a valid header passes.
 *
 * Width and height are as stored in the file; a JPEG's EXIF orientation (2..8: mirrored or
 * rotated for display; 5..8 swap the displayed width and height) is reported separately.
 * Orientation 1 ("normal") is reported as absent.
 */
import { imageSize } from 'image-size';

export interface ImageHeader {
  readonly mediaType: string;
  readonly width: number;
  readonly height: number;
  readonly orientation?: number;
}

export type ImageHeaderResult =
  | { readonly kind: 'image'; readonly header: ImageHeader }
  | { readonly kind: 'not-image' }
  | { readonly kind: 'corrupt'; readonly mediaType: string; readonly why: string };

export interface NeedMore {
  readonly kind: 'need-more';
}

/**
 * Bytes that always suffice for a header here, except JPEGs whose APP segments (EXIF thumbnail,
 * ICC profile) push the frame header further: `readImageHeader` then says `need-more`.
 */
export const IMAGE_HEAD_BYTES = 64 * 1024;

interface SupportedType {
  /** image-size's name(s) for the type. */
  readonly names: readonly string[];
  readonly mediaType: (head: Uint8Array) => string;
  readonly matches: (head: Uint8Array) => boolean;
}

const ascii = (b: Uint8Array, from: number, to: number) =>
  Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('latin1', from, to);
const startsWith = (b: Uint8Array, bytes: readonly number[], at = 0) =>
  b.length >= at + bytes.length && bytes.every((x, i) => b[at + i] === x);
const fixed = (mediaType: string) => () => mediaType;

const HEIF_BRANDS: Readonly<Record<string, string>> = {
  avif: 'image/avif',
  mif1: 'image/heif',
  msf1: 'image/heif',
  heic: 'image/heic',
  heix: 'image/heic',
  hevc: 'image/heic',
  hevx: 'image/heic',
};
const BMP_DIB_HEADER_SIZES = new Set([12, 40, 52, 56, 64, 108, 124]);

const SUPPORTED: readonly SupportedType[] = [
  {
    names: ['jpg'],
    mediaType: fixed('image/jpeg'),
    matches: (b) => startsWith(b, [0xff, 0xd8, 0xff]),
  },
  {
    names: ['png'],
    mediaType: fixed('image/png'),
    matches: (b) => startsWith(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  },
  {
    names: ['gif'],
    mediaType: fixed('image/gif'),
    matches: (b) => ['GIF87a', 'GIF89a'].includes(ascii(b, 0, 6)),
  },
  {
    names: ['webp'],
    mediaType: fixed('image/webp'),
    matches: (b) => ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 12) === 'WEBP',
  },
  {
    names: ['bmp'],
    mediaType: fixed('image/bmp'),
    matches: (b) =>
      ascii(b, 0, 2) === 'BM' && b.length >= 18 && BMP_DIB_HEADER_SIZES.has(readLe32(b, 14)),
  },
  {
    names: ['tiff'],
    mediaType: fixed('image/tiff'),
    matches: (b) =>
      startsWith(b, [0x49, 0x49, 0x2a, 0x00]) || startsWith(b, [0x4d, 0x4d, 0x00, 0x2a]),
  },
  {
    names: ['heif'],
    mediaType: (b) => HEIF_BRANDS[ascii(b, 8, 12)] ?? 'image/heif',
    matches: (b) => ascii(b, 4, 8) === 'ftyp' && ascii(b, 8, 12) in HEIF_BRANDS,
  },
  {
    names: ['jxl', 'jxl-stream'],
    mediaType: fixed('image/jxl'),
    matches: (b) =>
      startsWith(b, [0xff, 0x0a]) ||
      startsWith(b, [0, 0, 0, 0x0c, 0x4a, 0x58, 0x4c, 0x20, 0x0d, 0x0a, 0x87, 0x0a]),
  },
  {
    names: ['jp2'],
    mediaType: fixed('image/jp2'),
    matches: (b) => startsWith(b, [0, 0, 0, 0x0c, 0x6a, 0x50, 0x20, 0x20, 0x0d, 0x0a, 0x87, 0x0a]),
  },
];

/** The media types `readImageHeader` recognises, for docs and messages. */
export const SUPPORTED_MEDIA_TYPES = [
  'image/jpeg',
  'image/png',
  'image/gif',
  'image/webp',
  'image/bmp',
  'image/tiff',
  'image/avif',
  'image/heic',
  'image/heif',
  'image/jxl',
  'image/jp2',
] as const;

function readLe32(b: Uint8Array, at: number): number {
  return (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;
}

/**
 * Reads the header from `head` (the file's first bytes, or all of them). `complete` says whether
 * `head` is the whole file: if it is not and the header could not be read, the result is
 * `need-more` rather than `corrupt`.
 */
export function readImageHeader(bytes: Uint8Array): ImageHeaderResult;
export function readImageHeader(head: Uint8Array, complete: boolean): ImageHeaderResult | NeedMore;
export function readImageHeader(head: Uint8Array, complete = true): ImageHeaderResult | NeedMore {
  const type = SUPPORTED.find((t) => t.matches(head));
  if (!type) return { kind: 'not-image' };
  const mediaType = type.mediaType(head);
  const corrupt = (why: string) =>
    complete ? { kind: 'corrupt' as const, mediaType, why } : { kind: 'need-more' as const };
  let size: ReturnType<typeof imageSize>;
  try {
    size = imageSize(ownBuffer(head));
  } catch (e) {
    return corrupt(`cannot read the ${mediaType} header (${(e as Error).message})`);
  }
  if (size.type === undefined || !type.names.includes(size.type))
    return corrupt(`the ${mediaType} header reads as ${size.type ?? 'no known type'}`);
  const { width, height, orientation } = size;
  if (!isDimension(width) || !isDimension(height))
    return corrupt(`the ${mediaType} header gives no valid size (${width}x${height})`);
  return {
    kind: 'image',
    header: {
      mediaType,
      width,
      height,
      ...(orientation !== undefined && orientation >= 2 && orientation <= 8 ? { orientation } : {}),
    },
  };
}

/**
 * `head` with an ArrayBuffer of its own: image-size reads through `DataView`s that extend to the
 * end of the underlying buffer, so a view into a larger (pooled) buffer could be read past its end.
 */
function ownBuffer(head: Uint8Array): Uint8Array {
  return head.byteOffset === 0 && head.buffer.byteLength === head.byteLength
    ? head
    : new Uint8Array(head);
}

function isDimension(x: number): boolean {
  return Number.isSafeInteger(x) && x > 0;
}

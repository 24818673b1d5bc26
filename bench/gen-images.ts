/**
 * Deterministic real-size JPEG/PNG files for the assets benchmark and tests (layer: bench).
 *
 * Encoding ten thousand distinct images would take longer than the benchmark itself, so a few
 * dozen base images are encoded (smooth gradients plus seeded noise, tuned to land between
 * ~50 and ~500 KB at 640x480..1920x1080, the size of real photos) and every file is made
 * unique cheaply: a JPEG gets a comment segment (COM, 0xFFFE) right after its SOI marker, a PNG
 * a `tEXt` chunk right after IHDR. Both are valid images whose headers any reader parses.
 * A finished set is cached in `outDir` (a `manifest.json` written last marks it complete).
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { Rng } from './rng.js';

export type ImageKind = 'jpeg' | 'png';

export interface ImageSetOptions {
  readonly count: number;
  readonly seed: number;
  readonly outDir: string;
  /** Distinct encoded base images (default 48). */
  readonly bases?: number;
  readonly log?: (msg: string) => void;
}

export interface ImageSet {
  readonly dir: string;
  readonly count: number;
  readonly bytes: number;
  /** Paths relative to `dir`. */
  readonly files: readonly string[];
}

const SIZES: readonly (readonly [number, number])[] = [
  [640, 480],
  [800, 600],
  [1024, 768],
  [1280, 720],
  [1600, 900],
  [1920, 1080],
];
/** JPEG noise per entry of SIZES: more pixels, less noise, so sizes stay in the 50..500 KB range. */
const JPEG_NOISE = [48, 40, 32, 24, 18, 12];
const FILES_PER_FOLDER = 1000;

/** Pixels of a smooth pattern with noise; PNG noise is per 4x4 block so it compresses like photos do. */
function pixels(width: number, height: number, rng: Rng, noise: number, block: number): Buffer {
  const data = Buffer.alloc(width * height * 4);
  const px = new Uint8ClampedArray(data.buffer, data.byteOffset, data.length); // clamps and rounds
  const fx = 0.002 + rng.float() * 0.01;
  const fy = 0.002 + rng.float() * 0.01;
  const phase = rng.float() * 6;
  const blocksPerRow = Math.ceil(width / block);
  const blockNoise = Float32Array.from(
    { length: blocksPerRow * Math.ceil(height / block) },
    () => (rng.float() - 0.5) * noise,
  );
  for (let y = 0; y < height; y++) {
    const wave = 40 * Math.cos(y * fy);
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      const n =
        block === 1
          ? (rng.float() - 0.5) * noise
          : blockNoise[((y / block) | 0) * blocksPerRow + ((x / block) | 0)]!;
      const v = 128 + 60 * Math.sin(x * fx + phase) + wave + n;
      px[i] = v;
      px[i + 1] = v * 0.8 + ((x >> 5) & 1) * 30;
      px[i + 2] = 255 - v;
      px[i + 3] = 255;
    }
  }
  return data;
}

/** One encoded image; `noise` 0..64 controls the size (more noise, larger file). */
export function encodeImage(
  kind: ImageKind,
  width: number,
  height: number,
  seed: number,
  noise = 24,
): Buffer {
  const rng = new Rng(seed, 7);
  if (kind === 'jpeg') {
    const data = pixels(width, height, rng, noise, 1);
    return Buffer.from(jpeg.encode({ width, height, data }, 85).data);
  }
  const png = new PNG({ width, height });
  pixels(width, height, rng, noise, 4).copy(png.data);
  return PNG.sync.write(png, { colorType: 2 });
}

/** The same image with `text` embedded (JPEG COM segment / PNG tEXt chunk): other bytes, same pixels. */
export function withMarker(kind: ImageKind, image: Buffer, text: string): Buffer {
  const payload = Buffer.from(text, 'latin1');
  if (kind === 'jpeg') {
    const length = Buffer.alloc(2);
    length.writeUInt16BE(payload.length + 2);
    return Buffer.concat([
      image.subarray(0, 2),
      Buffer.from([0xff, 0xfe]),
      length,
      payload,
      image.subarray(2),
    ]);
  }
  const body = Buffer.concat([Buffer.from('tEXtComment\0', 'latin1'), payload]);
  const chunk = Buffer.alloc(body.length + 8);
  chunk.writeUInt32BE(body.length - 4, 0);
  body.copy(chunk, 4);
  chunk.writeUInt32BE(crc32(body), body.length + 4);
  const afterIhdr = 8 + 25; // signature, then IHDR: length, type, 13 bytes, CRC
  return Buffer.concat([image.subarray(0, afterIhdr), chunk, image.subarray(afterIhdr)]);
}

const CRC_TABLE = Int32Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c;
});

function crc32(bytes: Uint8Array): number {
  let c = -1;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}

interface Base {
  readonly kind: ImageKind;
  readonly bytes: Buffer;
}

function encodeBases(count: number, seed: number): Base[] {
  const rng = new Rng(seed, 11);
  return Array.from({ length: count }, (_, i) => {
    const kind: ImageKind = i % 5 < 3 ? 'jpeg' : 'png'; // 60 % JPEG, 40 % PNG
    // tuned so that files land at ~50..500 KB: PNG (lossless) only up to 1024x768
    const sizeIndex = rng.int(0, kind === 'jpeg' ? SIZES.length - 1 : 2);
    const [width, height] = SIZES[sizeIndex]!;
    const noise = kind === 'jpeg' ? JPEG_NOISE[sizeIndex]! + rng.int(0, 4) : rng.int(0, 8);
    return { kind, bytes: encodeImage(kind, width, height, seed * 1000 + i, noise) };
  });
}

/** The cached image set in `outDir`, generating it first if needed. */
export function ensureImageSet(opts: ImageSetOptions): ImageSet {
  const manifest = join(opts.outDir, 'manifest.json');
  if (existsSync(manifest)) {
    const cached = JSON.parse(readFileSync(manifest, 'utf8')) as ImageSet & { seed: number };
    if (cached.count === opts.count && cached.seed === opts.seed)
      return { ...cached, dir: opts.outDir };
  }
  rmSync(opts.outDir, { recursive: true, force: true });
  opts.log?.(`encoding ${opts.bases ?? 48} base images`);
  const bases = encodeBases(opts.bases ?? 48, opts.seed);
  opts.log?.(`writing ${opts.count} images to ${opts.outDir}`);
  const files: string[] = [];
  let bytes = 0;
  for (let i = 0; i < opts.count; i++) {
    const base = bases[i % bases.length]!;
    const folder = String(Math.floor(i / FILES_PER_FOLDER)).padStart(3, '0');
    const name = `${folder}/img-${String(i).padStart(6, '0')}.${base.kind === 'jpeg' ? 'jpg' : 'png'}`;
    const image = withMarker(base.kind, base.bytes, `verso bench image ${i} seed ${opts.seed}`);
    if (i % FILES_PER_FOLDER === 0) mkdirSync(join(opts.outDir, folder), { recursive: true });
    writeFileSync(join(opts.outDir, name), image);
    files.push(name);
    bytes += image.length;
  }
  const set = { dir: opts.outDir, count: opts.count, bytes, files };
  writeFileSync(manifest, JSON.stringify({ ...set, seed: opts.seed }) + '\n');
  return set;
}

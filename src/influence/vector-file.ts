/**
 * The vector file of a training run (layer: influence): one float32 vector per training example,
 * in one binary blob (docs/formats.md, "Lineage and explain").
 *
 * Layout, little-endian: `VVEC` magic, u32 version (1), u32 dim, u32 count, u32 kind
 * (0 gradient, 1 embedding) = 20 bytes; then count x dim float32 (row i = example i); then
 * count keys, each u32 byte length + UTF-8 `IMAGE/LABEL`. The vectors come first and contiguous
 * so a reader scores them through one Float32Array view without copying.
 */
import type { VectorKind } from '../catalog/lineage-catalog.js';

export const VECTOR_MAGIC = 'VVEC';
export const VECTOR_VERSION = 1;
export const VECTOR_HEADER_BYTES = 20;
const KINDS: readonly VectorKind[] = ['gradient', 'embedding'];

export interface VectorFile {
  readonly dim: number;
  readonly count: number;
  readonly kind: VectorKind;
  /** count x dim, row-major. */
  readonly vectors: Float32Array;
  /** The bytes the keys are read from, and where the key section starts. */
  readonly bytes: Uint8Array;
  readonly keysOffset: number;
}

export function encodeVectorFile(
  kind: VectorKind,
  dim: number,
  keys: readonly string[],
  vectors: Float32Array,
): Uint8Array {
  const keyBytes = keys.map((k) => Buffer.from(k, 'utf8'));
  const keyTotal = keyBytes.reduce((n, b) => n + 4 + b.length, 0);
  const out = Buffer.alloc(VECTOR_HEADER_BYTES + vectors.byteLength + keyTotal);
  out.write(VECTOR_MAGIC, 0, 'latin1');
  out.writeUInt32LE(VECTOR_VERSION, 4);
  out.writeUInt32LE(dim, 8);
  out.writeUInt32LE(keys.length, 12);
  out.writeUInt32LE(KINDS.indexOf(kind), 16);
  const floats = new Float32Array(out.buffer, out.byteOffset + VECTOR_HEADER_BYTES, vectors.length);
  floats.set(vectors);
  let at = VECTOR_HEADER_BYTES + vectors.byteLength;
  for (const b of keyBytes) {
    out.writeUInt32LE(b.length, at);
    out.set(b, at + 4);
    at += 4 + b.length;
  }
  return out;
}

export interface VectorHeader {
  readonly dim: number;
  readonly count: number;
  readonly kind: VectorKind;
  /** Where the key section starts: VECTOR_HEADER_BYTES + count x dim x 4. */
  readonly keysOffset: number;
}

/** Decodes the first VECTOR_HEADER_BYTES; throws `Error(why)` on a malformed header. */
export function decodeVectorHeader(bytes: Uint8Array): VectorHeader {
  if (
    bytes.length < VECTOR_HEADER_BYTES ||
    Buffer.from(bytes.subarray(0, 4)).toString('latin1') !== VECTOR_MAGIC
  )
    throw new Error(`not a vector file (expected the magic '${VECTOR_MAGIC}')`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(4, true);
  if (version !== VECTOR_VERSION) throw new Error(`unsupported vector file version ${version}`);
  const dim = view.getUint32(8, true);
  const count = view.getUint32(12, true);
  const kind = KINDS[view.getUint32(16, true)];
  if (!kind) throw new Error(`unknown vector kind ${view.getUint32(16, true)}`);
  if (dim === 0) throw new Error('dimension 0');
  return { dim, count, kind, keysOffset: VECTOR_HEADER_BYTES + count * dim * 4 };
}

/** Decodes the header and views the vectors; throws `Error(why)` on a malformed file. */
export function decodeVectorFile(input: Uint8Array): VectorFile {
  // Float32Array views need a 4-byte aligned offset: copy the rare unaligned buffer.
  const bytes = input.byteOffset % 4 === 0 ? input : new Uint8Array(input);
  const { dim, count, kind, keysOffset } = decodeVectorHeader(bytes);
  if (keysOffset > bytes.length) throw new Error('truncated: fewer vectors than the header says');
  const vectors = new Float32Array(
    bytes.buffer,
    bytes.byteOffset + VECTOR_HEADER_BYTES,
    count * dim,
  );
  return { dim, count, kind, vectors, bytes, keysOffset };
}

/** Every key, in row order; throws when the key section is truncated. */
export function* vectorKeys(file: VectorFile): Generator<string> {
  const { bytes } = file;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const decoder = new TextDecoder();
  let at = file.keysOffset;
  for (let i = 0; i < file.count; i++) {
    if (at + 4 > bytes.length) throw new Error(`truncated: key ${i + 1} is missing`);
    const n = view.getUint32(at, true);
    if (at + 4 + n > bytes.length) throw new Error(`truncated: key ${i + 1} is cut short`);
    yield decoder.decode(bytes.subarray(at + 4, at + 4 + n));
    at += 4 + n;
  }
}

/** The keys of the rows `rows` (any order), by one walk over the key lengths. */
export function keysOfRows(file: VectorFile, rows: readonly number[]): Map<number, string> {
  return keysInSection(file.bytes.subarray(file.keysOffset), file.count, rows);
}

/**
 * The keys of the rows `rows` from the key section alone (`keys`: the bytes from `keysOffset`
 * on), by one walk over the key lengths that stops at the last wanted row; throws when the
 * section is cut short before it.
 */
export function keysInSection(
  keys: Uint8Array,
  count: number,
  rows: readonly number[],
): Map<number, string> {
  // The wanted rows in order: the walk compares each row with the next wanted one (a million
  // keys walked in a few ms; a set look-up per key took ~50 ms, a tenth of an explain).
  const wanted = [...new Set(rows)].filter((r) => r >= 0).sort((a, b) => a - b);
  const out = new Map<number, string>();
  const view = new DataView(keys.buffer, keys.byteOffset, keys.byteLength);
  const decoder = new TextDecoder();
  let at = 0;
  let next = 0;
  for (let i = 0; i < count && next < wanted.length; i++) {
    if (at + 4 > keys.length) throw new Error(`truncated: key ${i + 1} is missing`);
    const n = view.getUint32(at, true);
    if (at + 4 + n > keys.length) throw new Error(`truncated: key ${i + 1} is cut short`);
    if (i === wanted[next]) {
      out.set(i, decoder.decode(keys.subarray(at + 4, at + 4 + n)));
      next++;
    }
    at += 4 + n;
  }
  return out;
}

/** `IMAGE/LABEL` split at the first `/` (image ids are file base names: they hold no `/`). */
export function splitExampleKey(key: string): { image: string; label: string } | undefined {
  const slash = key.indexOf('/');
  if (slash <= 0 || slash === key.length - 1) return undefined;
  return { image: key.slice(0, slash), label: key.slice(slash + 1) };
}

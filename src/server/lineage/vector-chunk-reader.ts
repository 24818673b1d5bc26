/**
 * Checking one chunk of run vectors as it streams in (layer: server). A chunk is one binary
 * vector file (the `VVEC` layout of `docs/formats.md`, "Lineage and explain"), sent as an
 * `application/octet-stream` request body:
 *
 *   20-byte header, little-endian: `VVEC`, u32 version (1), u32 dim, u32 count, u32 kind
 *   (0 gradient, 1 embedding); then count x dim float32 LE (row-major: numpy's
 *   `array.astype('<f4').tobytes()`); then count keys, each u32 LE byte length + UTF-8
 *   `IMAGE/LABEL`.
 *
 * The reader is fed the body's bytes as they arrive and refuses, with what and where, a bad
 * header, a dimension or kind other than the earlier chunks', a NaN or infinite value (row and
 * column), a malformed or repeated key, a body that ends early (truncated) or goes on after the
 * last key. It keeps only the keys (the floats pass through to the caller's file), so a chunk
 * of any size is checked in constant memory besides its keys.
 */
import {
  decodeVectorHeader,
  splitExampleKey,
  VECTOR_HEADER_BYTES,
  VECTOR_MAGIC,
  type VectorHeader,
} from '../../api/lineage/index.js';
import { FormatParseError } from '../../core/errors.js';

export const VECTOR_BODY = 'request body';
const EMPTY = Buffer.alloc(0);

/** What earlier chunks of the same run fixed: every chunk must agree. */
export interface ChunkShape {
  readonly dim: number;
  readonly kind: VectorHeader['kind'];
}

export class VectorChunkReader {
  private header: VectorHeader | undefined;
  private readonly head = Buffer.alloc(VECTOR_HEADER_BYTES);
  private headFill = 0;
  /** Float bytes seen so far, and the bytes of a float split across two pushes. */
  private floatBytes = 0;
  private readonly partial = Buffer.alloc(4);
  private partialFill = 0;
  /** Key section: bytes of the length or key being assembled. */
  private keyBuf: Buffer = EMPTY;
  private keyNeed = 4;
  private inKey = false;
  readonly keys: string[] = [];
  private readonly seen = new Set<string>();
  private bodyBytes = 0;

  constructor(
    private readonly shape: ChunkShape | undefined,
    /** Keys already staged by earlier chunks (a key is given once per run). */
    private readonly earlier: ReadonlySet<string>,
  ) {}

  get dim(): number {
    return this.header?.dim ?? 0;
  }

  get kind(): VectorHeader['kind'] {
    return this.header!.kind;
  }

  get count(): number {
    return this.header?.count ?? 0;
  }

  /** Bytes of the float section (count x dim x 4). */
  get vectorBytes(): number {
    return this.header ? this.header.count * this.header.dim * 4 : 0;
  }

  push(chunk: Uint8Array): void {
    let at = 0;
    this.bodyBytes += chunk.length;
    if (!this.header) {
      const n = Math.min(VECTOR_HEADER_BYTES - this.headFill, chunk.length);
      this.head.set(chunk.subarray(0, n), this.headFill);
      this.headFill += n;
      at = n;
      if (this.headFill < VECTOR_HEADER_BYTES) return;
      this.header = this.checkedHeader();
    }
    const left = this.vectorBytes - this.floatBytes - this.partialFill;
    if (left > 0 && at < chunk.length) {
      const n = Math.min(left, chunk.length - at);
      this.checkFloats(chunk.subarray(at, at + n));
      at += n;
    }
    if (at < chunk.length) this.readKeys(chunk.subarray(at));
  }

  /** The body has ended: it must hold exactly the header's vectors and keys. */
  end(): void {
    if (!this.header && this.headFill >= 4 && this.head.toString('latin1', 0, 4) !== VECTOR_MAGIC)
      throw fail('header', null, `not a vector chunk (expected the magic '${VECTOR_MAGIC}')`);
    if (!this.header)
      throw fail(
        'header',
        null,
        `truncated: the body has ${this.headFill} bytes, a vector chunk starts with a ${VECTOR_HEADER_BYTES}-byte header`,
      );
    const { count, dim } = this.header;
    if (this.floatBytes < this.vectorBytes)
      throw fail(
        `row ${Math.floor(this.floatBytes / 4 / dim) + 1}`,
        'vector',
        `truncated: the header says ${count} vectors of dimension ${dim} (${this.vectorBytes} bytes of float32), the body has ${this.floatBytes}`,
        { expected_bytes: VECTOR_HEADER_BYTES + this.vectorBytes, received_bytes: this.bodyBytes },
      );
    if (this.keys.length < count)
      throw fail(
        `key ${this.keys.length + 1}`,
        'key',
        `truncated: the header says ${count} keys, the body ends ${this.inKey || this.keyBuf.length > 0 ? 'inside' : 'before'} key ${this.keys.length + 1}`,
        { received_bytes: this.bodyBytes },
      );
  }

  private checkedHeader(): VectorHeader {
    let h: VectorHeader;
    try {
      h = decodeVectorHeader(this.head);
    } catch (e) {
      throw fail('header', null, (e as Error).message);
    }
    if (h.count === 0) throw fail('header', 'count', 'is 0: a chunk holds at least one vector');
    if (this.shape && h.dim !== this.shape.dim)
      throw fail(
        'header',
        'dim',
        `is ${h.dim}; the run's earlier chunks have dimension ${this.shape.dim}`,
        { dim: h.dim, expected_dim: this.shape.dim },
      );
    if (this.shape && h.kind !== this.shape.kind)
      throw fail('header', 'kind', `is ${h.kind}; the run's earlier chunks are ${this.shape.kind}`);
    return h;
  }

  private checkFloats(bytes: Uint8Array): void {
    let i = 0;
    if (this.partialFill > 0) {
      const n = Math.min(4 - this.partialFill, bytes.length);
      this.partial.set(bytes.subarray(0, n), this.partialFill);
      this.partialFill += n;
      i = n;
      if (this.partialFill < 4) return;
      this.checkValue(this.partial.readFloatLE(0), this.floatBytes / 4);
      this.floatBytes += 4;
      this.partialFill = 0;
    }
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const whole = i + Math.floor((bytes.length - i) / 4) * 4;
    for (; i < whole; i += 4) {
      const v = view.getFloat32(i, true);
      if (v - v !== 0) this.checkValue(v, this.floatBytes / 4);
      this.floatBytes += 4;
    }
    if (i < bytes.length) {
      this.partial.set(bytes.subarray(i), 0);
      this.partialFill = bytes.length - i;
    }
  }

  private checkValue(v: number, index: number): void {
    if (Number.isFinite(v)) return;
    const dim = this.header!.dim;
    const row = Math.floor(index / dim) + 1;
    const column = (index % dim) + 1;
    throw fail(`row ${row}`, 'vector', `value ${column} is ${String(v)} (vectors must be finite)`, {
      row,
      column,
    });
  }

  private readKeys(bytes: Uint8Array): void {
    let at = 0;
    while (at < bytes.length) {
      if (this.keys.length === this.count)
        throw fail(
          'after the last key',
          null,
          `${bytes.length - at} bytes more than the header's ${this.count} vectors and keys`,
        );
      const n = Math.min(this.keyNeed - this.keyBuf.length, bytes.length - at);
      // Whole pieces are read in place; only a piece split across two pushes is copied.
      const piece =
        this.keyBuf.length === 0 && n === this.keyNeed
          ? Buffer.from(bytes.buffer, bytes.byteOffset + at, n)
          : Buffer.concat([this.keyBuf, bytes.subarray(at, at + n)]);
      at += n;
      this.keyBuf = piece;
      if (piece.length < this.keyNeed) return;
      if (!this.inKey) {
        this.keyNeed = this.keyBuf.readUInt32LE(0);
        if (this.keyNeed === 0 || this.keyNeed > 4096)
          throw fail(
            `key ${this.keys.length + 1}`,
            'key',
            `has length ${this.keyNeed} (expected 1..4096 bytes)`,
          );
        this.inKey = true;
      } else {
        this.addKey(this.keyBuf.toString('utf8'));
        this.inKey = false;
        this.keyNeed = 4;
      }
      this.keyBuf = EMPTY;
    }
  }

  private addKey(key: string): void {
    const at = `key ${this.keys.length + 1}`;
    if (!splitExampleKey(key)) throw fail(at, 'key', `'${key}' is not IMAGE/LABEL`);
    if (this.seen.has(key)) throw fail(at, 'key', `'${key}' is given twice in this chunk`);
    if (this.earlier.has(key))
      throw fail(at, 'key', `'${key}' was sent in an earlier chunk of this run`);
    this.seen.add(key);
    this.keys.push(key);
  }
}

function fail(
  where: string,
  field: string | null,
  why: string,
  extra: Record<string, unknown> = {},
): FormatParseError {
  return new FormatParseError(VECTOR_BODY, where, field, why, extra);
}

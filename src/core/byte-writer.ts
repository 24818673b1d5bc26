/**
 * Growable byte buffer and matching reader with unsigned LEB128 varints (layer: core).
 *
 * Shared by the canonical value codec, the tuple key codec and the tree node codec so that all
 * on-disk integers use one encoding. Varints carry non-negative integers up to 2^53.
 */
import { CorruptionError } from './errors.js';

export class ByteWriter {
  protected buf: Buffer;
  protected pos = 0;

  constructor(initialSize = 256) {
    this.buf = Buffer.allocUnsafe(initialSize);
  }

  get length(): number {
    return this.pos;
  }

  protected ensure(extra: number): void {
    if (this.pos + extra <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + extra) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  byte(b: number): void {
    this.ensure(1);
    this.buf[this.pos++] = b;
  }

  varint(n: number): void {
    this.ensure(8);
    while (n >= 0x80) {
      this.buf[this.pos++] = (n % 0x80) | 0x80;
      n = Math.floor(n / 0x80);
    }
    this.buf[this.pos++] = n;
  }

  /** Append src[start, end); short runs are copied by hand (cheaper than a subarray). */
  bytes(src: Uint8Array, start = 0, end = src.length): void {
    const n = end - start;
    this.ensure(n);
    if (n <= 64) {
      const buf = this.buf;
      let at = this.pos;
      for (let i = start; i < end; i++) buf[at++] = src[i]!;
    } else this.buf.set(src.subarray(start, end), this.pos);
    this.pos += n;
  }

  /** Length-prefixed bytes. */
  blob(b: Uint8Array): void {
    this.varint(b.length);
    this.bytes(b);
  }

  utf8(s: string): void {
    const len = Buffer.byteLength(s, 'utf8');
    this.varint(len);
    this.ensure(len);
    this.buf.write(s, this.pos, len, 'utf8');
    this.pos += len;
  }

  /** Write a 4-byte placeholder; returns its position for `patchU32`. */
  reserveU32(): number {
    this.ensure(4);
    this.pos += 4;
    return this.pos - 4;
  }

  patchU32(at: number, value: number): void {
    this.buf.writeUInt32BE(value, at);
  }

  float64(x: number): void {
    this.ensure(8);
    this.buf.writeDoubleBE(x, this.pos);
    this.pos += 8;
  }

  /** A copy of the written bytes (safe to keep after further writes). */
  finish(): Uint8Array {
    return Buffer.from(this.buf.subarray(0, this.pos));
  }

  /** A copy in its own memory (never a slice of Node's shared pool): safe to transfer to a thread. */
  finishUnpooled(): Uint8Array {
    const out = Buffer.allocUnsafeSlow(this.pos);
    this.buf.copy(out, 0, 0, this.pos);
    return out;
  }

  /** The written bytes without copying; valid until the next write or reset. */
  view(): Uint8Array {
    return this.buf.subarray(0, this.pos);
  }

  /** Forget everything written after position `at`. */
  truncate(at: number): void {
    this.pos = Math.min(this.pos, at);
  }

  reset(): void {
    this.pos = 0;
  }
}

export class ByteReader {
  pos = 0;
  private readonly buf: Buffer;

  constructor(bytes: Uint8Array) {
    this.buf = Buffer.isBuffer(bytes)
      ? bytes
      : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get done(): boolean {
    return this.pos >= this.buf.length;
  }

  private need(n: number): void {
    if (this.pos + n > this.buf.length) throw new CorruptionError('truncated encoding');
  }

  byte(): number {
    this.need(1);
    return this.buf[this.pos++]!;
  }

  varint(): number {
    let n = 0;
    let mul = 1;
    for (;;) {
      const b = this.byte();
      n += (b & 0x7f) * mul;
      if (b < 0x80) return n;
      mul *= 0x80;
      if (mul > 2 ** 56) throw new CorruptionError('varint too long');
    }
  }

  bytes(n: number): Uint8Array {
    this.need(n);
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  blob(): Uint8Array {
    return this.bytes(this.varint());
  }

  /** Moves past `n` bytes without reading them. */
  skip(n: number): void {
    this.need(n);
    this.pos += n;
  }

  utf8(): string {
    const len = this.varint();
    this.need(len);
    const s = this.buf.toString('utf8', this.pos, this.pos + len);
    this.pos += len;
    return s;
  }

  u32(): number {
    this.need(4);
    const v = this.buf.readUInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  /** Everything not yet read. */
  rest(): Uint8Array {
    return this.bytes(this.buf.length - this.pos);
  }

  float64(): number {
    this.need(8);
    const x = this.buf.readDoubleBE(this.pos);
    this.pos += 8;
    return x;
  }
}

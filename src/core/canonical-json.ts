/**
 * Canonical bytes straight to JSON text bytes (layer: core).
 *
 * `cat` and exports print millions of records, so this renders the canonical encoding in one
 * pass into a byte buffer: no intermediate values, no JS strings for numbers, names or plain
 * strings, hence almost no garbage. The text parses to the same value as `decodeValue(b)`;
 * numbers print as JavaScript prints them; object members come in canonical (sorted) order, so
 * the output is itself canonical JSON. The tag layout is `canonical.ts`'s, and
 * `canonical.test.ts` checks the two agree on random values.
 */
import { ByteWriter } from './byte-writer.js';
import { CANONICAL_DICTIONARY } from './canonical-dictionary.js';
import { civilFromDays } from './iso-instant.js';
import { CorruptionError } from './errors.js';

const QUOTED_DICTIONARY = CANONICAL_DICTIONARY.map((s) => Buffer.from(JSON.stringify(s)));
const QUOTED_MEMBER_NAMES = CANONICAL_DICTIONARY.map((s) => Buffer.from(JSON.stringify(s) + ':'));
const POW10 = [1, 10, 100, 1000, 10000, 100000, 1000000];
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
/** `take` hands over blocks at least this big instead of copying them (never a pooled Buffer). */
const HAND_OVER_BYTES = 1 << 16;

/** A growable output buffer of JSON text (a ByteWriter with text helpers). */
export class JsonBytes extends ByteWriter {
  constructor() {
    super(1 << 16);
  }

  ascii(s: string): void {
    this.ensure(s.length);
    for (let i = 0; i < s.length; i++) this.buf[this.pos++] = s.charCodeAt(i);
  }

  /** A JS string as UTF-8 bytes (no length prefix, unlike `ByteWriter#utf8`). */
  text(s: string): void {
    this.ensure(s.length * 3);
    this.pos += this.buf.write(s, this.pos, 'utf8');
  }

  /** Decimal digits of a non-negative safe integer, left-padded with zeros to `width`. */
  digits(n: number, width = 1): void {
    if (n < 10 && width === 1) {
      this.ensure(1);
      this.buf[this.pos++] = 48 + n;
      return;
    }
    if (n < 100 && width <= 2) {
      this.ensure(2);
      if (n >= 10 || width === 2) this.buf[this.pos++] = 48 + Math.floor(n / 10);
      this.buf[this.pos++] = 48 + (n % 10);
      return;
    }
    let len = 1;
    for (let t = n; t >= 10; t = Math.floor(t / 10)) len++;
    const total = Math.max(len, width);
    this.ensure(total);
    let at = this.pos + total - 1;
    for (let i = 0; i < total; i++) {
      this.buf[at--] = 48 + (n % 10);
      n = Math.floor(n / 10);
    }
    this.pos += total;
  }

  /** A JSON string literal for the UTF-8 bytes src[start, end). */
  quoted(src: Uint8Array, start: number, end: number): void {
    for (let i = start; i < end; i++) {
      const c = src[i]!;
      if (c < 0x20 || c === QUOTE || c === BACKSLASH) {
        this.text(
          JSON.stringify(
            Buffer.from(src.buffer, src.byteOffset + start, end - start).toString('utf8'),
          ),
        );
        return;
      }
    }
    this.ensure(end - start + 2);
    this.buf[this.pos++] = QUOTE;
    this.bytes(src, start, end);
    this.buf[this.pos++] = QUOTE;
  }

  /** Take the text written so far and start again. */
  take(): Buffer {
    if (this.pos >= HAND_OVER_BYTES) {
      // A big block is handed over as it is, and writing goes on in a fresh buffer of the same
      // size: no copy (the block keeps its buffer's spare capacity, at most as much again).
      const out = this.buf.subarray(0, this.pos);
      this.buf = Buffer.allocUnsafe(this.buf.length);
      this.pos = 0;
      return out;
    }
    const out = Buffer.allocUnsafe(this.pos);
    this.buf.copy(out, 0, 0, this.pos);
    this.reset();
    return out;
  }
}

class Renderer {
  pos = 0;
  private b: Uint8Array = new Uint8Array(0);
  private out!: JsonBytes;

  /** Render from `b` into `out` (one instance is reused: rendering is synchronous). */
  reset(b: Uint8Array, out: JsonBytes): this {
    this.b = b;
    this.out = out;
    this.pos = 0;
    return this;
  }

  varint(): number {
    const b = this.b;
    let x = b[this.pos++];
    if (x === undefined) throw new CorruptionError('truncated canonical value');
    if (x < 0x80) return x;
    let n = x & 0x7f;
    let mul = 0x80;
    for (;;) {
      x = b[this.pos++];
      if (x === undefined) throw new CorruptionError('truncated varint');
      n += (x & 0x7f) * mul;
      if (x < 0x80) return n;
      mul *= 0x80;
    }
  }

  /** Renders members, leaving out those whose name is in `skip`; returns how many it wrote. */
  membersExcept(n: number, skip: ReadonlySet<string>): number {
    let written = 0;
    for (let i = 0; i < n; i++) {
      const at = this.pos;
      const x = this.varint();
      const name =
        x % 2 === 1
          ? CANONICAL_DICTIONARY[(x - 1) / 2]
          : Buffer.from(this.b.buffer, this.b.byteOffset + this.pos, x / 2).toString('utf8');
      if (name !== undefined && skip.has(name)) {
        if (x % 2 === 0) this.pos += x / 2;
        const out = this.out;
        this.out = DISCARD;
        this.value();
        this.out = out;
        DISCARD.reset();
        continue;
      }
      this.pos = at;
      if (written > 0) this.out.byte(0x2c);
      this.members(1);
      written++;
    }
    return written;
  }

  members(n: number): void {
    const out = this.out;
    for (let i = 0; i < n; i++) {
      if (i > 0) out.byte(0x2c);
      const x = this.varint();
      if (x % 2 === 1) {
        const name = QUOTED_MEMBER_NAMES[(x - 1) / 2];
        if (name === undefined) throw new CorruptionError('unknown dictionary member name');
        out.bytes(name);
      } else {
        const start = this.pos;
        this.pos += x / 2;
        if (this.pos > this.b.length) throw new CorruptionError('truncated member name');
        out.quoted(this.b, start, this.pos);
        out.byte(0x3a);
      }
      this.value();
    }
  }

  value(): void {
    const out = this.out;
    const tag = this.b[this.pos++];
    switch (tag) {
      case 0:
        return out.ascii('null');
      case 1:
        return out.ascii('false');
      case 2:
        return out.ascii('true');
      case 3:
        return out.digits(this.varint());
      case 4:
        out.byte(0x2d);
        return out.digits(this.varint());
      case 5: {
        const q = QUOTED_DICTIONARY[this.varint()];
        if (q === undefined) throw new CorruptionError('unknown dictionary string');
        return out.bytes(q);
      }
      case 6: {
        if (this.pos + 8 > this.b.length) throw new CorruptionError('truncated float');
        for (let i = 0; i < 8; i++) FLOAT_BYTES[i] = this.b[this.pos + i]!;
        this.pos += 8;
        return out.ascii(String(FLOAT_VIEW.getFloat64(0)));
      }
      case 7: {
        const len = this.varint();
        const start = this.pos;
        this.pos += len;
        if (this.pos > this.b.length) throw new CorruptionError('truncated string');
        return out.quoted(this.b, start, this.pos);
      }
      case 8: {
        const n = this.varint();
        out.byte(0x5b);
        for (let i = 0; i < n; i++) {
          if (i > 0) out.byte(0x2c);
          this.value();
        }
        return out.byte(0x5d);
      }
      case 9:
        out.byte(0x7b);
        this.members(this.varint());
        return out.byte(0x7d);
      case 17:
        return instant(out, unzigzag(this.varint()) * 1000, false);
      case 18:
        return instant(out, unzigzag(this.varint()), true);
      default:
        if (tag !== undefined && tag > 10 && tag <= 16)
          return decimal(out, unzigzag(this.varint()), tag - 10);
        throw new CorruptionError(`unknown canonical value tag ${tag}`);
    }
  }
}

const FLOAT_BYTES = new Uint8Array(8);
const FLOAT_VIEW = new DataView(FLOAT_BYTES.buffer);
const RENDERER = new Renderer();
/** Where skipped members are rendered and dropped. */
const DISCARD = new JsonBytes();

const unzigzag = (z: number): number => (z % 2 === 0 ? z / 2 : -(z + 1) / 2);

/**
 * How JavaScript prints n / 10^k, by placing the decimal point in n's digits. Exact for
 * |n| < 10^15: a decimal of at most 15 significant digits is the shortest string that round-trips
 * to its double, which is what `Number#toString` prints (no exponent in this range).
 */
function decimal(out: JsonBytes, n: number, k: number): void {
  if (n <= -1e15 || n >= 1e15) return out.ascii(String(n / POW10[k]!));
  if (n < 0) {
    out.byte(0x2d);
    n = -n;
  }
  const p = POW10[k]!;
  out.digits(Math.floor(n / p));
  out.byte(0x2e);
  out.digits(n % p, k);
}

/** `"YYYY-MM-DDTHH:MM:SS[.sss]Z"`, exactly as `Date#toISOString` prints years 0000-9999. */
function instant(out: JsonBytes, ms: number, withMillis: boolean): void {
  const days = Math.floor(ms / 86400000);
  let rest = ms - days * 86400000;
  const ymd = civilFromDays(days);
  out.byte(QUOTE);
  out.digits(Math.floor(ymd / 10000), 4);
  out.byte(0x2d);
  out.digits(Math.floor(ymd / 100) % 100, 2);
  out.byte(0x2d);
  out.digits(ymd % 100, 2);
  out.byte(0x54);
  out.digits(Math.floor(rest / 3600000), 2);
  rest %= 3600000;
  out.byte(0x3a);
  out.digits(Math.floor(rest / 60000), 2);
  rest %= 60000;
  out.byte(0x3a);
  out.digits(Math.floor(rest / 1000), 2);
  if (withMillis) {
    out.byte(0x2e);
    out.digits(rest % 1000, 3);
  }
  out.byte(0x5a);
  out.byte(QUOTE);
}

/** Append the JSON text of an encoded value. */
export function renderJson(bytes: Uint8Array, out: JsonBytes): void {
  const r = RENDERER.reset(bytes, out);
  r.value();
  if (r.pos !== bytes.length) throw new CorruptionError('trailing bytes after canonical value');
}

/** Append the members of an encoded object as JSON text without braces; returns the count. */
export function renderObjectMembers(bytes: Uint8Array, out: JsonBytes): number {
  if (bytes[0] !== 9) throw new CorruptionError('expected an encoded object');
  const r = RENDERER.reset(bytes, out);
  r.pos = 1;
  const n = r.varint();
  r.members(n);
  if (r.pos !== bytes.length) throw new CorruptionError('trailing bytes after canonical value');
  return n;
}

/**
 * Append the members of an encoded object as JSON text without braces, leaving out the members
 * named in `skip`; returns how many were written.
 */
export function renderObjectMembersExcept(
  bytes: Uint8Array,
  out: JsonBytes,
  skip: ReadonlySet<string>,
): number {
  if (bytes[0] !== 9) throw new CorruptionError('expected an encoded object');
  const r = RENDERER.reset(bytes, out);
  r.pos = 1;
  const written = r.membersExcept(r.varint(), skip);
  if (r.pos !== bytes.length) throw new CorruptionError('trailing bytes after canonical value');
  return written;
}

export function canonicalToJson(bytes: Uint8Array): string {
  const out = new JsonBytes();
  renderJson(bytes, out);
  return out.take().toString('utf8');
}

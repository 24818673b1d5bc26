/**
 * Seeded pseudo-random numbers for benchmark data (layer: bench).
 *
 * xoshiro128** (Blackman & Vigna): 128 bits of state, 32-bit outputs, fast with `Math.imul`.
 * A generator is identified by `(seed, stream, index)`: the same triple always yields the same
 * sequence, and different triples yield independent-looking sequences. Benchmark generators use
 * `stream` to separate concerns (image plan, label content, edit targets, ...) and `index` to
 * give every image its own generator, so one image's labels can be regenerated without
 * replaying every image before it.
 *
 * Not for cryptography; not byte-compatible with any other generator.
 */

/** murmur3 32-bit finaliser: a cheap bijective mixer used to derive the initial state. */
function fmix32(x: number): number {
  let h = x | 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  /** `seed` and `stream` are taken modulo 2^32; `index` may be any safe non-negative integer. */
  constructor(seed: number, stream = 0, index = 0) {
    const lo = index >>> 0;
    const hi = Math.floor(index / 0x1_0000_0000) >>> 0;
    let s = fmix32(seed ^ 0x9e3779b9);
    s = fmix32(s ^ Math.imul(stream + 1, 0x632be5ab));
    s = fmix32(s ^ Math.imul(lo + 1, 0x85157af5));
    s = fmix32(s ^ Math.imul(hi + 1, 0x58f1e3c7));
    // splitmix-style expansion of the 32-bit digest into 128 bits of state
    this.a = fmix32((s += 0x9e3779b9));
    this.b = fmix32((s += 0x9e3779b9));
    this.c = fmix32((s += 0x9e3779b9));
    this.d = fmix32((s += 0x9e3779b9));
    if ((this.a | this.b | this.c | this.d) === 0) this.a = 1; // the all-zero state is a fixed point
  }

  /** Uniform 32-bit unsigned integer. */
  u32(): number {
    const result = Math.imul(rotl(Math.imul(this.b, 5), 7), 9) >>> 0;
    const t = this.b << 9;
    this.c ^= this.a;
    this.d ^= this.b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = rotl(this.d, 11);
    return result;
  }

  /** Uniform float in [0, 1) with 32 bits of resolution. */
  float(): number {
    return this.u32() / 0x1_0000_0000;
  }

  /** Uniform integer in [lo, hi], both inclusive. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.float() * (hi - lo + 1));
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.float() < p;
  }

  /** Fisher-Yates shuffle in place. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(0, i);
      const tmp = items[i] as T;
      items[i] = items[j] as T;
      items[j] = tmp;
    }
    return items;
  }
}

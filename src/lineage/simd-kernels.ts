/**
 * The scoring loops as a tiny WebAssembly SIMD module (layer: lineage, pure), hand-assembled
 * below so no tool chain is needed. Same float64 operations, in the same order per row, as
 * `referenceScore` in `influence.ts`: two float32 lanes are promoted to float64 and multiplied
 * and added exactly as JavaScript does, so the scores are bit-identical, about 3x faster.
 *
 * - `dot(v, rows, q, dim, out)`: per row, accumulators (s0, s1) and (s2, s3) in two f64x2
 *   lanes over j mod 4; out[row] = ((s0 + s1) + s2) + s3. Needs dim % 4 = 0.
 * - `cos(v, pairs, q, dim, out)`: two rows per pass, one per lane, each one running dot and one
 *   running squared norm; writes (dotA, dotB, normA, normB) per pair. Needs dim % 4 = 0.
 * Pointers are byte offsets into the module's memory; `q` is the query as float64 (8 bytes per
 * element) so it loads without conversion. Returns undefined where WebAssembly SIMD is missing.
 */

const SIMD = 0xfd;
const i32 = 0x7f;
const v128 = 0x7b;
const get = (i: number) => [0x20, i];
const set = (i: number) => [0x21, i];
const load = (offset: number) => [SIMD, 0x00, 4, offset]; // v128.load align 16
const splat64 = (offset: number) => [SIMD, 0x0a, 3, offset]; // v128.load64_splat
const store = (offset: number) => [SIMD, 0x0b, 4, offset];
const shuffle = (lanes: number[]) => [SIMD, 0x0d, ...lanes];
const promoteLow = [SIMD, 0x5f]; // f64x2.promote_low_f32x4
const add2 = [SIMD, 0xf0, 0x01]; // f64x2.add
const mul2 = [SIMD, 0xf2, 0x01]; // f64x2.mul
const lane = (i: number) => [SIMD, 0x21, i]; // f64x2.extract_lane
const zero = [SIMD, 0x0c, ...new Array<number>(16).fill(0)];
const swapHalves = shuffle([8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7]);
const addI32 = (local: number, n: number) => [...get(local), 0x41, n, 0x6a, ...set(local)];
const rowEnd = (from: number, into: number) => [
  ...get(from),
  ...get(3),
  0x41,
  2,
  0x74, // i32.shl: dim x 4 bytes
  0x6a,
  ...set(into),
];
const loopWhileBelow = (p: number, end: number) => [...get(p), ...get(end), 0x49, 0x0d, 0]; // br_if

// params: 0 v, 1 rows, 2 q, 3 dim, 4 out; locals: 5 end, 6 qp (i32); 7 A, 8 B, 9 x (v128).
// prettier-ignore
const dotBody = [
  2, 2, i32, 3, v128,
  0x02, 0x40, ...get(1), 0x45, 0x0d, 0, // block; rows = 0: done
  0x03, 0x40, // loop rows
  ...zero, ...set(7), ...zero, ...set(8), ...rowEnd(0, 5), ...get(2), ...set(6),
  0x03, 0x40, // loop columns
  ...get(0), ...load(0), ...set(9),
  ...get(7), ...get(9), ...promoteLow, ...get(6), ...load(0), ...mul2, ...add2, ...set(7),
  ...get(8), ...get(9), ...get(9), ...swapHalves, ...promoteLow, ...get(6), ...load(16),
  ...mul2, ...add2, ...set(8),
  ...addI32(0, 16), ...addI32(6, 32), ...loopWhileBelow(0, 5),
  0x0b,
  ...get(4), ...get(7), ...lane(0), ...get(7), ...lane(1), 0xa0, ...get(8), ...lane(0), 0xa0,
  ...get(8), ...lane(1), 0xa0, 0x39, 3, 0, // f64.store
  ...addI32(4, 8), ...get(1), 0x41, 1, 0x6b, 0x22, 1, 0x0d, 0, // rows -= 1; loop while rows
  0x0b, 0x0b, 0x0b,
];

// params as dot (rows = pairs); locals: 5 b, 6 end, 7 qp (i32); 8 S, 9 N, 10 lo, 11 hi, 12 p.
// prettier-ignore
const accumulate = (pick: number[], offset: number) => [
  ...pick, ...promoteLow, ...set(12),
  ...get(8), ...get(12), ...get(7), ...splat64(offset), ...mul2, ...add2, ...set(8),
  ...get(9), ...get(12), ...get(12), ...mul2, ...add2, ...set(9),
];
// prettier-ignore
const cosBody = [
  2, 3, i32, 5, v128,
  0x02, 0x40, ...get(1), 0x45, 0x0d, 0, // block; pairs = 0: done
  0x03, 0x40, // loop pairs
  ...zero, ...set(8), ...zero, ...set(9), ...rowEnd(0, 5), ...get(5), ...set(6), ...get(2),
  ...set(7),
  0x03, 0x40, // loop columns: lo = (a0, b0, a1, b1), hi = (a2, b2, a3, b3)
  ...get(0), ...load(0), ...get(5), ...load(0),
  ...shuffle([0, 1, 2, 3, 16, 17, 18, 19, 4, 5, 6, 7, 20, 21, 22, 23]), ...set(10),
  ...get(0), ...load(0), ...get(5), ...load(0),
  ...shuffle([8, 9, 10, 11, 24, 25, 26, 27, 12, 13, 14, 15, 28, 29, 30, 31]), ...set(11),
  ...accumulate(get(10), 0),
  ...accumulate([...get(10), ...get(10), ...swapHalves], 8),
  ...accumulate(get(11), 16),
  ...accumulate([...get(11), ...get(11), ...swapHalves], 24),
  ...addI32(0, 16), ...addI32(5, 16), ...addI32(7, 32), ...loopWhileBelow(0, 6),
  0x0b,
  ...get(4), ...get(8), ...store(0), ...get(4), ...get(9), ...store(16), ...addI32(4, 32),
  ...get(5), ...set(0), // the next pair starts where row b ended
  ...get(1), 0x41, 1, 0x6b, 0x22, 1, 0x0d, 0, // pairs -= 1; loop while pairs
  0x0b, 0x0b, 0x0b,
];

const section = (id: number, body: number[]) => [id, ...uleb(body.length), ...body];
const name = (s: string) => [s.length, ...Buffer.from(s, 'latin1')];
const code = (body: number[]) => [...uleb(body.length), ...body];

// prettier-ignore
const MODULE = Uint8Array.from([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version 1
  ...section(1, [1, 0x60, 5, i32, i32, i32, i32, i32, 0]), // type: (i32 x 5) -> ()
  ...section(2, [1, ...name('env'), ...name('mem'), 0x02, 0x00, 1]), // import memory
  ...section(3, [2, 0, 0]), // two functions of type 0
  ...section(7, [2, ...name('dot'), 0x00, 0, ...name('cos'), 0x00, 1]),
  ...section(10, [2, ...code(dotBody), ...code(cosBody)]),
]);

/** The part of the WebAssembly API used here (the project's `lib` has no DOM typings). */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
}
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Memory: new (limits: { initial: number }) => WasmMemory;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}
const wasm = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
const SUPPORTED = wasm?.validate(MODULE) === true;
let compiled: object | undefined;

export interface SimdKernels {
  readonly memory: WasmMemory;
  dot(v: number, rows: number, q: number, dim: number, out: number): void;
  cos(v: number, pairs: number, q: number, dim: number, out: number): void;
}

/** A fresh instance over `bytes` of memory, or undefined without WebAssembly SIMD. */
export function simdKernels(bytes: number): SimdKernels | undefined {
  if (!wasm || !SUPPORTED) return undefined;
  const memory = new wasm.Memory({ initial: Math.max(1, Math.ceil(bytes / 65536)) });
  const { exports } = new wasm.Instance((compiled ??= new wasm.Module(MODULE)), {
    env: { mem: memory },
  });
  const kernels = exports as unknown as Omit<SimdKernels, 'memory'>;
  return { memory, dot: kernels.dot, cos: kernels.cos };
}

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    const byte = n & 0x7f;
    n >>>= 7;
    out.push(n === 0 ? byte : byte | 0x80);
  } while (n !== 0);
  return out;
}

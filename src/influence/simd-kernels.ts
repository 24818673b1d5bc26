/**
 * The scoring loops as a tiny WebAssembly SIMD module (layer: influence, pure), written in
 * `simd-kernels.wat` and compiled by `npm run build:wasm` (the `wabt` package) into the bytes of
 * `simd-kernels.wasm.ts`, which are committed so the build needs no WebAssembly tool chain.
 * Same float64 operations, in the same order per row, as `referenceScore` in `influence.ts`: two float32 lanes are promoted to float64 and multiplied
 * and added exactly as JavaScript does, so the scores are bit-identical, about 3x faster.
 *
 * - `dot(v, rows, q, dim, out)`: per row, accumulators (s0, s1) and (s2, s3) in two f64x2
 *   lanes over j mod 4; out[row] = ((s0 + s1) + s2) + s3. Needs dim % 4 = 0.
 * - `cos(v, pairs, q, dim, out)`: two rows per pass, one per lane, each one running dot and one
 *   running squared norm; writes (dotA, dotB, normA, normB) per pair. Needs dim % 4 = 0.
 * Pointers are byte offsets into the module's memory; `q` is the query as float64 (8 bytes per
 * element) so it loads without conversion. Returns undefined where WebAssembly SIMD is missing.
 */
import { SIMD_KERNELS_WASM } from './simd-kernels.wasm.js';

const MODULE: Uint8Array = SIMD_KERNELS_WASM;

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

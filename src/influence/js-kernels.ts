/**
 * The scoring loops in plain JavaScript (layer: influence, pure): the fallback where WebAssembly
 * SIMD is missing or the dimension is not a multiple of 4 (`simd-kernels.ts`). Same float64
 * operations per row as `referenceScore` in `influence.ts`; rows are only interleaved.
 */

/**
 * Dot products of `rows` rows into `out`, two rows per pass so each query load serves both
 * (the loop the whole cost is in); each row keeps its own four accumulators.
 */
export function dotRows(
  v: Float32Array,
  rows: number,
  q: Float32Array,
  dim: number,
  out: Float64Array,
) {
  const end = dim - (dim % 4);
  let r = 0;
  for (let a = 0; r + 1 < rows; r += 2, a += 2 * dim) {
    const b = a + dim;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    let t0 = 0;
    let t1 = 0;
    let t2 = 0;
    let t3 = 0;
    let j = 0;
    for (; j < end; j += 4) {
      const q0 = q[j]!;
      const q1 = q[j + 1]!;
      const q2 = q[j + 2]!;
      const q3 = q[j + 3]!;
      s0 += v[a + j]! * q0;
      s1 += v[a + j + 1]! * q1;
      s2 += v[a + j + 2]! * q2;
      s3 += v[a + j + 3]! * q3;
      t0 += v[b + j]! * q0;
      t1 += v[b + j + 1]! * q1;
      t2 += v[b + j + 2]! * q2;
      t3 += v[b + j + 3]! * q3;
    }
    for (; j < dim; j++) {
      s0 += v[a + j]! * q[j]!;
      t0 += v[b + j]! * q[j]!;
    }
    out[r] = s0 + s1 + s2 + s3;
    out[r + 1] = t0 + t1 + t2 + t3;
  }
  if (r < rows) {
    const a = r * dim;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    let j = 0;
    for (; j < end; j += 4) {
      s0 += v[a + j]! * q[j]!;
      s1 += v[a + j + 1]! * q[j + 1]!;
      s2 += v[a + j + 2]! * q[j + 2]!;
      s3 += v[a + j + 3]! * q[j + 3]!;
    }
    for (; j < dim; j++) s0 += v[a + j]! * q[j]!;
    out[r] = s0 + s1 + s2 + s3;
  }
}

/**
 * Cosines of `rows` rows into `out`. A row's dot and norm are each one running sum (a serial
 * chain), so four rows go per pass to keep the adder busy with independent chains.
 */
export function cosineRows(
  v: Float32Array,
  rows: number,
  q: Float32Array,
  dim: number,
  qNorm: number,
  out: Float64Array,
) {
  let r = 0;
  for (let a = 0; r + 3 < rows; r += 4, a += 4 * dim) {
    const b = a + dim;
    const c = b + dim;
    const d = c + dim;
    let s0 = 0;
    let n0 = 0;
    let s1 = 0;
    let n1 = 0;
    let s2 = 0;
    let n2 = 0;
    let s3 = 0;
    let n3 = 0;
    for (let j = 0; j < dim; j++) {
      const qj = q[j]!;
      let x = v[a + j]!;
      s0 += x * qj;
      n0 += x * x;
      x = v[b + j]!;
      s1 += x * qj;
      n1 += x * x;
      x = v[c + j]!;
      s2 += x * qj;
      n2 += x * x;
      x = v[d + j]!;
      s3 += x * qj;
      n3 += x * x;
    }
    out[r] = cosine(s0, n0, qNorm);
    out[r + 1] = cosine(s1, n1, qNorm);
    out[r + 2] = cosine(s2, n2, qNorm);
    out[r + 3] = cosine(s3, n3, qNorm);
  }
  for (let a = r * dim; r < rows; r++, a += dim) {
    let s = 0;
    let n = 0;
    for (let j = 0; j < dim; j++) {
      const x = v[a + j]!;
      s += x * q[j]!;
      n += x * x;
    }
    out[r] = cosine(s, n, qNorm);
  }
}

export function cosine(dot: number, norm: number, qNorm: number): number {
  const d = Math.sqrt(norm) * qNorm;
  return d === 0 ? 0 : dot / d;
}

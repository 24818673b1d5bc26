/**
 * Diverse picks among ranked candidates (layer: influence, pure): greedy farthest-first
 * traversal (the k-center greedy of core-set active learning) over embedding vectors, in
 * cosine distance, float64.
 *
 * Candidates come in rank order (hardest first). The first allowed candidate is picked; then,
 * repeatedly, the allowed candidate farthest from everything picked so far (its distance to the
 * nearest pick), ties by rank. `allowed(i, picked)` lets the caller enforce a per-class cap.
 * Cosine distance is 1 - a·b / (|a||b|), and 1 when either vector is zero. Cost: one pass over
 * the candidates per pick, O(picks x candidates x dim).
 */

export interface Rows {
  readonly dim: number;
  /** Row `i` is `data[row(i) * dim, ...)`. */
  readonly data: Float32Array;
  readonly row: (candidate: number) => number;
}

export function farthestFirst(
  rows: Rows,
  candidates: number,
  picks: number,
  allowed: (candidate: number, picked: readonly number[]) => boolean = () => true,
): number[] {
  const { dim, data } = rows;
  const norms = new Float64Array(candidates);
  for (let i = 0; i < candidates; i++)
    norms[i] = Math.sqrt(dot(data, rows.row(i), rows.row(i), dim));
  const nearest = new Float64Array(candidates).fill(Infinity);
  const taken = new Uint8Array(candidates);
  const picked: number[] = [];
  while (picked.length < picks) {
    let best = -1;
    for (let i = 0; i < candidates; i++) {
      if (taken[i] || !allowed(i, picked)) continue;
      if (best < 0 || nearest[i]! > nearest[best]!) best = i;
    }
    if (best < 0) break;
    taken[best] = 1;
    picked.push(best);
    const b = rows.row(best);
    for (let i = 0; i < candidates; i++) {
      if (taken[i]) continue;
      const d = cosineDistance(dot(data, rows.row(i), b, dim), norms[i]!, norms[best]!);
      if (d < nearest[i]!) nearest[i] = d;
    }
  }
  return picked;
}

function dot(data: Float32Array, a: number, b: number, dim: number): number {
  let s = 0;
  const [x, y] = [a * dim, b * dim];
  for (let k = 0; k < dim; k++) s += data[x + k]! * data[y + k]!;
  return s;
}

function cosineDistance(dotAB: number, normA: number, normB: number): number {
  return normA === 0 || normB === 0 ? 1 : 1 - dotAB / (normA * normB);
}

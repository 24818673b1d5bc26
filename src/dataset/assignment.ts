/**
 * Minimum-cost assignment, the Hungarian method (layer: dataset; pure).
 *
 * `assign(cost)` for an n x m matrix (rows: incoming labels, columns: objects) returns, per row,
 * the column it is assigned to, or -1, minimising the total cost over a complete matching of the
 * smaller side. Pairs whose cost is `Infinity` are forbidden: such a row stays unassigned.
 * Implementation: the O(n^2 m) shortest-augmenting-path form with potentials (Kuhn-Munkres as
 * given by Jonker and Volgenant) on the matrix padded with a large finite cost for forbidden
 * pairs, which are dropped afterwards. Images hold tens of objects, so the cubic cost is small.
 */

const FORBIDDEN = 1e9;

export function assign(cost: readonly (readonly number[])[]): number[] {
  const n = cost.length;
  const m = n > 0 ? cost[0]!.length : 0;
  if (n === 0 || m === 0) return new Array<number>(n).fill(-1);
  const transpose = n > m;
  const rows = transpose ? m : n;
  const cols = transpose ? n : m;
  const at = (i: number, j: number): number => {
    const c = transpose ? cost[j]![i]! : cost[i]![j]!;
    return Number.isFinite(c) ? c : FORBIDDEN;
  };
  // 1-based arrays as in the classic formulation; p[j]: the row matched to column j.
  const u = new Float64Array(rows + 1);
  const v = new Float64Array(cols + 1);
  const p = new Int32Array(cols + 1);
  const way = new Int32Array(cols + 1);
  for (let i = 1; i <= rows; i++) {
    p[0] = i;
    let j0 = 0;
    const minv = new Float64Array(cols + 1).fill(Infinity);
    const used = new Uint8Array(cols + 1);
    do {
      used[j0] = 1;
      const i0 = p[j0]!;
      let delta = Infinity;
      let j1 = 0;
      for (let j = 1; j <= cols; j++) {
        if (used[j]) continue;
        const cur = at(i0 - 1, j - 1) - u[i0]! - v[j]!;
        if (cur < minv[j]!) {
          minv[j] = cur;
          way[j] = j0;
        }
        if (minv[j]! < delta) {
          delta = minv[j]!;
          j1 = j;
        }
      }
      for (let j = 0; j <= cols; j++) {
        if (used[j]) {
          const i1 = p[j]!;
          u[i1] = u[i1]! + delta;
          v[j] = v[j]! - delta;
        } else minv[j] = minv[j]! - delta;
      }
      j0 = j1;
    } while (p[j0] !== 0);
    do {
      const j1 = way[j0]!;
      p[j0] = p[j1]!;
      j0 = j1;
    } while (j0 !== 0);
  }
  const out = new Array<number>(n).fill(-1);
  for (let j = 1; j <= cols; j++) {
    const i = p[j]!;
    if (i === 0 || at(i - 1, j - 1) >= FORBIDDEN) continue;
    if (transpose) out[j - 1] = i - 1;
    else out[i - 1] = j - 1;
  }
  return out;
}

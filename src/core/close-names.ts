/**
 * "Did you mean ...?" (layer: core): the names close to a mistyped one, for refs and commands.
 *
 * Close = optimal-string-alignment distance (Levenshtein plus adjacent transpositions, so
 * `mian` is one step from `main`) of at most 1 for names up to 4 characters, 2 up to 8, 3
 * beyond: enough for typos, too little to suggest unrelated names. At most 3, nearest first
 * (ties by name).
 */

const MAX_SUGGESTIONS = 3;

export function closeNames(name: string, candidates: Iterable<string>): string[] {
  const limit = name.length <= 4 ? 1 : name.length <= 8 ? 2 : 3;
  const close: { name: string; d: number }[] = [];
  for (const c of new Set(candidates)) {
    if (c === name) continue;
    const d = editDistance(name, c);
    if (d <= limit) close.push({ name: c, d });
  }
  return close
    .sort((a, b) => a.d - b.d || (a.name < b.name ? -1 : 1))
    .slice(0, MAX_SUGGESTIONS)
    .map((c) => c.name);
}

/** `did you mean 'a' or 'b'?`, or '' when there is nothing to suggest. */
export function didYouMean(names: readonly string[]): string {
  if (names.length === 0) return '';
  return `did you mean ${names.map((n) => `'${n}'`).join(' or ')}?`;
}

/** Optimal string alignment distance: insertions, deletions, substitutions, transpositions. */
export function editDistance(a: string, b: string): number {
  const cols = b.length + 1;
  const d: number[] = new Array<number>((a.length + 1) * cols).fill(0);
  for (let i = 0; i <= a.length; i++) d[i * cols] = i;
  for (let j = 0; j < cols; j++) d[j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(
        d[(i - 1) * cols + j]! + 1,
        d[i * cols + j - 1]! + 1,
        d[(i - 1) * cols + j - 1]! + cost,
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        v = Math.min(v, d[(i - 2) * cols + j - 2]! + 1);
      d[i * cols + j] = v;
    }
  }
  return d[d.length - 1]!;
}

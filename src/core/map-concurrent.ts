/**
 * `mapConcurrent`: an async map with at most `limit` calls in flight (layer: core).
 *
 * Results keep the input order. The first failure stops new calls from starting; the calls
 * already running are awaited (so no work outlives the returned promise) and the first error
 * is rethrown. File work (read, hash, fsync) overlaps this way without opening thousands of
 * files at once.
 */
export async function mapConcurrent<T, U>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<U>,
): Promise<U[]> {
  const results = new Array<U>(items.length);
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    while (!failure && next < items.length) {
      const i = next++;
      try {
        results[i] = await fn(items[i]!, i);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  const workers = Math.max(1, Math.min(limit, items.length));
  await Promise.all(Array.from({ length: workers }, worker));
  if (failure) throw failure.error;
  return results;
}

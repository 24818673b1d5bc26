/**
 * Loading data in a page (layer: ui/app): `useAsync(load, deps)` runs `load` when a dependency
 * changes and gives its result, its error, or that it is still loading. A result that arrives
 * after the dependencies changed again is dropped (no stale page).
 */
import { useEffect, useState } from 'react';

export type Async<T> =
  | { readonly state: 'loading' }
  | { readonly state: 'done'; readonly value: T }
  | { readonly state: 'failed'; readonly error: Error };

export function useAsync<T>(load: () => Promise<T>, deps: readonly unknown[]): Async<T> {
  const [result, setResult] = useState<Async<T>>({ state: 'loading' });
  useEffect(() => {
    let current = true;
    setResult({ state: 'loading' });
    load().then(
      (value) => current && setResult({ state: 'done', value }),
      (error: unknown) =>
        current &&
        setResult({
          state: 'failed',
          error: error instanceof Error ? error : new Error(String(error)),
        }),
    );
    return () => {
      current = false;
    };
  }, deps);
  return result;
}

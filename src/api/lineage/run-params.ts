/**
 * Key/value pairs given as `KEY=VALUE` strings (layer: api): a run's parameters (`run start`)
 * and a model's metrics (`model register`) share the parsing and its errors.
 */
import { InvalidArgumentError } from '../../core/errors.js';

/**
 * `k=v` pairs as an object with sorted keys; a repeated key or a missing `=` is an error.
 * `option` names the caller's input the pairs came from (`data.option`, for a surface's hint).
 */
export function parseParams(
  pairs: readonly string[],
  option: 'param' | 'metric',
): Record<string, string> {
  const fail = (pair: string, why: string) =>
    new InvalidArgumentError(option === 'param' ? 'run parameter' : 'model metric', pair, why, {
      option,
    });
  const out = new Map<string, string>();
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw fail(pair, 'expected KEY=VALUE');
    const key = pair.slice(0, eq);
    if (out.has(key)) throw fail(pair, `'${key}' is given twice`);
    out.set(key, pair.slice(eq + 1));
  }
  return Object.fromEntries([...out].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

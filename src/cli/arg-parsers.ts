/**
 * Option value parsers (layer: cli): a bad value is refused by commander while it parses the
 * line, as a usage error (exit 2) naming the option, never read as NaN.
 */
import { InvalidArgumentError } from 'commander';

export function positiveInteger(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < 1)
    throw new InvalidArgumentError('expected a positive integer.');
  return n;
}

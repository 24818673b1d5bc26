/**
 * When a new token expires (layer: api): a duration from now (`30d`, `12h`, `90m`, `2w`,
 * `3600s`), an ISO-8601 instant in the future, or never (`never`, or no value).
 */
import { InvalidArgumentError } from '../../core/errors.js';

const UNIT_MS: Readonly<Record<string, number>> = {
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 7 * 86_400_000,
};
const DURATION = /^(\d{1,6})([smhdw])$/;
const LAST_INSTANT = Date.UTC(10000, 0, 1);
const INSTANT = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/;

/** The expiry instant (`toISOString`) for `value` at `now`, or null for a token that never expires. */
export function expiryFrom(value: string | null | undefined, now: Date): string | null {
  if (value === undefined || value === null || value === 'never') return null;
  const d = DURATION.exec(value);
  let at: number;
  if (d) at = now.getTime() + Number(d[1]) * UNIT_MS[d[2]!]!;
  else if (INSTANT.test(value)) at = Date.parse(value);
  else
    throw new InvalidArgumentError(
      'expiry',
      value,
      'expected a duration such as 30d, 12h, 90m, 2w, or an ISO-8601 instant, or never',
      { option: 'expires' },
    );
  if (!Number.isFinite(at))
    throw new InvalidArgumentError('expiry', value, 'not a valid date', { option: 'expires' });
  // ISO text past year 9999 gets a sign and 6 digits, and would sort before every other time.
  if (at >= LAST_INSTANT)
    throw new InvalidArgumentError('expiry', value, 'it is past the year 9999', {
      option: 'expires',
    });
  if (at <= now.getTime())
    throw new InvalidArgumentError('expiry', value, 'it is not in the future', {
      option: 'expires',
    });
  return new Date(at).toISOString();
}

/**
 * Relative time periods of the filter language (layer: query), all in UTC.
 *
 * Named periods are calendar intervals [start, end) around "now": `today`, `yesterday`,
 * `this_week`, `last_week` (weeks start on Monday), `this_month`, `last_month`, `this_quarter`,
 * `last_quarter`, `this_year`, `last_year`. An offset `-N` + `h`|`d`|`w` (`-12h`, `-90d`, `-2w`)
 * means "since now minus N units": [now - N units, +infinity). "Now" is the caller's; the CLI
 * takes it from `queryNow(env)`: `VERSO_NOW`, else `VERSO_COMMIT_TIME` (ISO-8601; for
 * reproducible scripts and tests), else the clock.
 */
import { InvalidArgumentError } from '../core/errors.js';
import type { Interval } from './ast.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const UNIT_MS: Readonly<Record<string, number>> = { h: HOUR, d: DAY, w: 7 * DAY };
const OFFSET = /^-(\d{1,6})([hdw])$/;

export const PERIOD_NAMES: readonly string[] = [
  'today',
  'yesterday',
  'this_week',
  'last_week',
  'this_month',
  'last_month',
  'this_quarter',
  'last_quarter',
  'this_year',
  'last_year',
];

/** The current time in epoch ms given the environment (see the header for the variables). */
export function queryNow(env: Readonly<Record<string, string | undefined>>): number {
  for (const name of ['VERSO_NOW', 'VERSO_COMMIT_TIME']) {
    const v = env[name];
    if (!v) continue;
    const t = Date.parse(v);
    if (Number.isNaN(t)) throw new InvalidArgumentError(name, v, 'expected an ISO-8601 date');
    return t;
  }
  return Date.now();
}

/** `now - N units` for an offset word (`-90d`), else undefined. */
export function offsetInstant(word: string, now: number): number | undefined {
  const m = OFFSET.exec(word);
  return m ? now - Number(m[1]) * UNIT_MS[m[2]!]! : undefined;
}

/** The interval a period word names (a named period or an offset), else undefined. */
export function periodInterval(word: string, now: number): Interval | undefined {
  const since = offsetInstant(word, now);
  if (since !== undefined) return { start: since, end: Infinity };
  const d = new Date(now);
  const [y, m] = [d.getUTCFullYear(), d.getUTCMonth()];
  const day = Date.UTC(y, m, d.getUTCDate());
  const monday = day - ((d.getUTCDay() + 6) % 7) * DAY;
  const q = m - (m % 3);
  const months = (fromMonth: number, count: number): Interval => ({
    start: Date.UTC(y, fromMonth, 1),
    end: Date.UTC(y, fromMonth + count, 1),
  });
  switch (word) {
    case 'today':
      return { start: day, end: day + DAY };
    case 'yesterday':
      return { start: day - DAY, end: day };
    case 'this_week':
      return { start: monday, end: monday + 7 * DAY };
    case 'last_week':
      return { start: monday - 7 * DAY, end: monday };
    case 'this_month':
      return months(m, 1);
    case 'last_month':
      return months(m - 1, 1);
    case 'this_quarter':
      return months(q, 3);
    case 'last_quarter':
      return months(q - 3, 3);
    case 'this_year':
      return months(0, 12);
    case 'last_year':
      return months(-12, 12);
    default:
      return undefined;
  }
}

/**
 * ISO-8601 UTC instants exactly as `Date#toISOString` prints them (layer: core).
 *
 * The canonical encoding stores such strings as integers only when they print back to the
 * identical string, so parsing here is strict (fixed layout, valid calendar date, years
 * 0000-9999) and formatting reproduces `toISOString` byte for byte, without Date objects:
 * both run once per timestamp on the import and cat hot paths.
 */

/** Milliseconds since the epoch if `s` is exactly how `toISOString` (optionally without .sss) prints it. */
export function parseInstantMillis(s: string): number | undefined {
  if (
    s.charCodeAt(4) !== 45 ||
    s.charCodeAt(7) !== 45 ||
    s.charCodeAt(10) !== 84 ||
    s.charCodeAt(13) !== 58 ||
    s.charCodeAt(16) !== 58
  )
    return undefined;
  if (s.charCodeAt(s.length - 1) !== 90) return undefined; // 'Z'
  const year = digits(s, 0, 4);
  const month = digits(s, 5, 2);
  const day = digits(s, 8, 2);
  const hour = digits(s, 11, 2);
  const minute = digits(s, 14, 2);
  const second = digits(s, 17, 2);
  let millis = 0;
  if (s.length === 24) {
    if (s.charCodeAt(19) !== 46) return undefined; // '.'
    millis = digits(s, 20, 3);
  }
  if (year < 0 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month))
    return undefined;
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59 || millis < 0)
    return undefined;
  return (
    ((daysFromCivil(year, month, day) * 24 + hour) * 60 + minute) * 60000 + second * 1000 + millis
  );
}

/** `Date#toISOString` of `ms` (without `.sss` unless `withMillis`); years 0000-9999. */
export function formatInstant(ms: number, withMillis: boolean): string {
  const days = Math.floor(ms / 86400000);
  let rest = ms - days * 86400000;
  const ymd = civilFromDays(days);
  const y = Math.floor(ymd / 10000);
  const m = Math.floor(ymd / 100) % 100;
  const d = ymd % 100;
  const hh = Math.floor(rest / 3600000);
  rest -= hh * 3600000;
  const mi = Math.floor(rest / 60000);
  rest -= mi * 60000;
  const ss = Math.floor(rest / 1000);
  const msPart = rest - ss * 1000;
  const date = `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}T${pad(hh, 2)}:${pad(mi, 2)}:${pad(ss, 2)}`;
  return withMillis ? `${date}.${pad(msPart, 3)}Z` : `${date}Z`;
}

const TWO_DIGITS = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0'));
const pad = (n: number, width: number): string =>
  width === 2 ? TWO_DIGITS[n]! : String(n).padStart(width, '0');

/** Inverse of `daysFromCivil`, packed as y * 10000 + m * 100 + d (no allocation). */
export function civilFromDays(z: number): number {
  const zz = z + 719468;
  const era = Math.floor(zz / 146097);
  const doe = zz - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return (yoe + era * 400 + (m <= 2 ? 1 : 0)) * 10000 + m * 100 + d;
}

/** The decimal number in s[at, at + n), or -1 if any char is not a digit. */
function digits(s: string, at: number, n: number): number {
  let v = 0;
  for (let i = at; i < at + n; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

function daysInMonth(y: number, m: number): number {
  if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's civil-date algorithm). */
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

import { describe, expect, it } from 'vitest';
import { periodInterval, queryNow } from './periods.js';

const NOW = Date.parse('2026-08-13T15:30:00Z'); // a Thursday in Q3
const iso = (ms: number) => (Number.isFinite(ms) ? new Date(ms).toISOString().slice(0, 19) : ms);

describe('periods (UTC, now = 2026-08-13T15:30:00Z)', () => {
  it.each([
    ['today', '2026-08-13T00:00:00', '2026-08-14T00:00:00'],
    ['yesterday', '2026-08-12T00:00:00', '2026-08-13T00:00:00'],
    ['this_week', '2026-08-10T00:00:00', '2026-08-17T00:00:00'],
    ['last_week', '2026-08-03T00:00:00', '2026-08-10T00:00:00'],
    ['this_month', '2026-08-01T00:00:00', '2026-09-01T00:00:00'],
    ['last_month', '2026-07-01T00:00:00', '2026-08-01T00:00:00'],
    ['this_quarter', '2026-07-01T00:00:00', '2026-10-01T00:00:00'],
    ['last_quarter', '2026-04-01T00:00:00', '2026-07-01T00:00:00'],
    ['this_year', '2026-01-01T00:00:00', '2027-01-01T00:00:00'],
    ['last_year', '2025-01-01T00:00:00', '2026-01-01T00:00:00'],
    ['-90d', '2026-05-15T15:30:00', Infinity],
    ['-12h', '2026-08-13T03:30:00', Infinity],
    ['-2w', '2026-07-30T15:30:00', Infinity],
  ])('%s', (word, start, end) => {
    const i = periodInterval(word, NOW)!;
    expect([iso(i.start), iso(i.end)]).toEqual([start, end]);
  });

  it('crosses year boundaries', () => {
    const jan = Date.parse('2026-01-05T00:00:00Z');
    expect(iso(periodInterval('last_quarter', jan)!.start)).toBe('2025-10-01T00:00:00');
    expect(iso(periodInterval('last_month', jan)!.start)).toBe('2025-12-01T00:00:00');
    expect(iso(periodInterval('this_week', jan)!.start)).toBe('2026-01-05T00:00:00'); // a Monday
  });

  it('takes now from VERSO_NOW, then VERSO_COMMIT_TIME, else the clock', () => {
    expect(queryNow({ VERSO_NOW: '2026-01-02T03:04:05Z', VERSO_COMMIT_TIME: '2020-01-01' })).toBe(
      Date.parse('2026-01-02T03:04:05Z'),
    );
    expect(queryNow({ VERSO_COMMIT_TIME: '2020-01-01T00:00:00Z' })).toBe(Date.UTC(2020, 0, 1));
    expect(() => queryNow({ VERSO_NOW: 'soon' })).toThrow(/VERSO_NOW/);
    expect(periodInterval('next_week', NOW)).toBeUndefined();
  });
});

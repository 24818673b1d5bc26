/**
 * `isStale` (api/repository/lease.ts): a lease with an expiry is judged by that expiry alone
 * (no pid check across hosts, nor on this one); a lease without one keeps the local rules (a
 * dead pid on this host is stale, another host's lease is trusted for hours).
 */
import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import type { LeaseRecord } from '../../catalog/catalog.js';
import { isStale } from './lease.js';

const DEAD_PID = 2 ** 22 + 12345; // above Linux's pid_max default: no such process
const lease = (over: Partial<LeaseRecord>): LeaseRecord => ({
  id: 1,
  kind: 'writer',
  pid: process.pid,
  host: hostname(),
  acquiredAt: new Date().toISOString(),
  ...over,
});
const inMs = (ms: number) => new Date(Date.now() + ms).toISOString();

describe('isStale', () => {
  it('judges a lease with an expiry by the expiry alone, whatever its pid and host', () => {
    expect(isStale(lease({ expiresAt: inMs(-1) }))).toBe(true);
    expect(isStale(lease({ expiresAt: inMs(60_000), pid: DEAD_PID }))).toBe(false);
    expect(isStale(lease({ expiresAt: inMs(60_000), host: 'elsewhere' }))).toBe(false);
    expect(isStale(lease({ expiresAt: inMs(-1), host: 'elsewhere' }))).toBe(true);
  });

  it('keeps the pid rule on this host and trusts other hosts without an expiry', () => {
    expect(isStale(lease({}))).toBe(false);
    expect(isStale(lease({ pid: DEAD_PID }))).toBe(true);
    expect(isStale(lease({ host: 'elsewhere', pid: DEAD_PID }))).toBe(false);
    const old = new Date(Date.now() - 7 * 3600_000).toISOString();
    expect(isStale(lease({ host: 'elsewhere', acquiredAt: old }))).toBe(true);
  });
});

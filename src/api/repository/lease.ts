/**
 * Repository leases (layer: api): writers share, gc excludes (see Catalog.acquireLease).
 *
 * A lease with an expiry (`expiresAt`, kept fresh by its holder's heartbeat: the PostgreSQL
 * catalog) is stale exactly when it has expired, whatever host it names: no pid is checked
 * across hosts. Without one, a lease held by a process on this host that no longer runs is
 * stale and reclaimed, and a lease from another host is trusted for `REMOTE_LEASE_TTL_MS`.
 */
import { hostname } from 'node:os';
import type { LeaseKind, LeaseRecord } from '../../catalog/catalog.js';
import { isProcessAlive } from './process-liveness.js';
import type { Repository } from './repository.js';

const REMOTE_LEASE_TTL_MS = 6 * 60 * 60 * 1000;

export function isStale(lease: LeaseRecord): boolean {
  if (lease.expiresAt !== undefined) return Date.parse(lease.expiresAt) <= Date.now();
  if (lease.host === hostname()) return !isProcessAlive(lease.pid);
  return Date.now() - Date.parse(lease.acquiredAt) > REMOTE_LEASE_TTL_MS;
}

export async function withLease<T>(
  repo: Repository,
  kind: LeaseKind,
  fn: () => Promise<T>,
): Promise<T> {
  const id = await repo.catalog.acquireLease(kind, { pid: process.pid, host: hostname() }, isStale);
  let result: T;
  try {
    result = await fn();
  } catch (error) {
    // The operation's error is the one to report: a release that fails too (a full disk fails
    // both) leaves a lease of this process, reclaimed as stale once it has exited.
    await repo.catalog.releaseLease(id).catch(() => {});
    throw error;
  }
  await repo.catalog.releaseLease(id);
  return result;
}

/**
 * LeasesCatalog: leases that keep gc and writers apart (layer: catalog). A `writer` lease is
 * shared (any number of writers at once); a `gc` lease is exclusive.
 *
 * Contract (checked for every backend by `leases-catalog.contract.ts`):
 * - `acquireLease` grants a `writer` lease unless a live `gc` lease exists, and a `gc` lease
 *   unless any live lease exists; otherwise it throws `RepositoryBusyError`. Ids are distinct.
 * - A lease whose holder `isStale` judges dead (given the full record) does not count: it is
 *   removed, for good once an acquisition succeeds (a refused one may leave it, to be judged
 *   again), so a holder that is gone never blocks anyone. The busy error's `holders` names the
 *   live leases that blocked.
 * - `releaseLease` removes a lease; releasing an unknown or released id is a no-op.
 * - Expiry (backends shared by several hosts, e.g. PostgreSQL): a lease may carry `expiresAt`,
 *   which its holder keeps pushing forward (a heartbeat) while it lives. A lease past its
 *   `expiresAt` is stale whatever `isStale` says; before that, `isStale` decides. Backends
 *   without expiry (SQLite, one host) leave it out.
 */

export type LeaseKind = 'writer' | 'gc';

export interface LeaseHolder {
  readonly pid: number;
  readonly host: string;
}

export interface LeaseRecord extends LeaseHolder {
  readonly id: number;
  readonly kind: LeaseKind;
  readonly acquiredAt: string;
  /** ISO-8601 UTC instant after which the lease is dead unless renewed; absent: no expiry. */
  readonly expiresAt?: string;
}

export interface LeasesCatalog {
  acquireLease(
    kind: LeaseKind,
    holder: LeaseHolder,
    isStale: (lease: LeaseRecord) => boolean,
  ): Promise<number>;
  releaseLease(id: number): Promise<void>;
  /**
   * Optional, for backends shared by several servers: runs `fn` in this process's turn among
   * the writers of `branch` on every server (fairness only: a write's correctness never depends
   * on it, and a backend may run `fn` without a turn when it cannot get one).
   */
  withBranchTurn?<T>(branch: string, fn: () => Promise<T>): Promise<T>;
}

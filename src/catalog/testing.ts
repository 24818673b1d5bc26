/**
 * Shared support of the per-concern catalog contract suites (layer: catalog, tests only).
 *
 * A backend hands each suite a factory for a fresh, empty catalog (`ContractHarness`); the
 * suites of the `lineage` and `derived` sections get the section through `sectionHarness`.
 * `reopen` (close, then open the same storage) is optional: volatile backends leave it out and
 * the durability cases then check the same instance.
 */
import { expect } from 'vitest';
import { sha256Hex } from '../core/hash.js';
import type { ChunkHash } from '../core/hash.js';

export interface ContractHarness<T> {
  /** The catalog under test (after `reopen`, the reopened one). */
  readonly catalog: T;
  /** Closes the catalog and opens the same storage again; absent for volatile backends. */
  readonly reopen?: () => Promise<T>;
  /** Closes the current catalog and removes what it stored. */
  cleanup(): Promise<void>;
}

export type HarnessFactory<T> = () => Promise<ContractHarness<T>>;

/** The harness of one section of a catalog (`catalog.lineage`, `catalog.derived`). */
export function sectionHarness<T, S>(
  create: HarnessFactory<T>,
  section: (catalog: T) => S,
): HarnessFactory<S> {
  return async () => {
    const h = await create();
    const reopen = h.reopen;
    return {
      get catalog() {
        return section(h.catalog);
      },
      ...(reopen ? { reopen: async () => section(await reopen()) } : {}),
      cleanup: () => h.cleanup(),
    };
  };
}

/** The catalog after a reopen, or the same one when the backend has no storage to reopen. */
export async function reopened<T>(h: ContractHarness<T>): Promise<T> {
  return h.reopen ? h.reopen() : h.catalog;
}

export const A = sha256Hex(new TextEncoder().encode('a'));
export const B = sha256Hex(new TextEncoder().encode('b'));
export const C = sha256Hex(new TextEncoder().encode('c'));

/** A fake commit id: `prefix` padded with zeros to 64 hex chars. */
export function fakeId(prefix: string): ChunkHash {
  return prefix.padEnd(64, '0') as ChunkHash;
}

/** The error `promise` rejects with; fails the test if it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.fail('expected a rejection'),
    (error: unknown) => error,
  );
}

/** Runs `attempts` at once; the values of those that succeeded and the errors of the others. */
export async function race<T>(
  attempts: readonly (() => Promise<T>)[],
): Promise<{ readonly won: number[]; readonly errors: unknown[] }> {
  const results = await Promise.allSettled(attempts.map((attempt) => attempt()));
  const won: number[] = [];
  const errors: unknown[] = [];
  results.forEach((result, i) => {
    if (result.status === 'fulfilled') won.push(i);
    else errors.push(result.reason);
  });
  return { won, errors };
}

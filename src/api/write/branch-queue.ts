/**
 * One writer at a time per branch within this process (layer: api): `inBranchQueue` runs its
 * function after every earlier one queued for the same repository folder and branch has
 * settled, so a long-lived process (the server) serves concurrent writes to one branch in
 * arrival order instead of letting them race to the branch's compare-and-swap. Writers in
 * other processes are not queued; a write that finds the head moved is rebased or refused by
 * `write-to-branch.ts`.
 *
 * The queue is process-wide state on purpose: two `Repository` objects on one folder (the
 * server composes one per request, with the caller's identity) must share it, so it is keyed by
 * the repository's resolved root, not held by a repository object. An entry is removed when
 * its last writer settles. A writer must not queue a second write to the same branch from
 * inside its own (it would wait for itself).
 */
import { resolve } from 'node:path';
import type { Repository } from '../repository/repository.js';

const tails = new Map<string, Promise<void>>();

export async function inBranchQueue<T>(
  root: string,
  branch: string,
  fn: () => Promise<T>,
): Promise<T> {
  const key = `${resolve(root)}\0${branch}`;
  const previous = tails.get(key) ?? Promise.resolve();
  let release!: () => void;
  const done = new Promise<void>((r) => (release = r));
  const tail = previous.then(() => done);
  tails.set(key, tail);
  await previous;
  try {
    return await fn();
  } finally {
    release();
    if (tails.get(key) === tail) tails.delete(key);
  }
}

/** How many branches have writers queued or running in this process (for tests). */
export function queuedBranches(): number {
  return tails.size;
}

/**
 * The catalog's turn among the writers of `branch` on every server, when it has turns (a
 * catalog shared by servers: `LeasesCatalog.withBranchTurn`), so one server's writes cannot
 * starve another's of the branch; else just `fn`. Taken inside `inBranchQueue`, so a process
 * waits for one turn per branch at a time.
 */
export function inBranchTurn<T>(
  repo: Repository,
  branch: string,
  fn: () => Promise<T>,
): Promise<T> {
  return repo.catalog.withBranchTurn ? repo.catalog.withBranchTurn(branch, fn) : fn();
}

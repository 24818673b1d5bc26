/**
 * lmdb-js's reports of a failed commit that go around its caller (layer: store).
 *
 * When a commit fails (a full disk, say), lmdb-js (3.x) logs the native error with
 * `console.error`, rejects the promise of every write in the commit (which `LmdbChunkStore`
 * holds and turns into a typed error on `flush`), and also rejects two promises no caller holds:
 * the commit promise of its own event-turn batch, and `error.commitError`. Unhandled, those end
 * the process with a stack trace before Verso can say anything. So, while a store is open:
 * - `muteCommitLog` drops the console line of a commit error thrown by lmdb-js;
 * - `claimCommitPromise` handles the batch's commit promise (reached through `db.committed`
 *   after lmdb-js's batch-start task has run), `claimCommitError` the `commitError` promise.
 * The failure itself is reported once, by the store.
 */

type Log = (...args: unknown[]) => void;

let openStores = 0;
let originalError: Log | undefined;

const LMDB_SOURCE = /[\\/]node_modules[\\/]lmdb[\\/]/;

function isLmdbCommitLog(args: readonly unknown[]): boolean {
  const [error] = args;
  return (
    args.length === 1 &&
    error instanceof Error &&
    typeof (error as { code?: unknown }).code === 'number' &&
    LMDB_SOURCE.test(error.stack ?? '')
  );
}

/** Drops lmdb-js's commit-error log lines until the returned function is called. */
export function muteCommitLog(): () => void {
  if (openStores++ === 0) {
    const error = console.error.bind(console) as Log;
    originalError = console.error as Log;
    console.error = (...args: unknown[]) => {
      if (!isLmdbCommitLog(args)) error(...args);
    };
  }
  let released = false;
  return () => {
    if (released) return;
    released = true;
    if (--openStores === 0 && originalError) {
      console.error = originalError;
      originalError = undefined;
    }
  };
}

const ignore = (): void => {};

/** Handles the rejection of lmdb-js's current commit promise, if it has one. */
export function claimCommitPromise(db: { readonly committed: PromiseLike<unknown> }): void {
  void db.committed.then(ignore, ignore);
}

/** Handles `error.commitError`, the promise lmdb-js attaches to a failed commit's errors. */
export function claimCommitError(error: unknown): void {
  const pending = (error as { commitError?: unknown } | null)?.commitError;
  if (pending instanceof Promise) pending.catch(ignore);
}

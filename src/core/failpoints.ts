/**
 * Failpoints: named places in the write paths where a crash test can make the process die
 * (layer: core, pure: it only calls the action it was armed with).
 *
 * `failpoint(name)` does nothing unless that name was armed. Only a process entry arms
 * one (`cli/bin.ts` through `cli/failpoint-env.ts`, from `VERSO_FAILPOINT=<name>`), with an action that SIGKILLs the
 * process on the spot, so nothing after the failpoint runs and no exit handler flushes anything:
 * the repository is left exactly as a power cut at that step would leave it. The crash tests
 * (`test/e2e/crash-safety.test.ts`; the pack store's own points in
 * `store/pack/pack-crash.test.ts`, armed by its child script) kill a writer at each of these and check that the
 * repository verifies, the branch is at the old or the new commit, a retry succeeds and gc
 * loses nothing reachable. In a library process nothing is armed and a failpoint is one
 * comparison.
 *
 * Module state (one armed name per process) instead of a dependency passed through every
 * writer: the failpoints sit deep in the commit pipeline, gc and the importers, and threading a
 * hook through them would change every signature for the sake of a test.
 */

/** Every failpoint, in the order a write reaches them. */
export const FAILPOINTS = [
  // api/ingest/import-labels.ts: every line read and sorted into the scratch folder
  'import-after-read',
  // api/ingest/import-labels.ts: the new label trees' chunks handed to the store, no commit yet
  'import-after-trees',
  // api/merge/merge.ts: a conflicted merge's auto-merged trees flushed, its record not saved
  'merge-after-trees-flushed',
  // api/write/commit-to-branch.ts, in every writer's commit:
  'before-chunks-flushed', // snapshot, commit and derived chunks staged, not flushed
  'after-chunks-flushed', // chunks durable, the catalog knows nothing yet
  'after-commit-row', // the commit's catalog row written, its derived rows not yet
  'before-ref-cas', // every catalog row written, the branch not moved
  'after-ref-cas', // the branch moved, the writer has not returned
  // api/maintenance/gc.ts:
  'gc-after-mark', // reachable chunks marked, nothing deleted
  'gc-after-sweep', // unreachable chunks deleted, the store not flushed
  // store/pack/pack-chunk-store.ts (killed by its own crash test, src/store/pack/pack-crash.test.ts):
  'pack-append-written', // a flush's records written to the journal, not fsynced
  'pack-repack-written', // gc's new pack written, not indexed or listed
  // each durable file write (temp file, fsync, rename, fsync folder) of an index, a new journal
  // or the manifest: half the bytes written, all written and synced, renamed into place
  'pack-index-half',
  'pack-index-written',
  'pack-index-renamed',
  'pack-journal-half',
  'pack-journal-written',
  'pack-journal-renamed',
  'pack-manifest-half',
  'pack-manifest-written',
  'pack-manifest-renamed',
  // api/sync (remotes; killed by test/e2e/remote-crash.test.ts), the client's side:
  'sync-fetch-after-batch', // fetch/clone: a received batch put in the store, nothing flushed, no ref
  'sync-fetch-after-flush', // fetch/clone: every chunk durable, commits not indexed, no ref moved
  'sync-push-after-batch', // push: a batch uploaded and acknowledged, the peer's ref not moved
  // ... and the server's (armed through `verso serve`'s environment):
  'sync-serve-pack', // a pack of chunks read for a peer, nothing sent
  'sync-serve-pack-midway', // a pack being streamed, 3 MiB of it handed on: the answer has begun
  'sync-receive-after-put', // a pushed batch checked and put, not flushed
  'sync-receive-after-flush', // a pushed batch durable, its commits not indexed
] as const;

export type FailpointName = (typeof FAILPOINTS)[number];

let armed: { readonly name: FailpointName; readonly action: () => void } | null = null;

export function isFailpointName(name: string): name is FailpointName {
  return (FAILPOINTS as readonly string[]).includes(name);
}

/** Makes `failpoint(name)` call `action` (the CLI passes a SIGKILL of its own process). */
export function armFailpoint(name: FailpointName, action: () => void): void {
  armed = { name, action };
}

export function disarmFailpoints(): void {
  armed = null;
}

/** Marks a crash-relevant step: runs the armed action if this is the armed failpoint. */
export function failpoint(name: FailpointName): void {
  if (armed?.name === name) armed.action();
}

/**
 * What one CLI invocation runs in (layer: cli): its output streams, its environment (read once
 * by `environment.ts`), its working folder, whether `--json` was asked, and whether command
 * output has reached stdout yet (so a failure knows whether to print the JSON error envelope).
 * `main()` makes one per call; nothing here is module state, so calls in one process (the
 * in-process tests, a future server) do not see each other.
 *
 * Also finds and opens the repository a command works on: `--repo DIR`, else `VERSO_REPO`, else
 * the current folder and its parents. A clone made with `--blobs on-demand` is opened with a
 * blob store that fetches image bytes it lacks from its remote when they are read.
 */
import { resolve } from 'node:path';
import type { Repository } from '../api/repository/index.js';
import { repositoryOptions, type CliEnvironment } from './environment.js';

/** A writable the CLI prints to (`process.stdout`, or a capture in tests). */
export type OutputStream = NodeJS.WritableStream & { readonly isTTY?: boolean };

export interface CliContext {
  readonly stdout: OutputStream;
  readonly stderr: OutputStream;
  readonly env: CliEnvironment;
  readonly cwd: string;
  readonly json: boolean;
  /** Set once command output has been written to stdout (`failure.ts` asks). */
  stdoutWritten: boolean;
}

export interface GlobalOptions {
  readonly repo?: string;
}

/**
 * The repository a command works on: the root found from `--repo`, else `VERSO_REPO`, else the
 * current folder, searched upwards. The search starts from that folder resolved against `cwd`;
 * when nothing is found the error names it as the user gave it (`--repo nowhere`: 'nowhere').
 */
export async function findRepository(
  cwd: string,
  env: CliEnvironment,
  opts: GlobalOptions,
): Promise<string> {
  const { findRepositoryRoot } = await import('../api/repository/index.js');
  const typed = opts.repo ?? env.repo ?? cwd;
  return findRepositoryRoot(resolve(cwd, typed), typed);
}

/** Opens the repository for `fn` and closes it after, whatever `fn` does. */
export async function withRepository<T>(
  ctx: CliContext,
  opts: GlobalOptions,
  fn: (repo: Repository) => Promise<T>,
): Promise<T> {
  const { openRepository, onDemandBlobRemote } = await import('../api/repository/index.js');
  const repo = await openRepository(
    await findRepository(ctx.cwd, ctx.env, opts),
    repositoryOptions(ctx.env),
  );
  try {
    const remote = await onDemandBlobRemote(repo);
    return await fn(remote === undefined ? repo : await withRemoteBlobs(repo, remote, ctx.env));
  } finally {
    await repo.close();
  }
}

/** `repo` reading missing image bytes from the remote named `name` (if it is still there). */
async function withRemoteBlobs(
  repo: Repository,
  name: string,
  env: CliEnvironment,
): Promise<Repository> {
  const { listRemotes, withOnDemandBlobs } = await import('../api/sync/index.js');
  const remote = (await listRemotes(repo)).find((r) => r.name === name);
  if (!remote) return repo;
  const { peerAt } = await import('./remote-peer.js');
  return withOnDemandBlobs(repo, remote, (r) => peerAt(r.url, env));
}

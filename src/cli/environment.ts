/**
 * The environment variables the CLI reads (layer: cli), read in this one module into a typed
 * object that the runner passes down; nothing below `cli/` should read `process.env` for them.
 *
 * - `VERSO_REPO`: the repository folder when `--repo` is not given (else the current folder);
 * - `VERSO_AUTHOR`: who commits (else the OS user name);
 * - `VERSO_COMMIT_TIME`: the time commits record (ISO-8601; reproducible scripts and tests);
 * - `VERSO_NOW`: "now" for the filter language's periods (else `VERSO_COMMIT_TIME`, else the
 *   clock).
 * - `VERSO_TOKEN`: the bearer token for remotes (else the credentials file's entry);
 * - `VERSO_CREDENTIALS`: the credentials file for remotes (else
 *   `$XDG_CONFIG_HOME/verso/credentials`, else `$HOME/.config/verso/credentials`).
 * - `VERSO_LEASE_TTL_MS`: how long a lease of a repository on PostgreSQL lives without its
 *   holder's heartbeat (default 30 000): a server that died blocks gc (and a dead gc blocks
 *   writes) for at most this long.
 *
 * Malformed dates are refused where they are used (the repository's clock), with the variable
 * named, so a command that never reads the time does not fail on them.
 */
import type { Clock, RepositoryOptions } from '../api/repository/index.js';
import { InvalidArgumentError } from '../core/errors.js';
import { queryNow } from '../query/periods.js';

export interface CliEnvironment {
  readonly repo?: string;
  readonly author?: string;
  readonly commitTime?: string;
  readonly now?: string;
  readonly token?: string;
  /** Where remotes' tokens are kept (`remote/credentials.ts`), if a home folder is known. */
  readonly credentialsFile?: string;
  readonly leaseTtlMs?: string;
}

/** The variables this CLI honours, in the order `verso help` would document them. */
export const VERSO_VARIABLES = [
  'VERSO_REPO',
  'VERSO_AUTHOR',
  'VERSO_COMMIT_TIME',
  'VERSO_NOW',
  'VERSO_TOKEN',
  'VERSO_CREDENTIALS',
  'VERSO_LEASE_TTL_MS',
] as const;

export function readEnvironment(env: Readonly<Record<string, string | undefined>>): CliEnvironment {
  const pick = (name: (typeof VERSO_VARIABLES)[number]) => {
    const v = env[name];
    return v === undefined || v === '' ? undefined : v;
  };
  const repo = pick('VERSO_REPO');
  const author = pick('VERSO_AUTHOR');
  const commitTime = pick('VERSO_COMMIT_TIME');
  const now = pick('VERSO_NOW');
  const token = pick('VERSO_TOKEN');
  const credentialsFile = pick('VERSO_CREDENTIALS') ?? defaultCredentialsFile(env);
  const leaseTtlMs = pick('VERSO_LEASE_TTL_MS');
  return {
    ...(leaseTtlMs !== undefined ? { leaseTtlMs } : {}),
    ...(token !== undefined ? { token } : {}),
    ...(credentialsFile !== undefined ? { credentialsFile } : {}),
    ...(repo !== undefined ? { repo } : {}),
    ...(author !== undefined ? { author } : {}),
    ...(commitTime !== undefined ? { commitTime } : {}),
    ...(now !== undefined ? { now } : {}),
  };
}

/** `$XDG_CONFIG_HOME/verso/credentials`, else `$HOME/.config/verso/credentials`. */
function defaultCredentialsFile(
  env: Readonly<Record<string, string | undefined>>,
): string | undefined {
  const config = env['XDG_CONFIG_HOME'] || (env['HOME'] ? `${env['HOME']}/.config` : undefined);
  return config ? `${config}/verso/credentials` : undefined;
}

/**
 * What the repository is opened with (`openRepository(root, options)`: the composition root's
 * identity and clock), built from the environment. Commits are stamped with `VERSO_COMMIT_TIME`
 * when it is set (an invalid value fails the write that needs the time, naming the variable);
 * query periods take "now" from `VERSO_NOW`, else `VERSO_COMMIT_TIME`, else the system clock.
 */
export function repositoryOptions(env: CliEnvironment): RepositoryOptions {
  const clock: Clock = {
    now() {
      const fixed = env.commitTime;
      if (fixed === undefined) return new Date();
      const t = new Date(fixed);
      if (Number.isNaN(t.getTime()))
        throw new InvalidArgumentError('VERSO_COMMIT_TIME', fixed, 'expected an ISO-8601 date');
      return t;
    },
    queryNow: () =>
      queryNow({
        ...(env.now !== undefined ? { VERSO_NOW: env.now } : {}),
        ...(env.commitTime !== undefined ? { VERSO_COMMIT_TIME: env.commitTime } : {}),
      }),
  };
  return {
    clock,
    ...(env.author !== undefined ? { identity: { author: env.author } } : {}),
    ...(env.leaseTtlMs !== undefined ? { leaseTtlMs: leaseTtl(env.leaseTtlMs) } : {}),
  };
}

/** `VERSO_LEASE_TTL_MS`: whole milliseconds, at least 100 (the heartbeat runs every third). */
function leaseTtl(value: string): number {
  const ms = Number(value);
  if (!/^[0-9]+$/.test(value.trim()) || !Number.isSafeInteger(ms) || ms < 100)
    throw new InvalidArgumentError(
      'VERSO_LEASE_TTL_MS',
      value,
      'expected whole milliseconds, at least 100',
    );
  return ms;
}

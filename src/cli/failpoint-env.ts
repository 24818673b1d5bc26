/**
 * `VERSO_FAILPOINT=<name>` (layer: cli): arms one failpoint of `core/failpoints.ts` for this
 * process, with an action that kills the process by SIGKILL at once, so no handler, `finally`
 * or pending write runs after it. For crash tests only; the process entry (`bin.ts`) calls
 * this, never an in-process run of the CLI (the kill would take the host process with it). An
 * unknown name is a usage error, so a misspelt failpoint cannot make a crash test pass by never
 * crashing.
 */
import { FAILPOINTS, armFailpoint, isFailpointName } from '../core/failpoints.js';
import { UsageError } from './usage-error.js';

export const FAILPOINT_ENV = 'VERSO_FAILPOINT';

export function armFailpointFromEnv(env: Readonly<Record<string, string | undefined>>): void {
  const name = env[FAILPOINT_ENV];
  if (name === undefined || name === '') return;
  if (!isFailpointName(name))
    throw new UsageError(
      `${FAILPOINT_ENV}=${name} names no failpoint (known: ${FAILPOINTS.join(', ')})`,
      { failpoint: name },
    );
  armFailpoint(name, () => process.kill(process.pid, 'SIGKILL'));
}

/**
 * Who and when (layer: api): the `Identity` that authors commits, ref moves and decisions, and
 * the `Clock` that stamps them, both carried by the `Repository` and given to it by whoever
 * composes it (`createRepository`). The API reads no environment: the CLI turns
 * `VERSO_AUTHOR`, `VERSO_COMMIT_TIME` and `VERSO_NOW` into these (`cli/environment.ts`).
 */
import { userInfo } from 'node:os';

export interface Identity {
  /** The author of commits, ref moves, merge decisions and lineage runs. */
  readonly author: string;
}

export interface Clock {
  /** The time commits, schema versions, decisions and lineage records are stamped with. */
  now(): Date;
  /** "Now" in epoch ms for query periods and offsets (`today`, `-7d`). */
  queryNow(): number;
}

/** The system clock. */
export const systemClock: Clock = {
  now: () => new Date(),
  queryNow: () => Date.now(),
};

/** The OS user name (`unknown` when the OS cannot say), looked up when first asked. */
export function osIdentity(): Identity {
  let author: string | undefined;
  return {
    get author() {
      if (author === undefined) {
        try {
          author = userInfo().username;
        } catch {
          author = 'unknown';
        }
      }
      return author;
    },
  };
}

/** The author of a write: the one the caller named, else the repository's identity. */
export function authorOf(repo: { readonly identity: Identity }, explicit?: string): string {
  return explicit || repo.identity.author;
}

/** The repository clock's time as an ISO-8601 string. */
export function timeOf(repo: { readonly clock: Clock }): string {
  return repo.clock.now().toISOString();
}

/**
 * The ref log (layer: api): every move of a branch or tag, recorded by the catalog in the same
 * transaction as the move (`catalog/catalog.ts`, "Ref log"). `refLogNote` says what moved a
 * ref and who (the identity commits use); `readRefLog` lists the moves, newest first, of one
 * ref name (a deleted branch included) or of all refs.
 */
import type { RefLogEntry, RefLogNote } from '../../catalog/catalog.js';
import { refNotFound } from '../../vcs/ref-suggestions.js';
import { authorOf } from './identity.js';
import type { Repository } from './repository.js';

export function refLogNote(
  repo: Pick<Repository, 'identity'>,
  operation: string,
  message?: string,
  author?: string,
): RefLogNote {
  return {
    operation,
    author: authorOf(repo, author),
    ...(message === undefined ? {} : { message }),
  };
}

export interface ReadRefLogOptions {
  /** A branch or tag name, existing or deleted; all refs when absent. */
  readonly ref?: string;
  readonly limit?: number;
}

/** A name the log has never seen is not found (with a "did you mean" hint). */
export async function readRefLog(
  repo: Repository,
  opts: ReadRefLogOptions = {},
): Promise<RefLogEntry[]> {
  const query = {
    ...(opts.ref !== undefined ? { ref: opts.ref } : {}),
    ...(opts.limit !== undefined ? { limit: opts.limit } : {}),
  };
  const entries = await repo.catalog.readRefLog(query);
  if (opts.ref !== undefined && entries.length === 0 && !(await repo.catalog.getRef(opts.ref)))
    throw await refNotFound(repo.catalog, opts.ref);
  return entries;
}

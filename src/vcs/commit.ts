/**
 * Commits: immutable history records (layer: vcs).
 *
 * A commit names its snapshot, parents (none for the root commit, two for merges), author,
 * time, message and an operations summary (what the command did, with counts). Its id is the
 * hash of its canonical encoding.
 */
import type { JsonValue } from '../core/canonical.js';
import { CorruptionError } from '../core/errors.js';
import type { ChunkHash } from '../core/hash.js';
import type { ChunkStore } from '../store/chunk-store.js';
import { COMMIT_MARKER, getObject, putObject } from './objects.js';

export interface Commit {
  readonly snapshot: ChunkHash;
  readonly parents: readonly ChunkHash[];
  readonly author: string;
  /** ISO-8601 UTC. */
  readonly time: string;
  readonly message: string;
  readonly operations: { readonly [k: string]: JsonValue };
}

export function putCommit(chunks: ChunkStore, c: Commit): ChunkHash {
  return putObject(chunks, COMMIT_MARKER, { ...c, parents: [...c.parents] });
}

export async function getCommit(chunks: ChunkStore, id: ChunkHash): Promise<Commit> {
  const v = await getObject(chunks, COMMIT_MARKER, id);
  if (!v || typeof v !== 'object' || Array.isArray(v))
    throw new CorruptionError(`commit ${id} is missing or malformed`, { id });
  const { snapshot, parents, author, time, message, operations } = v;
  if (typeof snapshot !== 'string' || !Array.isArray(parents) || typeof time !== 'string') {
    throw new CorruptionError(`commit ${id} is malformed`, { id });
  }
  return {
    snapshot: snapshot as ChunkHash,
    parents: parents as ChunkHash[],
    author: typeof author === 'string' ? author : '',
    time,
    message: typeof message === 'string' ? message : '',
    operations: (operations && typeof operations === 'object' && !Array.isArray(operations)
      ? operations
      : {}) as Commit['operations'],
  };
}

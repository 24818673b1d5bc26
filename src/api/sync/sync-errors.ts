/**
 * Errors of the transfer between repositories (layer: api): a refused batch, chunks a peer lacks,
 * refused ref moves, diverged schema registries, and remotes that are not configured. A ref move
 * refused by the receiving side carries the receiver's current head (`data.current`), so a
 * client can say where the remote is without asking again.
 */
import { VersoError } from '../../core/errors.js';

/** A received batch is not a pack, or a chunk in it does not hash to its name: nothing stored. */
export class SyncBatchRefusedError extends VersoError {
  constructor(why: string, data: Record<string, unknown> = {}) {
    super('InvalidInput', 'SYNC_BATCH_REFUSED', `chunk batch refused, nothing stored: ${why}`, {
      why,
      ...data,
    });
  }
}

/** A peer was asked for chunks (or image bytes) it does not have. */
export class SyncChunksMissingError extends VersoError {
  constructor(missing: readonly string[], what: 'chunk' | 'image' = 'chunk') {
    super(
      'NotFound',
      'SYNC_CHUNKS_MISSING',
      `${missing.length} requested ${what}(s) are not stored there (first: ${missing[0] ?? '?'})`,
      { missing: missing.slice(0, 16), count: missing.length, what },
    );
  }
}

/** A push that would drop the receiver's commits (the head is not an ancestor of the new one). */
export class NonFastForwardError extends VersoError {
  constructor(ref: string, current: string | null, proposed: string) {
    super(
      'Conflict',
      'SYNC_NON_FAST_FORWARD',
      `push to '${ref}' refused: not a fast-forward (the remote's '${ref}' is at ${short(current)}, which ${short(proposed)} does not contain); nothing moved`,
      { ref, current, proposed },
    );
  }
}

/** The receiver's ref is not where the sender expected it (someone else moved it). */
export class SyncRefMovedError extends VersoError {
  constructor(ref: string, expected: string | null, current: string | null) {
    super(
      'Conflict',
      'SYNC_REF_MOVED',
      `ref '${ref}' is at ${short(current)}, not at ${short(expected)} as expected; nothing moved`,
      { ref, expected, current },
    );
  }
}

/** Both registries have a schema version of one name with different contents. */
export class SchemaDivergedError extends VersoError {
  constructor(name: string) {
    super(
      'Conflict',
      'SYNC_SCHEMA_DIVERGED',
      `schema version '${name}' differs between the two repositories; nothing moved`,
      { name },
    );
  }
}

export class RemoteNotFoundError extends VersoError {
  constructor(name: string, known: readonly string[]) {
    super('NotFound', 'REMOTE_NOT_FOUND', `no remote named '${name}'`, {
      name,
      known: [...known],
    });
  }
}

export class RemoteExistsError extends VersoError {
  constructor(name: string, url: string) {
    super('AlreadyExists', 'REMOTE_EXISTS', `remote '${name}' exists already (${url})`, {
      name,
      url,
    });
  }
}

function short(id: string | null): string {
  return id === null ? 'nothing' : id.slice(0, 12);
}

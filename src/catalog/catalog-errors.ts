/**
 * Errors a catalog raises (layer: catalog), whatever its backend: refs, locks, pending merges,
 * schema versions and lineage records. Backend-specific ones live beside their backend
 * (`sqlite/`).
 */
import { VersoError } from '../core/errors.js';

/** A branch or tag that already exists where a new one was asked for. */
export class RefExistsError extends VersoError {
  constructor(ref: string) {
    super('AlreadyExists', 'REF_EXISTS', `ref already exists: '${ref}'`, { ref });
  }
}

/** A compare-and-swap on a ref lost a race: someone else moved it first. */
export class RefUpdateRaceError extends VersoError {
  constructor(ref: string, expected: string | null, actual: string | null) {
    super(
      'Conflict',
      'REF_UPDATE_RACE',
      `branch '${ref}' moved while this operation ran (expected ${expected ?? 'nothing'}, ` +
        `found ${actual ?? 'nothing'}); nothing was changed, retry on top of the new head`,
      { ref, expected, actual },
    );
  }
}

/** The repository is locked by an operation that excludes this one (e.g. gc vs writers). */
export class RepositoryBusyError extends VersoError {
  constructor(why: string, data: Record<string, unknown> = {}) {
    super('Conflict', 'REPOSITORY_BUSY', why, data);
  }
}

/** A merge into the branch is already waiting for resolutions. */
export class MergeInProgressError extends VersoError {
  constructor(branch: string) {
    super('Conflict', 'MERGE_IN_PROGRESS', `a merge into '${branch}' is pending`, { branch });
  }
}

/** Someone else changed the pending merge between our read and our write. */
export class PendingMergeRaceError extends VersoError {
  constructor(branch: string) {
    super(
      'Conflict',
      'PENDING_MERGE_RACE',
      `the pending merge into '${branch}' was changed by another process; retry`,
      { branch },
    );
  }
}

/** Schema versions are immutable: the name is taken. */
export class SchemaVersionExistsError extends VersoError {
  constructor(version: string) {
    super(
      'AlreadyExists',
      'SCHEMA_VERSION_EXISTS',
      `schema version '${version}' already exists; versions are immutable, create a new one`,
      { version },
    );
  }
}

/** A lineage record (run, model, prediction, slice) that is not in the catalog. */
export class LineageRecordNotFoundError extends VersoError {
  constructor(kind: string, id: string) {
    super('NotFound', 'LINEAGE_NOT_FOUND', `no ${kind} '${id}'`, { kind, id });
  }
}

/** A lineage record whose id (or model name + version) is already taken. */
export class LineageRecordExistsError extends VersoError {
  constructor(kind: string, id: string) {
    super('AlreadyExists', 'LINEAGE_EXISTS', `${kind} '${id}' already exists`, { kind, id });
  }
}

/** `run finish` on a run that has already finished. */
export class RunFinishedError extends VersoError {
  constructor(id: string, status: string) {
    super('Conflict', 'RUN_FINISHED', `run '${id}' has already finished (${status})`, {
      id,
      status,
    });
  }
}

/**
 * A change to a lineage record that others depend on: a finished run, a run's vectors and
 * example set, a registered model, a recorded prediction. They are immutable; a correction is a
 * new record.
 */
export class LineageRecordImmutableError extends VersoError {
  constructor(kind: string, id: string, why: string) {
    super(
      'Conflict',
      'LINEAGE_IMMUTABLE',
      `${kind} '${id}' ${why}; lineage records are immutable`,
      { kind, id, why },
    );
  }
}

/**
 * Errors of the merge verbs (layer: api): stopped merges, pending merges, undecided conflicts.
 */
import { VersoError } from '../../core/errors.js';

/** No merge is pending for the branch. */
export class NoPendingMergeError extends VersoError {
  constructor(branch: string) {
    super('NotFound', 'NO_PENDING_MERGE', `no merge into '${branch}' is pending`, { branch });
  }
}

/** A merge stopped on conflicts (or possible duplicates); it is stored as a pending merge. */
export class MergeConflictError extends VersoError {
  constructor(branch: string, conflicts: number, duplicates: number) {
    const what = [
      conflicts ? `${conflicts} conflict${conflicts === 1 ? '' : 's'}` : '',
      duplicates ? `${duplicates} possible duplicate${duplicates === 1 ? '' : 's'}` : '',
    ]
      .filter(Boolean)
      .join(' and ');
    super(
      'Conflict',
      'MERGE_CONFLICT',
      `merge into '${branch}' stopped: ${what}; nothing moved, the merge is pending`,
      { branch, conflicts, duplicates },
    );
  }
}

/** The destination branch moved while its merge was pending: committing would overwrite. */
export class MergeTargetMovedError extends VersoError {
  constructor(branch: string, expected: string, actual: string | null) {
    super(
      'Conflict',
      'MERGE_TARGET_MOVED',
      `branch '${branch}' moved while its merge was pending (merge started at ${expected.slice(0, 12)}, branch is now at ${actual ? actual.slice(0, 12) : 'nothing'}); nothing was committed`,
      { branch, expected, actual },
    );
  }
}

/** `merge commit` with conflicts still undecided. */
export class UndecidedConflictsError extends VersoError {
  constructor(branch: string, ids: readonly string[]) {
    const shown =
      ids.slice(0, 10).join(', ') + (ids.length > 10 ? `, ... (${ids.length} in all)` : '');
    super(
      'Conflict',
      'UNDECIDED_CONFLICTS',
      `merge into '${branch}' has ${ids.length} undecided conflict${ids.length === 1 ? '' : 's'}: ${shown}`,
      { branch, ids },
    );
  }
}

/** A conflict id that the pending merge does not have. */
export class UnknownConflictError extends VersoError {
  constructor(branch: string, id: string) {
    super(
      'NotFound',
      'UNKNOWN_CONFLICT',
      `the pending merge into '${branch}' has no conflict '${id}'`,
      { branch, id },
    );
  }
}

/**
 * Errors of opening a repository and of branch and tag verbs (layer: api).
 */
import { VersoError } from '../../core/errors.js';

/** No repository where one was looked for. */
export class RepositoryNotFoundError extends VersoError {
  constructor(searchedFrom: string) {
    super('NotFound', 'REPOSITORY_NOT_FOUND', `no Verso repository at or above '${searchedFrom}'`, {
      searchedFrom,
    });
  }
}

/**
 * The repository's storage is damaged: a catalog or chunk store file that is missing, empty,
 * truncated or unreadable, or chunks that refs reach that are missing or corrupt. The operation
 * stopped before changing anything; `remedy` (also `data.remedy`) says what the user can do.
 */
export class RepositoryDamagedError extends VersoError {
  constructor(what: string, remedy: DamageRemedy, data: Record<string, unknown> = {}) {
    super('Corruption', 'REPOSITORY_DAMAGED', `${what}; nothing was changed`, { ...data, remedy });
  }
}

/**
 * What can be done about damaged storage (worded for the user in `cli/error-hints.ts`):
 * - `restore-or-reinit`: nothing is left to rebuild from: restore a backup (or start afresh);
 * - `recover`: the commits are in the chunk store: rebuild the catalog's branches from them;
 * - `restore-chunks`: the chunk store is damaged; it cannot be rebuilt from the catalog;
 * - `verify-and-restore`: chunks that refs reach are damaged: list them, restore a backup.
 */
export type DamageRemedy =
  'restore-or-reinit' | 'recover' | 'restore-chunks' | 'verify-and-restore';

/** Why a branch is not deleted unless forced. */
export type BranchDeleteRefusal = 'default-branch' | 'pending-merge';

const REFUSAL_REASONS: Readonly<Record<BranchDeleteRefusal, string>> = {
  'default-branch': 'it is the default branch, which commands use when no branch or ref is given',
  'pending-merge': 'it has a pending merge',
};

/** A branch deletion that needs forcing: the default branch, or one with a pending merge. */
export class BranchDeleteRefusedError extends VersoError {
  constructor(branch: string, refusal: BranchDeleteRefusal) {
    const reason = REFUSAL_REASONS[refusal];
    super(
      'Conflict',
      'BRANCH_DELETE_REFUSED',
      `not deleting branch '${branch}': ${reason}; nothing was changed`,
      { branch, reason, refusal },
    );
  }
}

/** Tags never move: deleting or moving one is refused. */
export class TagImmutableError extends VersoError {
  constructor(tag: string, target: string) {
    super(
      'Conflict',
      'TAG_IMMUTABLE',
      `tags never move: tag '${tag}' stays at ${target.slice(0, 12)}; create a new tag (or a branch) instead`,
      { tag, target },
    );
  }
}

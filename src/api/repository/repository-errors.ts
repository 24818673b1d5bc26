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
 * stopped before changing anything; `todo` says what the user can do.
 */
export class RepositoryDamagedError extends VersoError {
  constructor(what: string, todo: string, data: Record<string, unknown> = {}) {
    super('Corruption', 'REPOSITORY_DAMAGED', `${what}; nothing was changed. ${todo}`, data);
  }
}

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

/**
 * Errors of authentication, authorization and branch protection (layer: api). A server maps
 * the token errors to 401, `ACCESS_DENIED` and `BRANCH_PROTECTED` to 403, and
 * `MERGE_GATE_FAILED` to 409 (422 would do too: the candidate is what fails), by code.
 */
import { VersoError } from '../../core/errors.js';
import type { Role } from './roles.js';

/** No token has that secret (or the text is not a Verso token at all). */
export class TokenUnknownError extends VersoError {
  constructor() {
    super('NotFound', 'TOKEN_UNKNOWN', 'the token is not known to this repository', {});
  }
}

/** The token was revoked. */
export class TokenRevokedError extends VersoError {
  constructor(name: string, revokedAt: string) {
    super('InvalidInput', 'TOKEN_REVOKED', `token '${name}' was revoked at ${revokedAt}`, {
      name,
      revokedAt,
    });
  }
}

/** The token's expiry has passed. */
export class TokenExpiredError extends VersoError {
  constructor(name: string, expiresAt: string) {
    super('InvalidInput', 'TOKEN_EXPIRED', `token '${name}' expired at ${expiresAt}`, {
      name,
      expiresAt,
    });
  }
}

/** The token's role is below what the operation needs. */
export class AccessDeniedError extends VersoError {
  constructor(action: string, have: Role, need: Role) {
    super(
      'InvalidInput',
      'ACCESS_DENIED',
      `${action} needs role '${need}' or above; this token has role '${have}'`,
      { action, have, need },
    );
  }
}

/** A write to a protected branch its rule does not allow. */
export class BranchProtectedError extends VersoError {
  constructor(branch: string, why: string, data: Record<string, unknown> = {}) {
    super('InvalidInput', 'BRANCH_PROTECTED', `branch '${branch}' is protected: ${why}`, {
      branch,
      ...data,
    });
  }
}

/** Unprotecting a branch that has no rule. */
export class BranchNotProtectedError extends VersoError {
  constructor(branch: string) {
    super('NotFound', 'BRANCH_NOT_PROTECTED', `branch '${branch}' is not protected`, { branch });
  }
}

/** One gate's outcome (`merge-gates.ts`). */
export interface GateResult {
  /** The check as configured: `schema-valid`, `no-pending-reviews`, `cmd:PATH`. */
  readonly check: string;
  readonly passed: boolean;
  /** What the check found (a command's output, bounded), for the report. */
  readonly output: string;
}

/** At least one gate of a protected branch refused the merge's candidate; nothing moved. */
export class MergeGateFailedError extends VersoError {
  constructor(branch: string, results: readonly GateResult[]) {
    const failed = results.filter((r) => !r.passed);
    const lines = failed.map((r) => {
      const out = r.output.trim();
      return `  ${r.check}: failed${out ? `\n    ${out.split('\n').join('\n    ')}` : ''}`;
    });
    super(
      'Conflict',
      'MERGE_GATE_FAILED',
      `merge into protected branch '${branch}' blocked by ${failed.length} of ${results.length} checks; nothing was changed\n${lines.join('\n')}`,
      { branch, checks: results.map((r) => ({ ...r })) },
    );
  }
}

/**
 * Errors of ref resolution (layer: vcs): a ref that names nothing, a short id that names several.
 */
import { VersoError } from '../core/errors.js';

/** A ref (branch, tag, commit id or prefix) that names nothing. */
export class RefNotFoundError extends VersoError {
  /**
   * `hint`: what the user may have meant or can do ("did you mean 'main'?"); `extra`: more
   * `data` for a surface's hint (`deletedFrom`, `missingBranch`: `ref-suggestions.ts`).
   */
  constructor(ref: string, hint?: string, extra: Record<string, unknown> = {}) {
    super('NotFound', 'REF_NOT_FOUND', `ref not found: '${ref}'${hint ? `; ${hint}` : ''}`, {
      ref,
      ...(hint ? { hint } : {}),
      ...extra,
    });
  }
}

/** A short commit id that matches several commits. */
export class AmbiguousRefError extends VersoError {
  constructor(ref: string, candidates: readonly string[]) {
    super('InvalidInput', 'AMBIGUOUS_REF', `ref '${ref}' is ambiguous: ${candidates.join(', ')}`, {
      ref,
      candidates,
    });
  }
}

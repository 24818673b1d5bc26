/**
 * Errors of the schema model (layer: schema): a taxonomy or delta that breaks a rule, labels that
 * cannot be read under another schema version.
 */
import { VersoError } from '../core/errors.js';

/** A schema (taxonomy) or schema delta that breaks a rule; `field` is a path like `classes[2].parent`. */
export class SchemaInvalidError extends VersoError {
  constructor(field: string, why: string) {
    super('InvalidInput', 'SCHEMA_INVALID', `schema field '${field}': ${why}`, { field, why });
  }
}

/** Labels cannot be carried from one schema version to another without a review (or at all). */
export class SchemaProjectionError extends VersoError {
  constructor(from: string | null, to: string, why: string, blocking: readonly string[] = []) {
    const list = blocking.length ? `:\n  ${blocking.join('\n  ')}` : '';
    super(
      'Conflict',
      'SCHEMA_PROJECTION',
      `cannot read schema ${from ?? '(none)'} as ${to}: ${why}${list}`,
      { from, to, blocking },
    );
  }
}

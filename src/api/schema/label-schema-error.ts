/**
 * A stored label that breaks the schema version a branch adopts (layer: api).
 */
import { VersoError } from '../../core/errors.js';

/** A stored label that does not conform to a schema version (found when a branch adopts it). */
export class LabelSchemaError extends VersoError {
  constructor(image: string, label: string, field: string, why: string) {
    super(
      'InvalidInput',
      'LABEL_SCHEMA',
      `label (image '${image}', label '${label}') field '${field}': ${why}`,
      { image, label, field, why },
    );
  }
}

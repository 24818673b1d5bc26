/**
 * A stored label that breaks the schema version a branch adopts (layer: api).
 */
import { VersoError } from '../../core/errors.js';

/**
 * A stored label (or an annotator's labeling of an object) that does not conform to a schema
 * version (found when a branch adopts it).
 */
export class LabelSchemaError extends VersoError {
  constructor(image: string, label: string, field: string, why: string, annotator?: string) {
    const whose = annotator === undefined ? 'label' : `annotator '${annotator}', object`;
    super(
      'InvalidInput',
      'LABEL_SCHEMA',
      `label (image '${image}', ${whose} '${label}') field '${field}': ${why}`,
      { image, label, field, why, ...(annotator !== undefined ? { annotator } : {}) },
    );
  }
}

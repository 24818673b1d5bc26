/**
 * Errors of the lineage verbs (layer: api); the catalog's lineage errors are in
 * `catalog/catalog-errors.ts`.
 */
import { VersoError } from '../../core/errors.js';

/** `explain` asked of a prediction or run that cannot answer it (no vector, other dimension). */
export class ExplainUnavailableError extends VersoError {
  constructor(prediction: string, why: string) {
    super('InvalidInput', 'EXPLAIN_UNAVAILABLE', `cannot explain ${prediction}: ${why}`, {
      prediction,
      why,
    });
  }
}

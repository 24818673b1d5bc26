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

/** `suspects` asked of a run that cannot answer it (no vectors, or embeddings not gradients). */
export class SuspectsUnavailableError extends VersoError {
  constructor(run: string, why: string) {
    super(
      'InvalidInput',
      'SUSPECTS_UNAVAILABLE',
      `cannot rank the examples of run ${run}: ${why}`,
      {
        run,
        why,
      },
    );
  }
}

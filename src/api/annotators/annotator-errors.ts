/** Errors of the several-annotators verbs (layer: api). */
import { VersoError } from '../../core/errors.js';

/** An annotator with no annotation in the snapshot read. */
export class AnnotatorNotFoundError extends VersoError {
  constructor(ref: string, annotator: string, known: readonly string[]) {
    const list =
      known.length > 0 ? `; annotators: ${known.slice(0, 20).join(', ')}` : '; it has none';
    super('NotFound', 'ANNOTATOR_NOT_FOUND', `no annotator '${annotator}' in ${ref}${list}`, {
      ref,
      annotator,
      known: known.slice(0, 100),
    });
  }
}

/**
 * Errors of the read verbs (layer: api).
 */
import { VersoError } from '../../core/errors.js';

/** An image id with no record in the `assets` tree of a snapshot. */
export class AssetNotFoundError extends VersoError {
  constructor(ref: string, image: string) {
    super('NotFound', 'ASSET_NOT_FOUND', `no asset '${image}' in ${ref}`, { ref, image });
  }
}

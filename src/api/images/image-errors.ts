/**
 * Errors of image intake (layer: api): unreadable image files, two files for one image id, a
 * blob named by hash that the store does not hold.
 */
import { VersoError } from '../../core/errors.js';

/** An image file that cannot be added: not a supported image, a corrupt header, changed while read. */
export class ImageFileError extends VersoError {
  constructor(file: string, why: string) {
    super('InvalidInput', 'IMAGE_FILE', `${file}: ${why}`, { file, why });
  }
}

/** Two different images of one operation map to the same image id. */
export class ImageIdCollisionError extends VersoError {
  constructor(image: string, first: string, second: string) {
    super(
      'InvalidInput',
      'IMAGE_ID_COLLISION',
      `image id '${image}' is used by two different files: '${first}' and '${second}'`,
      { image, first, second },
    );
  }
}

/** No blob with that SHA-256 is stored (upload its bytes first). */
export class BlobNotFoundError extends VersoError {
  constructor(sha256: string) {
    super(
      'NotFound',
      'BLOB_NOT_FOUND',
      `no blob with sha256 ${sha256} is stored; store its bytes first`,
      { sha256 },
    );
  }
}

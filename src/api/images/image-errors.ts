/**
 * Errors of image intake (layer: api): unreadable image files, two files for one image id.
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

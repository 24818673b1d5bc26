/**
 * Errors of `blame` (layer: api).
 */
import { VersoError } from '../../core/errors.js';

/** An image with no labels, or a label that is not on its image, at a ref (`verso blame`). */
export class LabelNotFoundError extends VersoError {
  constructor(ref: string, image: string, label?: string) {
    super(
      'NotFound',
      'LABEL_NOT_FOUND',
      label === undefined
        ? `no labels for image '${image}' in ${ref}`
        : `no label '${label}' on image '${image}' in ${ref}`,
      { ref, image, ...(label === undefined ? {} : { label }) },
    );
  }
}

/** A track that is not in the video at a ref (`verso blame VIDEO --track ID`). */
export class TrackNotFoundError extends VersoError {
  constructor(ref: string, video: string, track: string) {
    super('NotFound', 'TRACK_NOT_FOUND', `no track '${track}' in video '${video}' in ${ref}`, {
      ref,
      video,
      track,
    });
  }
}

/** An image (or object) without annotators' labelings at a ref (`verso blame --annotations`). */
export class AnnotationNotFoundError extends VersoError {
  constructor(ref: string, image: string, object?: string) {
    super(
      'NotFound',
      'ANNOTATION_NOT_FOUND',
      object === undefined
        ? `no annotators' labelings of image '${image}' in ${ref}`
        : `no annotators' labelings of object '${object}' of image '${image}' in ${ref}`,
      { ref, image, ...(object === undefined ? {} : { object }) },
    );
  }
}

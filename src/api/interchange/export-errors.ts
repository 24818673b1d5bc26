/**
 * Errors of the exports (layer: api).
 */
import { VersoError } from '../../core/errors.js';

/** An export that would write images without a width and height (COCO and VOC need them). */
export class ImagesWithoutSizeError extends VersoError {
  constructor(format: string, images: readonly string[], total: number) {
    const named = images.map((i) => `'${i}'`).join(', ');
    const more = total > images.length ? `, and ${total - images.length} more` : '';
    super(
      'InvalidInput',
      'IMAGES_WITHOUT_SIZE',
      `cannot export to ${format}: ${total} image${total === 1 ? ' has' : 's have'} no width/height (no asset record with a size): ${named}${more}`,
      { format, images, total },
    );
  }
}

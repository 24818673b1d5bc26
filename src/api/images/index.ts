/**
 * The images feature's verbs (layer: api): adding image files as assets.
 */
export { addImages } from './add-images.js';
export type { AddImagesResult } from './add-images.js';

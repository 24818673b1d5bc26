/** The images feature's public verb (layer: api): adding image files to a branch. */
export { addImages, type AddImagesOptions, type AddImagesResult } from './add-images.js';

/** The images feature's public verbs (layer: api): adding image files, or stored blobs, to a branch. */
export { addImages, type AddImagesOptions, type AddImagesResult } from './add-images.js';
export { addImageBlobs, type AddImageBlobsOptions, type ImageBlob } from './add-image-blobs.js';
export { BlobNotFoundError } from './image-errors.js';

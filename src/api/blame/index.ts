/**
 * The blame feature's public verbs (layer: api): which commits made each label, each
 * annotator's labeling of an object, and each frame of a video track what it is.
 */
export { blame, type BlameCommit, type BlameQuery, type LabelBlame } from './blame.js';
export {
  trackBlame,
  type FrameBlame,
  type TrackBlame,
  type TrackBlameQuery,
} from './track-blame.js';
export {
  annotationBlame,
  type AnnotationBlame,
  type AnnotationBlameQuery,
} from './annotation-blame.js';

/**
 * Several annotators on one image: the `objects` and `annotations` records (layer: dataset;
 * pure). docs/architecture.md, "Several annotators".
 *
 * - objects:     (image, object)            -> the object's reference content: the content the
 *   first annotator gave it, without the per-annotator members (`annotator`, `annotated_at`).
 *   It is never rewritten when annotators edit later, so every patch stays valid.
 * - annotations: (image, object, annotator) -> that annotator's labeling of the object as a
 *   delta on the reference: `{patch?, replace?, label?, at?}`, encoded canonically, or ZERO
 *   bytes when the annotator agrees exactly and gave no time (the common case costs one key).
 *   `patch`: a JSON merge patch of the reference (`merge-patch.ts`); `replace`: the whole
 *   content, only when a merge patch cannot express it (a `null` member); `label`: the
 *   annotator's own label id when it is not the object id; `at`: `annotated_at`.
 * `labelingOf(reference, annotationOf(reference, content, ...))` gives back exactly `content`
 * (tested by property).
 */
import { decodeValue, encodeValue, type JsonValue } from '../core/canonical.js';
import { CorruptionError, InvalidArgumentError } from '../core/errors.js';
import { decodeTuple, encodeTuple } from '../core/tuple.js';
import type { LabelContent } from './label-line.js';
import { encodeLabelKey, idTooLong } from './label-key.js';
import { applyMergePatch, diffMergePatch, isObject, sameJson } from './merge-patch.js';

/** Members that belong to one annotator's act of labeling, never to the shared reference. */
export const ANNOTATOR_MEMBER = 'annotator';
export const TIME_MEMBER = 'annotated_at';

export interface AnnotationKey {
  readonly image: string;
  readonly object: string;
  readonly annotator: string;
}

/** One annotator's labeling of an object, relative to the object's reference content. */
export interface Annotation {
  readonly patch?: { readonly [k: string]: JsonValue };
  readonly replace?: LabelContent;
  readonly label?: string;
  readonly at?: string;
}

/** An annotator name: non-empty, well formed, within the id bound. */
export function checkAnnotatorName(name: string): string {
  const why =
    name.length === 0
      ? 'an annotator name must not be empty'
      : !name.isWellFormed()
        ? 'contains a lone UTF-16 surrogate'
        : idTooLong(name);
  if (why !== undefined) throw new InvalidArgumentError('annotator', name, why);
  return name;
}

/** The key of an object: the same tuple layout as a label key. */
export const encodeObjectKey = (image: string, object: string): Uint8Array =>
  encodeLabelKey(image, object);

export function encodeAnnotationKey(image: string, object: string, annotator: string): Uint8Array {
  encodeLabelKey(image, object); // checks both ids
  checkAnnotatorName(annotator);
  return encodeTuple([image, object, annotator]);
}

export function decodeAnnotationKey(key: Uint8Array): AnnotationKey {
  const parts = decodeTuple(key);
  if (parts.length !== 3) throw new CorruptionError(`annotation key has ${parts.length} elements`);
  return { image: parts[0]!, object: parts[1]!, annotator: parts[2]! };
}

/** The reference content of a first labeling: the content without per-annotator members. */
export function referenceOf(content: LabelContent): LabelContent {
  const { [ANNOTATOR_MEMBER]: _a, [TIME_MEMBER]: _t, ...rest } = content;
  return rest;
}

/** An annotator's labeling (`content`, with label id `label`) of `object` as a delta. */
export function annotationOf(
  reference: LabelContent,
  content: LabelContent,
  label: string,
  object: string,
): Annotation {
  const own = referenceOf(content);
  const at = content[TIME_MEMBER];
  const patch = diffMergePatch(reference, own);
  const out: { -readonly [K in keyof Annotation]: Annotation[K] } = {};
  if (patch !== undefined) {
    if (isObject(patch) && sameJson(applyMergePatch(reference, patch), own)) out.patch = patch;
    else out.replace = own;
  }
  if (label !== object) out.label = label;
  if (typeof at === 'string') out.at = at;
  else if (at !== undefined) out.replace = { ...own, [TIME_MEMBER]: at };
  return out;
}

/** The annotator's content back from the reference and their annotation. */
export function labelingOf(reference: LabelContent, a: Annotation): LabelContent {
  const base =
    a.replace ?? (a.patch ? (applyMergePatch(reference, a.patch) as LabelContent) : reference);
  return a.at !== undefined ? { ...base, [TIME_MEMBER]: a.at } : base;
}

const EMPTY = new Uint8Array(0);

export function encodeAnnotation(a: Annotation): Uint8Array {
  if (
    a.patch === undefined &&
    a.replace === undefined &&
    a.label === undefined &&
    a.at === undefined
  )
    return EMPTY;
  return encodeValue(a);
}

export function decodeAnnotation(bytes: Uint8Array): Annotation {
  if (bytes.length === 0) return {};
  const v = decodeValue(bytes);
  if (!isObject(v)) throw new CorruptionError('annotation value is not an object');
  return v as Annotation;
}

/** An object's reference content, encoded as a label's content is in the labels tree. */
export const encodeReference = (reference: LabelContent): Uint8Array => encodeValue(reference);

export function decodeReference(bytes: Uint8Array): LabelContent {
  const v = decodeValue(bytes);
  if (!isObject(v)) throw new CorruptionError('object reference is not an object');
  return v;
}

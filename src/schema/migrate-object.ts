/**
 * Migrating one object of the several-annotator trees (layer: schema, issue 18): its reference
 * content and every annotator's labeling go through the same planned steps as a label does
 * (`migrate-label.ts`), and each labeling is stored again as a delta on the migrated reference,
 * so `labelingOf(newReference, newDelta)` is the migrated labeling. An annotator who agreed with
 * the reference before still agrees after an auto step (both are rewritten alike) and keeps an
 * empty delta; a review step leaves content as it is (annotations have no reviews: the count of
 * such hits is reported instead).
 */
import {
  annotationOf,
  encodeAnnotation,
  labelingOf,
  type Annotation,
} from '../dataset/annotation-record.js';
import type { LabelContent } from '../dataset/label-line.js';
import { migrateLabel, type PlannedStep } from './migrate-label.js';

export interface ObjectToMigrate {
  readonly object: string;
  readonly reference: LabelContent;
  readonly annotations: readonly { readonly annotator: string; readonly annotation: Annotation }[];
}

export interface MigratedObject {
  /** The migrated reference, or undefined when no auto step changed it. */
  readonly reference?: LabelContent;
  /** The annotators whose stored delta changes, with the new delta's bytes. */
  readonly annotations: readonly { readonly annotator: string; readonly bytes: Uint8Array }[];
  /** Annotators' labelings an auto step rewrote. */
  readonly rewritten: number;
  /** Annotators' labelings a review step hit (left as they were). */
  readonly marked: number;
  /** Per labeling, the indices of the steps that hit it. */
  readonly hits: readonly number[];
}

export function migrateObject(steps: readonly PlannedStep[], o: ObjectToMigrate): MigratedObject {
  const ref = migrateLabel(steps, o.reference);
  const reference = ref.rewritten ? ref.content : o.reference;
  const changed: { annotator: string; bytes: Uint8Array }[] = [];
  const hits: number[] = [];
  let rewritten = 0;
  let marked = 0;
  for (const { annotator, annotation } of o.annotations) {
    const m = migrateLabel(steps, labelingOf(o.reference, annotation));
    hits.push(...m.hits);
    if (m.rewritten) rewritten++;
    if (m.reasons.length > 0) marked++;
    if (!m.rewritten && !ref.rewritten) continue;
    const next = annotationOf(reference, m.content, annotation.label ?? o.object, o.object);
    const bytes = encodeAnnotation(next);
    if (!sameBytes(bytes, encodeAnnotation(annotation))) changed.push({ annotator, bytes });
  }
  return {
    ...(ref.rewritten ? { reference } : {}),
    annotations: changed,
    rewritten,
    marked,
    hits,
  };
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

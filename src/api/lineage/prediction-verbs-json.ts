/**
 * The JSON of the prediction-store verbs (layer: api, issue 17): `predict disagreements`,
 * `predict promote`, `slice show`, `slice branch` as plain objects with snake_case members, the
 * one shape both `--json` (cli) and the HTTP answers (server) give, so the two cannot drift.
 */
import type { DisagreementsResult } from './predict-disagreements.js';
import type { PromoteResult } from './predict-promote.js';
import type { SliceRecord } from '../../catalog/catalog.js';
import type { ChunkHash } from '../../core/hash.js';
import type { SliceDetails } from './slices.js';

export function disagreementsJson(r: DisagreementsResult) {
  return {
    dataset: r.commit,
    prediction_set: r.set.id,
    min_score: r.minScore,
    disagreements: r.disagreements.map((d) => ({
      image: d.image,
      label: d.label,
      class: d.class,
      prediction: d.prediction,
      predicted_class: d.predictedClass,
      score: d.score,
      iou: d.iou,
      annotator: d.annotator,
      annotated_at: d.annotatedAt,
      reviewer: d.reviewer,
      reviewed_at: d.reviewedAt,
    })),
  };
}

export function promoteJson(r: PromoteResult) {
  return {
    prediction_set: r.set.id,
    model: `${r.model.name}@${r.model.version}`,
    branch: r.branch,
    commit: r.commit,
    committed: r.committed,
    promoted: r.promoted,
    skipped_existing: r.skippedExisting,
    skipped_unknown_images: r.skippedUnknownImages,
  };
}

/** A slice record (`slice save`, and the head of `slice show`). */
export function sliceRecordJson(slice: SliceRecord) {
  return {
    id: slice.id,
    name: slice.name,
    commit: slice.commit,
    filter: slice.filter,
    schema: slice.schema,
    example_count: slice.exampleCount,
    created_at: slice.createdAt,
    selection: slice.selection && {
      prediction_set: slice.selection.predictionSet,
      strategy: slice.selection.strategy,
      params: slice.selection.params,
    },
  };
}

export function sliceJson({ slice, images }: SliceDetails) {
  return {
    ...sliceRecordJson(slice),
    ...(images
      ? {
          images: images.map((i) => ({
            image: i.image,
            difficulty: i.difficulty,
            prediction: i.prediction,
            category: i.category,
          })),
        }
      : {}),
  };
}

export function sliceBranchJson(r: {
  readonly slice: SliceRecord;
  readonly branch: string;
  readonly target: ChunkHash;
}) {
  return { slice: r.slice.id, branch: r.branch, commit: r.target };
}

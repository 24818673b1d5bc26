/**
 * What a ranked training example is, read through its run's exact commit (layer: api): the label
 * content as trained on, who annotated it and when, and its review (reviewer, time, status).
 * Point lookups in the commit's labels and reviews trees; shared by `explain` and `suspects`.
 */
import { decodeValue, type JsonValue } from '../../core/canonical.js';
import { encodeLabelKey } from '../../dataset/label-key.js';
import { getValue } from '../../tree/read.js';
import { treeRoot, type Snapshot } from '../../vcs/snapshot.js';
import type { Repository } from '../repository/repository.js';

export interface ExampleDetails {
  readonly content: JsonValue | null;
  readonly annotator: JsonValue | null;
  readonly annotated_at: JsonValue | null;
  readonly reviewer: JsonValue | null;
  readonly reviewed_at: JsonValue | null;
  readonly review: JsonValue | null;
}

/** Label (image, label) of `snap` with its annotator and review; nulls where absent. */
export async function exampleDetails(
  repo: Repository,
  snap: Snapshot,
  image: string,
  label: string,
): Promise<ExampleDetails> {
  const key = encodeLabelKey(image, label);
  const content = await valueAt(repo, treeRoot(snap, 'labels'), key);
  const review = await valueAt(repo, treeRoot(snap, 'reviews'), key);
  return {
    content,
    annotator: member(content, 'annotator'),
    annotated_at: member(content, 'annotated_at'),
    reviewer: member(review, 'reviewer'),
    reviewed_at: member(review, 'reviewed_at'),
    review,
  };
}

/** Member `name` of a JSON object, or null (not an object, or no such member). */
export function member(v: JsonValue | null, name: string): JsonValue | null {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v[name] ?? null) : null;
}

async function valueAt(
  repo: Repository,
  root: Uint8Array,
  key: Uint8Array,
): Promise<JsonValue | null> {
  const bytes = await getValue(repo.nodes, root, key);
  return bytes === undefined ? null : decodeValue(bytes);
}

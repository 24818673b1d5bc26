/**
 * Several annotators' changes between two snapshots (layer: api): one change per (image,
 * object, annotator) whose annotation differs, with the annotator's labeling before and after as
 * they read it (`cat --annotator`: the object's reference content with the annotator's delta
 * applied, `dataset/annotation-record.ts` `labelingOf`), so `verso diff` shows what an annotator
 * changed, not the stored deltas. The `annotations` tree is diffed (equal subtrees skipped);
 * each change's reference is one point lookup in that side's `objects` tree. The `objects` tree
 * itself is internal (a reference is never rewritten; an object no annotation refers to goes
 * with its last annotation) and gives no changes of its own.
 */
import type { JsonValue } from '../../core/canonical.js';
import {
  decodeAnnotation,
  decodeAnnotationKey,
  decodeReference,
  encodeObjectKey,
  labelingOf,
} from '../../dataset/annotation-record.js';
import {
  fieldChanges,
  geometryMovement,
  type FieldChange,
  type GeometryMovement,
} from '../../dataset/record-change.js';
import type { ChangeType } from '../../tree/diff.js';
import { diffTrees } from '../../tree/diff.js';
import { getValue } from '../../tree/read.js';
import { treeRoot, type Snapshot } from '../../vcs/snapshot.js';
import type { Repository } from '../repository/repository.js';

/** One changed annotation, in the shape of a diff's record change (`ChangeDetail`). */
export interface AnnotationChange {
  readonly tree: 'annotations';
  readonly key: { readonly image: string; readonly label: string };
  readonly annotator: string;
  readonly change: ChangeType;
  readonly before?: JsonValue;
  readonly after?: JsonValue;
  readonly fields?: readonly FieldChange[];
  readonly geometry?: GeometryMovement;
}

export async function* diffAnnotationSnapshots(
  repo: Repository,
  a: Snapshot,
  b: Snapshot,
): AsyncGenerator<AnnotationChange> {
  const labeling = async (s: Snapshot, image: string, object: string, bytes: Uint8Array) => {
    const reference = await getValue(
      repo.nodes,
      treeRoot(s, 'objects'),
      encodeObjectKey(image, object),
    );
    return labelingOf(
      reference ? decodeReference(reference) : {},
      decodeAnnotation(bytes),
    ) as JsonValue;
  };
  for await (const c of diffTrees(
    repo.nodes,
    treeRoot(a, 'annotations'),
    treeRoot(b, 'annotations'),
  )) {
    const { image, object, annotator } = decodeAnnotationKey(c.key);
    const before = c.from && (await labeling(a, image, object, c.from));
    const after = c.to && (await labeling(b, image, object, c.to));
    const base = {
      tree: 'annotations' as const,
      key: { image, label: object },
      annotator,
      change: c.type,
      ...(before !== undefined ? { before } : {}),
      ...(after !== undefined ? { after } : {}),
    };
    if (before === undefined || after === undefined) {
      yield base;
      continue;
    }
    const geometry = geometryMovement(before, after);
    yield { ...base, fields: fieldChanges(before, after), ...(geometry ? { geometry } : {}) };
  }
}

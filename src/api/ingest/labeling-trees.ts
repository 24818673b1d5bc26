/**
 * Writes annotators' labelings into the `objects` and `annotations` trees (layer: api).
 * docs/architecture.md, "Several annotators".
 *
 * Input: per image, per annotator, that annotator's labels of the image (`LabelingCollector`).
 * Per image, in annotator name order (so an import's result never depends on file order):
 * 1. the annotator's stored annotations of the image are removed (a re-import replaces exactly
 *    that annotator's labeling of the images it gives; other annotators' keys are not touched);
 * 2. each label is matched to the image's objects (`object-matching.ts`: same id, else class +
 *    IoU by minimum-cost assignment); a label left over becomes a new object whose reference
 *    content is this label's (its id: the label id, or `<label>~<annotator>` when taken);
 * 3. the annotation is the label as a delta on the object's reference (`annotation-record.ts`).
 * Objects no annotation refers to any more (their only annotator re-labelled the image without
 * them) are removed. The labels tree is never touched: consensus writes it.
 * Cost: one range scan of each tree per image, then one batched mutation per tree.
 */
import { FormatParseError } from '../../core/errors.js';
import {
  annotationOf,
  checkAnnotatorName,
  decodeAnnotationKey,
  decodeReference,
  encodeAnnotation,
  encodeAnnotationKey,
  encodeObjectKey,
  encodeReference,
  referenceOf,
} from '../../dataset/annotation-record.js';
import { decodeLabelKey, imageLabelRange } from '../../dataset/label-key.js';
import type { LabelContent } from '../../dataset/label-line.js';
import { matchToObjects, type ImageObject } from '../../dataset/object-matching.js';
import { compareBytes } from '../../tree/bytes.js';
import { mutateTreeCounting, type Edit, type MutationCounts } from '../../tree/mutate.js';
import { scan } from '../../tree/read.js';
import type { Repository } from '../repository/repository.js';

/** Where a label came from, for errors: [file, record]. */
export type Where = readonly [file: string, record: string | number];

export interface LabelingLabel {
  readonly label: string;
  readonly content: LabelContent;
  readonly where: Where;
}

/** Annotators' labels by image and annotator, as importers read them. */
export class LabelingCollector {
  private readonly images = new Map<string, Map<string, LabelingLabel[]>>();
  private readonly seen = new Map<string, Where>();
  labels = 0;

  /** The annotator labelled `image` (even with no labels: a re-import then empties it). */
  cover(image: string, annotator: string): LabelingLabel[] {
    checkAnnotatorName(annotator);
    let byAnnotator = this.images.get(image);
    if (!byAnnotator) this.images.set(image, (byAnnotator = new Map()));
    let labels = byAnnotator.get(annotator);
    if (!labels) byAnnotator.set(annotator, (labels = []));
    return labels;
  }

  add(image: string, annotator: string, label: string, content: LabelContent, where: Where): void {
    const key = `${image}\u0000${annotator}\u0000${label}`;
    const first = this.seen.get(key);
    if (first)
      throw new FormatParseError(
        where[0],
        where[1],
        'label',
        `duplicate label '${label}' of annotator '${annotator}' on image '${image}', first at ${first[1]}`,
      );
    this.seen.set(key, where);
    this.cover(image, annotator).push({ label, content, where });
    this.labels++;
  }

  get annotators(): string[] {
    const names = new Set<string>();
    for (const m of this.images.values()) for (const a of m.keys()) names.add(a);
    return [...names].sort();
  }

  sortedImages(): [string, Map<string, LabelingLabel[]>][] {
    return [...this.images.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }
}

export interface LabelingRoots {
  readonly objects: Uint8Array;
  readonly annotations: Uint8Array;
}

export interface LabelingChanges {
  readonly objects: MutationCounts;
  readonly annotations: MutationCounts;
}

export async function writeLabelings(
  repo: Repository,
  base: LabelingRoots,
  input: LabelingCollector,
): Promise<LabelingRoots & { readonly changes: LabelingChanges }> {
  const objectEdits: Edit[] = [];
  const annotationEdits: Edit[] = [];
  for (const [image, byAnnotator] of input.sortedImages()) {
    const range = imageLabelRange(image);
    const objects: ImageObject[] = [];
    for await (const [k, v] of scan(repo.nodes, base.objects, range))
      objects.push({ object: decodeLabelKey(k).label, reference: decodeReference(v) });
    const refCount = new Map<string, number>();
    for await (const [k] of scan(repo.nodes, base.annotations, range)) {
      const { object, annotator } = decodeAnnotationKey(k);
      if (byAnnotator.has(annotator)) annotationEdits.push({ key: k, value: null });
      else refCount.set(object, (refCount.get(object) ?? 0) + 1);
    }
    const ids = new Set(objects.map((o) => o.object));
    const stored = objects.length;
    for (const annotator of [...byAnnotator.keys()].sort()) {
      const labels = byAnnotator.get(annotator)!;
      const match = matchToObjects(objects, labels);
      labels.forEach((l, i) => {
        let j = match[i]!;
        if (j < 0) {
          const object = freshId(ids, l.label, annotator);
          ids.add(object);
          j = objects.push({ object, reference: referenceOf(l.content) }) - 1;
        }
        const o = objects[j]!;
        refCount.set(o.object, (refCount.get(o.object) ?? 0) + 1);
        const a = annotationOf(o.reference, l.content, l.label, o.object);
        annotationEdits.push({
          key: encodeAnnotationKey(image, o.object, annotator),
          value: encodeAnnotation(a),
        });
      });
    }
    objects.forEach((o, i) => {
      const key = encodeObjectKey(image, o.object);
      if (!refCount.get(o.object)) {
        if (i < stored) objectEdits.push({ key, value: null });
      } else if (i >= stored) objectEdits.push({ key, value: encodeReference(o.reference) });
    });
  }
  const objects = await mutateTreeCounting(repo.nodes, base.objects, uniqueEdits(objectEdits));
  const annotations = await mutateTreeCounting(
    repo.nodes,
    base.annotations,
    uniqueEdits(annotationEdits),
  );
  return {
    objects: objects.root,
    annotations: annotations.root,
    changes: { objects: objects.counts, annotations: annotations.counts },
  };
}

function freshId(ids: ReadonlySet<string>, label: string, annotator: string): string {
  if (!ids.has(label)) return label;
  for (let n = 1; ; n++) {
    const id = n === 1 ? `${label}~${annotator}` : `${label}~${annotator}~${n}`;
    if (!ids.has(id)) return id;
  }
}

/** Sorted by key; a later edit of a key wins (a deleted annotation put again). */
function uniqueEdits(edits: Edit[]): Edit[] {
  const byKey = new Map<string, Edit>();
  for (const e of edits) byKey.set(Buffer.from(e.key).toString('latin1'), e);
  return [...byKey.values()].sort((a, b) => compareBytes(a.key, b.key));
}

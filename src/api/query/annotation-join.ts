/**
 * The join behind a filter's `annotators` and `agreement` terms (layer: api): for each image the
 * label scan reaches, the image's objects (`objects` tree) and every annotator's labeling of
 * each (`annotations` tree, keyed (image, object, annotator), so an image's annotations are one
 * key range in the same order as its objects), turned into each object's annotator count and
 * agreement (`dataset/agreement-stats.ts` `objectAgreement`). A label is joined with the object
 * of the same key (consensus writes its labels under their object ids); any other label has no
 * object. Both trees are walked forward with the scan, one image at a time (`image-entries.ts`).
 */
import { decodeAnnotation, decodeReference, labelingOf } from '../../dataset/annotation-record.js';
import { objectAgreement, type Vote } from '../../dataset/agreement-stats.js';
import { decodeLabelKey, imageLabelRange } from '../../dataset/label-key.js';
import { labelBox, labelClass } from '../../dataset/label-overlap.js';
import type { LabelContent } from '../../dataset/label-line.js';
import { decodeTuple } from '../../core/tuple.js';
import { keyIdOf, type AnnotationsOfLabel } from '../../query/record-view.js';
import { treeRoot, type Snapshot } from '../../vcs/snapshot.js';
import type { Repository } from '../repository/repository.js';
import { imageEntries, type ImageEntries } from './image-entries.js';

export class AnnotationJoin {
  private readonly objects: ImageEntries;
  private readonly annotations: ImageEntries;
  private byObject = new Map<string, AnnotationsOfLabel>();

  constructor(
    repo: Repository,
    snap: Snapshot,
    lookup: 'scan' | 'point',
    /** Scans start here (the first image loaded is at or after it). */
    start?: Uint8Array,
  ) {
    this.objects = imageEntries(repo.nodes, treeRoot(snap, 'objects'), lookup, start);
    this.annotations = imageEntries(repo.nodes, treeRoot(snap, 'annotations'), lookup, start);
  }

  /** Every object of `image` with its annotators' votes, counted and scored. */
  async loadImage(image: string): Promise<void> {
    const range = imageLabelRange(image);
    const [objects, annotations] = await Promise.all([
      this.objects.entriesIn(range),
      this.annotations.entriesIn(range),
    ]);
    const votes = new Map<string, Vote[]>();
    const encoded = new Map(objects.map(([k, v]) => [decodeLabelKey(k).label, v]));
    const references = new Map<string, LabelContent>();
    const annotators = new Set<string>();
    for (const [key, value] of annotations) {
      const [, object, annotator] = decodeTuple(key) as [string, string, string];
      const bytes = encoded.get(object);
      if (bytes === undefined) continue;
      let reference = references.get(object);
      if (!reference) references.set(object, (reference = decodeReference(bytes)));
      const content = labelingOf(reference, decodeAnnotation(value));
      annotators.add(annotator);
      let list = votes.get(object);
      if (!list) votes.set(object, (list = []));
      list.push({ annotator, cls: labelClass(content) ?? '', box: labelBox(content) });
    }
    this.byObject = new Map();
    for (const [key] of objects) {
      const mine = votes.get(decodeLabelKey(key).label) ?? [];
      this.byObject.set(keyIdOf(key), {
        annotators: mine.length,
        agreement: objectAgreement(mine, annotators.size),
      });
    }
  }

  /** The object of one label of the image loaded last (undefined: the label is no object). */
  annotationsOf(labelKey: Uint8Array): AnnotationsOfLabel | undefined {
    return this.byObject.get(keyIdOf(labelKey));
  }
}

/**
 * The objects of a snapshot with every annotator's labeling of each (layer: api): one walk of
 * the `objects` and `annotations` trees side by side (both are in (image, object) order; an
 * object's annotations are the contiguous keys after its prefix). What `cat --annotator`,
 * consensus and agreement read. Cost: O(objects + annotations), one pass, bounded memory.
 */
import {
  decodeAnnotation,
  decodeAnnotationKey,
  decodeReference,
  encodeObjectKey,
  labelingOf,
  type Annotation,
} from '../../dataset/annotation-record.js';
import { CorruptionError } from '../../core/errors.js';
import { decodeLabelKey } from '../../dataset/label-key.js';
import type { LabelContent } from '../../dataset/label-line.js';
import { compareBytes } from '../../tree/bytes.js';
import { scan } from '../../tree/read.js';
import { treeRoot, type Snapshot } from '../../vcs/snapshot.js';
import type { Repository } from '../repository/repository.js';

export interface ObjectLabelings {
  readonly image: string;
  readonly object: string;
  readonly reference: LabelContent;
  /** In annotator name order. */
  readonly annotations: readonly { readonly annotator: string; readonly annotation: Annotation }[];
}

export async function* scanObjectLabelings(
  repo: Repository,
  snapshot: Snapshot,
): AsyncGenerator<ObjectLabelings> {
  const annotations = scan(repo.nodes, treeRoot(snapshot, 'annotations'));
  let next = await annotations.next();
  for await (const [k, v] of scan(repo.nodes, treeRoot(snapshot, 'objects'))) {
    const { image, label: object } = decodeLabelKey(k);
    const mine: { annotator: string; annotation: Annotation }[] = [];
    while (!next.done) {
      const [ak, av] = next.value;
      const key = decodeAnnotationKey(ak);
      if (key.image !== image || key.object !== object) {
        if (compareBytes(encodeObjectKey(key.image, key.object), k) < 0)
          throw new CorruptionError(
            `annotation of '${key.image}/${key.object}' without its object`,
          );
        break;
      }
      mine.push({ annotator: key.annotator, annotation: decodeAnnotation(av) });
      next = await annotations.next();
    }
    yield { image, object, reference: decodeReference(v), annotations: mine };
  }
}

/** Each annotator's content of an object. */
export function labelingsOf(o: ObjectLabelings): { annotator: string; content: LabelContent }[] {
  return o.annotations.map((a) => ({
    annotator: a.annotator,
    content: labelingOf(o.reference, a.annotation),
  }));
}

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
  labelingOf,
  type Annotation,
} from '../../dataset/annotation-record.js';
import { CorruptionError } from '../../core/errors.js';
import { decodeLabelKey } from '../../dataset/label-key.js';
import type { LabelContent } from '../../dataset/label-line.js';
import { decodeTuple } from '../../core/tuple.js';
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
    // An annotation key is its object's key followed by the annotator element (tuple encoding).
    while (!next.done) {
      const [ak, av] = next.value;
      if (!startsWith(ak, k)) {
        if (compareBytes(ak, k) < 0) {
          const key = decodeAnnotationKey(ak);
          throw new CorruptionError(
            `annotation of '${key.image}/${key.object}' without its object`,
          );
        }
        break;
      }
      const [annotator] = decodeTuple(ak.subarray(k.length));
      mine.push({ annotator: annotator!, annotation: decodeAnnotation(av) });
      next = await annotations.next();
    }
    yield { image, object, reference: decodeReference(v), annotations: mine };
  }
}

function startsWith(key: Uint8Array, prefix: Uint8Array): boolean {
  if (key.length <= prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (key[i] !== prefix[i]) return false;
  return true;
}

/** Each annotator's content of an object. */
export function labelingsOf(o: ObjectLabelings): { annotator: string; content: LabelContent }[] {
  return o.annotations.map((a) => ({
    annotator: a.annotator,
    content: labelingOf(o.reference, a.annotation),
  }));
}

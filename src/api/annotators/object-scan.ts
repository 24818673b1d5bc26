/**
 * The objects of a snapshot with every annotator's labeling of each (layer: api): one walk of
 * the `objects` and `annotations` trees side by side (both are in (image, object) order; an
 * object's annotations are the contiguous keys after its prefix). What `cat --annotator`,
 * consensus and agreement read. Cost: O(objects + annotations), one pass, bounded memory
 * (one leaf of objects at a time).
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
import { scanLeaves, type LeafRun } from '../../tree/read.js';
import { treeRoot, type Snapshot } from '../../vcs/snapshot.js';
import type { Repository } from '../repository/repository.js';

export interface ObjectLabelings {
  readonly image: string;
  readonly object: string;
  readonly reference: LabelContent;
  /** In annotator name order. */
  readonly annotations: readonly { readonly annotator: string; readonly annotation: Annotation }[];
}

/**
 * The objects a leaf of the objects tree at a time (one await per leaf of either tree, not per
 * entry: a million objects with three annotations each are 4M entries).
 */
export async function* scanObjectLabelings(
  repo: Repository,
  snapshot: Snapshot,
): AsyncGenerator<ObjectLabelings[]> {
  const annotations = new LeafEntries(scanLeaves(repo.nodes, treeRoot(snapshot, 'annotations')));
  for await (const run of scanLeaves(repo.nodes, treeRoot(snapshot, 'objects'))) {
    const batch: ObjectLabelings[] = [];
    for (let i = run.from; i < run.to; i++) {
      const k = run.keys[i]!;
      const { image, label: object } = decodeLabelKey(k);
      const mine: { annotator: string; annotation: Annotation }[] = [];
      // An annotation key is its object's key followed by the annotator element (tuple encoding).
      for (;;) {
        if (!annotations.ready() && !(await annotations.load())) break;
        const ak = annotations.key();
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
        mine.push({ annotator: annotator!, annotation: decodeAnnotation(annotations.value()) });
        annotations.advance();
      }
      batch.push({ image, object, reference: decodeReference(run.values[i]!), annotations: mine });
    }
    yield batch;
  }
}

/** A cursor over a tree's entries that awaits only when it moves to the next leaf. */
class LeafEntries {
  private run: LeafRun | undefined;
  private i = 0;
  constructor(private readonly leaves: AsyncGenerator<LeafRun>) {}

  ready(): boolean {
    return this.run !== undefined && this.i < this.run.to;
  }

  /** Moves to the next leaf; false at the end. */
  async load(): Promise<boolean> {
    while (!this.ready()) {
      const next = await this.leaves.next();
      if (next.done) return false;
      this.run = next.value;
      this.i = next.value.from;
    }
    return true;
  }

  key = (): Uint8Array => this.run!.keys[this.i]!;
  value = (): Uint8Array => this.run!.values[this.i]!;
  advance(): void {
    this.i++;
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

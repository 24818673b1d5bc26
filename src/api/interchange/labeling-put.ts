/**
 * A format import's labels as annotators' labelings (layer: api): `verso import FORMAT PATH
 * --annotator NAME` (every label is NAME's) or `--annotators` (each label's own `annotator`
 * member, e.g. Label Studio's `completed_by`, so a task with several annotations is several
 * annotators). The labels go to the record sink's `LabelingCollector` (`labeling-trees.ts`)
 * instead of the labels tree; an image the file covers is covered for its annotator, so a
 * re-import replaces exactly that annotator's labeling of it. Labels without an id get their
 * 1-based position in the image; object identity is decided by `object-matching.ts`.
 */
import { FormatParseError } from '../../core/errors.js';
import { ANNOTATOR_MEMBER } from '../../dataset/annotation-record.js';
import type { LabelingCollector } from '../ingest/labeling-trees.js';
import type { LabelContent } from '../../dataset/label-line.js';

/** What this module reads of an incoming image (`reimport-match-import.ts` `IncomingImage`). */
interface ImageLabels {
  readonly image: string;
  readonly tag: number;
  readonly labels: readonly {
    readonly id?: string;
    readonly where?: string | number;
    readonly content: LabelContent;
  }[];
}

/** Whose labels a format import holds: one named annotator, or each label's own. */
export type LabelingOwner = { readonly annotator: string } | { readonly fromLabels: true };

export function putLabeling(
  into: LabelingCollector,
  img: ImageLabels,
  owner: LabelingOwner,
  describe: (tag: number) => readonly [file: string, record: string],
): void {
  const [file, record] = describe(img.tag);
  coverLabeling(into, img.image, owner);
  img.labels.forEach((l, i) =>
    addLabelingLabel(into, owner, img.image, l.id ?? String(i + 1), l.content, [
      file,
      l.where ?? record,
    ]),
  );
}

/** The image is covered for the named annotator (a re-import then empties it). */
export function coverLabeling(into: LabelingCollector, image: string, owner: LabelingOwner): void {
  if ('annotator' in owner) into.cover(image, owner.annotator);
}

/** One label of `image` as its owner's labeling; `where` names it in errors. */
export function addLabelingLabel(
  into: LabelingCollector,
  owner: LabelingOwner,
  image: string,
  label: string,
  content: LabelContent,
  where: readonly [file: string, record: string | number],
): void {
  const named = content[ANNOTATOR_MEMBER];
  const annotator = 'annotator' in owner ? owner.annotator : named;
  if (typeof annotator !== 'string' || annotator === '')
    throw new FormatParseError(
      where[0],
      where[1],
      ANNOTATOR_MEMBER,
      'the label names no annotator; name one annotator for the whole file instead',
    );
  into.add(image, annotator, label, content, where);
}

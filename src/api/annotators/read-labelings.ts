/**
 * `verso cat REF --annotator NAME`: one annotator's labeling as label lines (layer: api).
 *
 * Each annotation is its annotator's content rebuilt from the object's reference and the delta
 * (`annotation-record.ts`): the line is `{image, label, ...content, annotator, object}` with the
 * annotator's own label id (the object id when they are the same), so what was imported reads
 * back as it was. Without an annotator every annotation is given, in (image, object, annotator)
 * order. An annotator with no annotation in the snapshot is `AnnotatorNotFoundError`.
 */
import type { JsonValue } from '../../core/canonical.js';
import { checkAnnotatorName } from '../../dataset/annotation-record.js';
import type { LabelContent } from '../../dataset/label-line.js';
import { labelingOf } from '../../dataset/annotation-record.js';
import { snapshotAtRef } from '../repository/snapshot-at.js';
import type { Repository } from '../repository/repository.js';
import { AnnotatorNotFoundError } from './annotator-errors.js';
import { scanObjectLabelings } from './object-scan.js';

export interface LabelingLine {
  readonly image: string;
  readonly label: string;
  readonly [member: string]: JsonValue;
}

export async function* readLabelings(
  repo: Repository,
  ref: string,
  opts: { readonly annotator?: string } = {},
): AsyncGenerator<LabelingLine> {
  const wanted = opts.annotator === undefined ? undefined : checkAnnotatorName(opts.annotator);
  const { snap } = await snapshotAtRef(repo, ref);
  const known = new Set<string>();
  let found = false;
  for await (const batch of scanObjectLabelings(repo, snap))
    for (const o of batch)
      for (const { annotator, annotation } of o.annotations) {
        known.add(annotator);
        if (wanted !== undefined && annotator !== wanted) continue;
        found = true;
        const content: LabelContent = labelingOf(o.reference, annotation);
        yield {
          image: o.image,
          label: annotation.label ?? o.object,
          ...content,
          annotator,
          object: o.object,
        };
      }
  if (wanted !== undefined && !found)
    throw new AnnotatorNotFoundError(ref, wanted, [...known].sort());
}

/** The same lines as JSON Lines, a block of bytes at a time (what `cat` prints). */
export async function* readLabelingBlocks(
  repo: Repository,
  ref: string,
  opts: { readonly annotator?: string } = {},
): AsyncGenerator<Uint8Array> {
  let block = '';
  for await (const line of readLabelings(repo, ref, opts)) {
    block += `${JSON.stringify(line)}\n`;
    if (block.length >= 1 << 16) {
      yield Buffer.from(block);
      block = '';
    }
  }
  if (block) yield Buffer.from(block);
}
